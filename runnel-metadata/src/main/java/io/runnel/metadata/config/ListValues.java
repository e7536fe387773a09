package io.runnel.metadata.config;

import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.config.ConfigException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How Kafka 4.2+ reads a LIST config (KIP-1161), in one place for topic configs ({@link ConfigValidator#validList})
 * and comma-separated broker properties: duplicates dropped with Kafka's warning, an empty element refused with
 * Kafka's message.
 */
public final class ListValues {
    private static final Logger LOG = LoggerFactory.getLogger(ListValues.class);

    private ListValues() {}

    /** Kafka's message for a list holding an empty element. */
    public static String emptyElement(final String key) {
        return "Configuration '" + key + "' values must not be empty.";
    }

    /** {@code given} without its duplicates, first occurrence kept; logs Kafka's warning when there were any. */
    public static <T> List<T> distinct(final String key, final List<T> given) {
        final List<T> distinct = given.stream().distinct().toList();
        if (distinct.size() != given.size()) {
            LOG.warn(
                    "Configuration key \"{}\" contains duplicate values. Duplicates will be removed."
                            + " The original value is: {}, the updated value is: {}",
                    key,
                    given,
                    distinct);
        }
        return distinct;
    }

    /**
     * A comma-separated property as Kafka reads it: elements trimmed, duplicates dropped, a blank value an empty
     * list.
     *
     * @throws ConfigException an element is empty ({@code "a,,b"}, a trailing comma)
     */
    public static List<String> parse(final String key, final String value) {
        final String trimmed = value.trim();
        if (trimmed.isEmpty()) {
            return List.of();
        }
        final List<String> elements = new ArrayList<>();
        for (final String element : trimmed.split(",", -1)) {
            final String e = element.trim();
            if (e.isEmpty()) {
                throw new ConfigException(emptyElement(key));
            }
            elements.add(e);
        }
        return distinct(key, elements);
    }
}
