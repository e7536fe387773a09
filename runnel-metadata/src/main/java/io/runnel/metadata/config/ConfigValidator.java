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

    /**
     * Whether {@link #problem} is the whole error message. Kafka's {@code ConfigDef.ValidList} throws complete
     * messages ("Configuration 'x' values must not be empty."), not the "Invalid value v for configuration x: "
     * the other validators' reasons are given.
     */
    default boolean wholeMessage() {
        return false;
    }

    /**
     * Kafka 4.4's {@code ConfigDef.ValidList.in(emptyAllowed, allowed...)} (KIP-1161) for the list config
     * {@code name}: duplicates are dropped with a warning before the check (Kafka's {@code ConfigDef.parseValue}),
     * an empty list is refused unless {@code emptyAllowed}, an empty element always, and every element must be
     * one of {@code allowed}; the messages are Kafka's.
     */
    static ConfigValidator validList(final String name, final boolean emptyAllowed, final List<String> allowed) {
        return new ValidList(name, emptyAllowed, List.copyOf(allowed));
    }

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

    /** See {@link #validList}. */
    record ValidList(String name, boolean emptyAllowed, List<String> allowed) implements ConfigValidator {
        @Override
        public @Nullable String problem(final Object value) {
            final List<?> list = ListValues.distinct(name, (List<?>) value);
            if (!emptyAllowed && list.isEmpty()) {
                return "Configuration '" + name + "' must not be empty. Valid values include: ["
                        + String.join(", ", allowed) + "]";
            }
            for (final Object element : list) {
                if (element == null) {
                    return "Configuration '" + name + "' values must not be null.";
                }
                if (element.toString().isEmpty()) {
                    return ListValues.emptyElement(name);
                }
                if (!allowed.contains(element)) {
                    return "Invalid value " + element + " for configuration " + name + ": String must be one of: "
                            + String.join(", ", allowed);
                }
            }
            return null;
        }

        @Override
        public boolean wholeMessage() {
            return true;
        }
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
