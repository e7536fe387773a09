package io.runnel.broker.config;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.kafka.common.config.ConfigException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A comma-separated broker property read as Kafka 4.2+ reads a LIST config (KIP-1161): elements trimmed, an empty
 * element refused with Kafka's message, duplicates dropped with Kafka's warning, so a start-up that Kafka refuses is
 * refused here too and with the same words.
 */
final class ListValues {
    private static final Logger LOG = LoggerFactory.getLogger(ListValues.class);

    private ListValues() {}

    /**
     * @throws ConfigException an element is empty ({@code "a,,b"}, a trailing comma)
     */
    static List<String> parse(final String key, final String value) {
        final String trimmed = value.trim();
        if (trimmed.isEmpty()) {
            return List.of();
        }
        final List<String> elements = new ArrayList<>();
        for (final String element : trimmed.split(",", -1)) {
            final String e = element.trim();
            if (e.isEmpty()) {
                throw new ConfigException("Configuration '" + key + "' values must not be empty.");
            }
            elements.add(e);
        }
        final Set<String> distinct = new LinkedHashSet<>(elements);
        if (distinct.size() != elements.size()) {
            LOG.warn(
                    "Configuration key \"{}\" contains duplicate values. Duplicates will be removed. The original value"
                            + " is: {}, the updated value is: {}",
                    key,
                    elements,
                    List.copyOf(distinct));
        }
        return List.copyOf(distinct);
    }
}
