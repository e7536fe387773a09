package io.runnel.metadata.controller;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/** Kafka answers an item named twice in one request with INVALID_REQUEST for that item; this finds them. */
final class Duplicates {
    private Duplicates() {}

    /** Distinct items in first-seen order, each mapped to whether it appeared more than once. */
    static <T> Map<T, Boolean> distinctWithDuplicates(final Collection<T> items) {
        final Map<T, Boolean> result = new LinkedHashMap<>();
        for (final T item : items) {
            result.merge(item, Boolean.FALSE, (a, b) -> Boolean.TRUE);
        }
        return result;
    }
}
