package io.runnel.metadata.config;

import io.runnel.metadata.Nullable;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.apache.kafka.common.requests.DescribeConfigsResponse.ConfigType;

/**
 * One topic-level config: its type, default (as Kafka writes it), validator, a one-line
 * description and the broker properties that set its default, highest priority first.
 */
public record TopicConfigDef(
        String name,
        ConfigType type,
        String defaultValue,
        ConfigValidator validator,
        String documentation,
        boolean sensitive,
        List<BrokerSynonym> synonyms) {

    public TopicConfigDef {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(defaultValue, "defaultValue");
        Objects.requireNonNull(validator, "validator");
        Objects.requireNonNull(documentation, "documentation");
        synonyms = List.copyOf(synonyms);
    }

    /**
     * Parses a value as Kafka does: trimmed; booleans case-insensitive; lists comma-separated with
     * each element trimmed and {@code ""} the empty list.
     *
     * @return Boolean, Integer, Long, Double, String or {@code List<String>} by type
     * @throws IllegalArgumentException with the reason if the value does not parse
     */
    public Object parse(final String raw) {
        final String value = raw.trim();
        return switch (type) {
            case BOOLEAN -> {
                if (value.equalsIgnoreCase("true")) {
                    yield Boolean.TRUE;
                }
                if (value.equalsIgnoreCase("false")) {
                    yield Boolean.FALSE;
                }
                throw new IllegalArgumentException("Expected value to be either true or false");
            }
            case INT, SHORT -> parseNumber(() -> Integer.parseInt(value), "a 32-bit integer");
            case LONG -> parseNumber(() -> Long.parseLong(value), "a 64-bit integer");
            case DOUBLE -> parseNumber(() -> Double.parseDouble(value), "a double");
            case LIST -> {
                if (value.isEmpty()) {
                    yield List.of();
                }
                final List<String> elements = new ArrayList<>();
                for (final String element : value.split("\\s*,\\s*", -1)) {
                    elements.add(element.trim());
                }
                yield List.copyOf(elements);
            }
            case STRING, CLASS, PASSWORD, UNKNOWN -> value;
        };
    }

    /** @return Kafka-style message if {@code raw} is not a valid value for this config, else null */
    public @Nullable String validate(final @Nullable String raw) {
        if (raw == null) {
            return "Null value not supported for topic config " + name;
        }
        final Object parsed;
        try {
            parsed = parse(raw);
        } catch (final IllegalArgumentException e) {
            return invalid(raw, e.getMessage());
        }
        final String problem = validator.problem(parsed);
        if (problem == null) {
            return null;
        }
        return validator.wholeMessage() ? problem : invalid(raw, problem);
    }

    /** The type as Kafka's docs name it ({@code long}, {@code list}, ...). */
    public String typeName() {
        return type.name().toLowerCase(Locale.ROOT);
    }

    private String invalid(final String raw, final String reason) {
        return "Invalid value " + raw + " for configuration " + name + ": " + reason;
    }

    private interface NumberParser {
        Number parse();
    }

    private static Number parseNumber(final NumberParser parser, final String expected) {
        try {
            return parser.parse();
        } catch (final NumberFormatException e) {
            throw new IllegalArgumentException("Not a number of type " + expected, e);
        }
    }
}
