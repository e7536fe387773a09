package io.runnel.metadata.config;

import io.runnel.metadata.Nullable;
import java.util.List;
import java.util.Set;

/** Checks a parsed config value; the parsed type follows the config's type. */
@FunctionalInterface
public interface ConfigValidator {
    /** Accepts every value of the right type. */
    ConfigValidator ANY = value -> null;

    /** @return why {@code value} is invalid, or null if it is valid */
    @Nullable
    String problem(Object value);

    /** A number no smaller than {@code min}. */
    static ConfigValidator atLeast(final Number min) {
        return value -> ((Number) value).doubleValue() < min.doubleValue() ? "Value must be at least " + min : null;
    }

    /** A number in {@code [min, max]}. */
    static ConfigValidator between(final Number min, final Number max) {
        return value -> {
            final double v = ((Number) value).doubleValue();
            if (v < min.doubleValue()) {
                return "Value must be at least " + min;
            }
            return v > max.doubleValue() ? "Value must be no more than " + max : null;
        };
    }

    /** A string, or every element of a list, from {@code allowed} (case-sensitive, as in Kafka). */
    static ConfigValidator oneOf(final List<String> allowed) {
        final Set<String> set = Set.copyOf(allowed);
        final String choices = String.join(", ", allowed);
        return value -> {
            if (value instanceof List<?> list) {
                if (list.isEmpty()) {
                    return "List must contain at least one of: " + choices;
                }
                for (final Object element : list) {
                    if (!set.contains(element)) {
                        return "Invalid value " + element + "; list elements must be one of: " + choices;
                    }
                }
                return null;
            }
            return set.contains(value) ? null : "String must be one of: " + choices;
        };
    }
}
