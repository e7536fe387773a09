package io.runnel.metadata.config;

/**
 * The unit a broker synonym is written in, relative to its topic config: {@code log.retention.hours}
 * is in hours while {@code retention.ms} is in milliseconds.
 */
public enum SynonymUnit {
    /** The same unit and format as the topic config. */
    SAME(1),
    MINUTES_TO_MILLIS(60_000L),
    HOURS_TO_MILLIS(3_600_000L);

    private final long factor;

    SynonymUnit(final long factor) {
        this.factor = factor;
    }

    /**
     * Converts a broker value to the topic config's unit. Negative results mean "unlimited" and
     * become -1, as in Kafka; overflow saturates at {@link Long#MAX_VALUE}.
     *
     * @throws NumberFormatException if a value that needs converting is not an integer
     */
    public String toTopicValue(final String brokerValue) {
        if (this == SAME) {
            return brokerValue;
        }
        final long value = Long.parseLong(brokerValue.trim());
        if (value < 0) {
            return "-1";
        }
        final long millis = value > Long.MAX_VALUE / factor ? Long.MAX_VALUE : value * factor;
        return Long.toString(millis);
    }

    /** Converts a topic-unit value to this unit (integer division); used to show defaults. */
    public String fromTopicValue(final String topicValue) {
        if (this == SAME) {
            return topicValue;
        }
        return Long.toString(Long.parseLong(topicValue.trim()) / factor);
    }
}
