package io.runnel.coordinator.group;

import java.util.Map;

/**
 * The group coordinator's broker settings, with Kafka's names and defaults.
 *
 * @param minSessionTimeoutMs       {@code group.min.session.timeout.ms}
 * @param maxSessionTimeoutMs       {@code group.max.session.timeout.ms}
 * @param initialRebalanceDelayMs   {@code group.initial.rebalance.delay.ms}
 * @param maxSize                   {@code group.max.size}
 * @param offsetsRetentionMs        {@code offsets.retention.minutes}, in milliseconds
 * @param offsetsRetentionCheckIntervalMs {@code offsets.retention.check.interval.ms}
 * @param offsetMetadataMaxBytes    {@code offset.metadata.max.bytes}
 */
public record GroupConfig(
        int minSessionTimeoutMs,
        int maxSessionTimeoutMs,
        int initialRebalanceDelayMs,
        int maxSize,
        long offsetsRetentionMs,
        long offsetsRetentionCheckIntervalMs,
        int offsetMetadataMaxBytes) {
    public static final String MIN_SESSION_TIMEOUT_MS = "group.min.session.timeout.ms";
    public static final String MAX_SESSION_TIMEOUT_MS = "group.max.session.timeout.ms";
    public static final String INITIAL_REBALANCE_DELAY_MS = "group.initial.rebalance.delay.ms";
    public static final String MAX_SIZE = "group.max.size";
    public static final String OFFSETS_RETENTION_MINUTES = "offsets.retention.minutes";
    public static final String OFFSETS_RETENTION_CHECK_INTERVAL_MS = "offsets.retention.check.interval.ms";
    public static final String OFFSET_METADATA_MAX_BYTES = "offset.metadata.max.bytes";

    /** How long a new member's JoinGroup may wait in a rebalance (Kafka's fixed 5 minutes, KIP-394). */
    public static final int NEW_MEMBER_JOIN_TIMEOUT_MS = 300_000;

    public GroupConfig {
        if (minSessionTimeoutMs < 0 || maxSessionTimeoutMs < minSessionTimeoutMs) {
            throw new IllegalArgumentException(
                    "invalid session timeout range " + minSessionTimeoutMs + ".." + maxSessionTimeoutMs);
        }
        if (initialRebalanceDelayMs < 0
                || maxSize < 1
                || offsetsRetentionMs < 1
                || offsetsRetentionCheckIntervalMs < 1
                || offsetMetadataMaxBytes < 0) {
            throw new IllegalArgumentException("invalid group coordinator settings");
        }
    }

    public static GroupConfig defaults() {
        return from(Map.of());
    }

    /** Reads the settings from the broker properties; absent keys take Kafka's defaults. */
    public static GroupConfig from(final Map<String, String> brokerProps) {
        return new GroupConfig(
                intValue(brokerProps, MIN_SESSION_TIMEOUT_MS, 6000),
                intValue(brokerProps, MAX_SESSION_TIMEOUT_MS, 1_800_000),
                intValue(brokerProps, INITIAL_REBALANCE_DELAY_MS, 3000),
                intValue(brokerProps, MAX_SIZE, Integer.MAX_VALUE),
                intValue(brokerProps, OFFSETS_RETENTION_MINUTES, 10080) * 60_000L,
                longValue(brokerProps, OFFSETS_RETENTION_CHECK_INTERVAL_MS, 600_000L),
                intValue(brokerProps, OFFSET_METADATA_MAX_BYTES, 4096));
    }

    private static int intValue(final Map<String, String> props, final String key, final int defaultValue) {
        final String value = props.get(key);
        return value == null ? defaultValue : Integer.parseInt(value.trim());
    }

    private static long longValue(final Map<String, String> props, final String key, final long defaultValue) {
        final String value = props.get(key);
        return value == null ? defaultValue : Long.parseLong(value.trim());
    }
}
