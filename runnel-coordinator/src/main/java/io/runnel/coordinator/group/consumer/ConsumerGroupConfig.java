package io.runnel.coordinator.group.consumer;

import io.runnel.coordinator.group.consumer.assignor.PartitionAssignor;
import io.runnel.coordinator.group.consumer.assignor.RangeAssignor;
import io.runnel.coordinator.group.consumer.assignor.UniformAssignor;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The broker settings of KIP-848 consumer groups, with Kafka's names, defaults and bounds.
 *
 * @param sessionTimeoutMs             {@code group.consumer.session.timeout.ms}: a member silent this long is
 *                                     fenced; within {@code group.consumer.min/max.session.timeout.ms}
 * @param heartbeatIntervalMs          {@code group.consumer.heartbeat.interval.ms}: what members of a settled
 *                                     group are told to keep to; within {@code group.consumer.min/max.heartbeat.
 *                                     interval.ms}, and below the session timeout
 * @param rebalanceHeartbeatIntervalMs {@code group.consumer.rebalance.heartbeat.interval.ms} (Runnel's own): what
 *                                     members are told while their group rebalances, so that partitions move
 *                                     in round trips of this length rather than of the heartbeat interval
 * @param maxSize                      {@code group.consumer.max.size}
 * @param assignors                    {@code group.consumer.assignors}: the server-side assignors, the first the
 *                                     default
 * @param migrationPolicy              {@code group.consumer.migration.policy}
 */
public record ConsumerGroupConfig(
        int sessionTimeoutMs,
        int heartbeatIntervalMs,
        int rebalanceHeartbeatIntervalMs,
        int maxSize,
        List<PartitionAssignor> assignors,
        MigrationPolicy migrationPolicy) {
    public static final String SESSION_TIMEOUT_MS = "group.consumer.session.timeout.ms";
    public static final String MIN_SESSION_TIMEOUT_MS = "group.consumer.min.session.timeout.ms";
    public static final String MAX_SESSION_TIMEOUT_MS = "group.consumer.max.session.timeout.ms";
    public static final String HEARTBEAT_INTERVAL_MS = "group.consumer.heartbeat.interval.ms";
    public static final String MIN_HEARTBEAT_INTERVAL_MS = "group.consumer.min.heartbeat.interval.ms";
    public static final String MAX_HEARTBEAT_INTERVAL_MS = "group.consumer.max.heartbeat.interval.ms";
    public static final String REBALANCE_HEARTBEAT_INTERVAL_MS = "group.consumer.rebalance.heartbeat.interval.ms";
    public static final String MAX_SIZE = "group.consumer.max.size";
    public static final String ASSIGNORS = "group.consumer.assignors";
    public static final String MIGRATION_POLICY = "group.consumer.migration.policy";

    public ConsumerGroupConfig {
        if (sessionTimeoutMs < 1
                || heartbeatIntervalMs < 1
                || heartbeatIntervalMs >= sessionTimeoutMs
                || rebalanceHeartbeatIntervalMs < 1
                || maxSize < 1
                || assignors.isEmpty()
                || migrationPolicy == null) {
            throw new IllegalArgumentException("invalid consumer group settings: session " + sessionTimeoutMs
                    + " ms, heartbeat " + heartbeatIntervalMs + " ms (must be less), rebalance heartbeat "
                    + rebalanceHeartbeatIntervalMs + " ms, max size " + maxSize + ", assignors " + assignors);
        }
        assignors = List.copyOf(assignors);
    }

    public static ConsumerGroupConfig defaults() {
        return from(Map.of());
    }

    /**
     * Reads the settings from the broker properties; absent keys take Kafka's defaults.
     *
     * @throws IllegalArgumentException naming the setting that is out of its bounds, as Kafka refuses to start
     */
    public static ConsumerGroupConfig from(final Map<String, String> brokerProps) {
        final int sessionTimeoutMs = bounded(
                brokerProps,
                SESSION_TIMEOUT_MS,
                45_000,
                intValue(brokerProps, MIN_SESSION_TIMEOUT_MS, 45_000),
                intValue(brokerProps, MAX_SESSION_TIMEOUT_MS, 60_000));
        final int heartbeatIntervalMs = bounded(
                brokerProps,
                HEARTBEAT_INTERVAL_MS,
                5_000,
                intValue(brokerProps, MIN_HEARTBEAT_INTERVAL_MS, 5_000),
                intValue(brokerProps, MAX_HEARTBEAT_INTERVAL_MS, 15_000));
        if (heartbeatIntervalMs >= sessionTimeoutMs) {
            throw new IllegalArgumentException(HEARTBEAT_INTERVAL_MS + " (" + heartbeatIntervalMs
                    + ") must be less than " + SESSION_TIMEOUT_MS + " (" + sessionTimeoutMs + ")");
        }
        return new ConsumerGroupConfig(
                sessionTimeoutMs,
                heartbeatIntervalMs,
                intValue(brokerProps, REBALANCE_HEARTBEAT_INTERVAL_MS, Math.min(500, heartbeatIntervalMs)),
                intValue(brokerProps, MAX_SIZE, Integer.MAX_VALUE),
                assignors(brokerProps),
                MigrationPolicy.parse(brokerProps.getOrDefault(MIGRATION_POLICY, "bidirectional")));
    }

    private static List<PartitionAssignor> assignors(final Map<String, String> brokerProps) {
        final List<PartitionAssignor> assignors = new ArrayList<>();
        for (final String name : brokerProps
                .getOrDefault(ASSIGNORS, UniformAssignor.NAME + "," + RangeAssignor.NAME)
                .split(",")) {
            final String trimmed = name.trim().toLowerCase(Locale.ROOT);
            if (trimmed.isEmpty()) {
                continue;
            }
            assignors.add(
                    switch (trimmed) {
                        case UniformAssignor.NAME, "org.apache.kafka.coordinator.group.assignor.uniformassignor" ->
                            new UniformAssignor();
                        case RangeAssignor.NAME, "org.apache.kafka.coordinator.group.assignor.rangeassignor" ->
                            new RangeAssignor();
                        default ->
                            throw new IllegalArgumentException(ASSIGNORS + ": unknown assignor " + name.trim()
                                    + " (Runnel has " + UniformAssignor.NAME + " and " + RangeAssignor.NAME + ")");
                    });
        }
        return assignors;
    }

    private static int bounded(
            final Map<String, String> props, final String key, final int defaultValue, final int min, final int max) {
        final int value = intValue(props, key, defaultValue);
        if (value < min || value > max) {
            throw new IllegalArgumentException(
                    key + " (" + value + ") must be between " + min + " and " + max + ", its min and max settings");
        }
        return value;
    }

    /** The assignor of that name, or null. */
    public PartitionAssignor assignor(final String name) {
        for (final PartitionAssignor a : assignors) {
            if (a.name().equals(name)) {
                return a;
            }
        }
        return null;
    }

    private static int intValue(final Map<String, String> props, final String key, final int defaultValue) {
        final String value = props.get(key);
        return value == null ? defaultValue : Integer.parseInt(value.trim());
    }
}
