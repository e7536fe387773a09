package io.runnel.broker.group.consumer;

import io.runnel.broker.group.consumer.assignor.PartitionAssignor;
import io.runnel.broker.group.consumer.assignor.RangeAssignor;
import io.runnel.broker.group.consumer.assignor.UniformAssignor;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The broker settings of KIP-848 consumer groups, with Kafka's names and defaults.
 *
 * @param sessionTimeoutMs    {@code group.consumer.session.timeout.ms}: a member silent this long is fenced
 * @param heartbeatIntervalMs {@code group.consumer.heartbeat.interval.ms}: what members are told to keep to
 * @param maxSize             {@code group.consumer.max.size}
 * @param assignors           {@code group.consumer.assignors}: the server-side assignors, the first the default
 */
public record ConsumerGroupConfig(int sessionTimeoutMs, int heartbeatIntervalMs, int maxSize,
                                  List<PartitionAssignor> assignors) {
    public static final String SESSION_TIMEOUT_MS = "group.consumer.session.timeout.ms";
    public static final String HEARTBEAT_INTERVAL_MS = "group.consumer.heartbeat.interval.ms";
    public static final String MAX_SIZE = "group.consumer.max.size";
    public static final String ASSIGNORS = "group.consumer.assignors";

    public ConsumerGroupConfig {
        if (sessionTimeoutMs < 1 || heartbeatIntervalMs < 1 || heartbeatIntervalMs >= sessionTimeoutMs || maxSize < 1
                || assignors.isEmpty()) {
            throw new IllegalArgumentException("invalid consumer group settings: session " + sessionTimeoutMs
                    + " ms, heartbeat " + heartbeatIntervalMs + " ms (must be less), max size " + maxSize
                    + ", assignors " + assignors);
        }
        assignors = List.copyOf(assignors);
    }

    public static ConsumerGroupConfig defaults() {
        return from(Map.of());
    }

    /** Reads the settings from the broker properties; absent keys take Kafka's defaults. */
    public static ConsumerGroupConfig from(final Map<String, String> brokerProps) {
        final List<PartitionAssignor> assignors = new ArrayList<>();
        for (final String name : brokerProps.getOrDefault(ASSIGNORS, UniformAssignor.NAME + "," + RangeAssignor.NAME)
                .split(",")) {
            final String trimmed = name.trim().toLowerCase(Locale.ROOT);
            if (trimmed.isEmpty()) {
                continue;
            }
            assignors.add(switch (trimmed) {
                case UniformAssignor.NAME, "org.apache.kafka.coordinator.group.assignor.uniformassignor" ->
                        new UniformAssignor();
                case RangeAssignor.NAME, "org.apache.kafka.coordinator.group.assignor.rangeassignor" ->
                        new RangeAssignor();
                default -> throw new IllegalArgumentException(ASSIGNORS + ": unknown assignor " + name.trim()
                        + " (Runnel has " + UniformAssignor.NAME + " and " + RangeAssignor.NAME + ")");
            });
        }
        return new ConsumerGroupConfig(intValue(brokerProps, SESSION_TIMEOUT_MS, 45_000),
                intValue(brokerProps, HEARTBEAT_INTERVAL_MS, 5_000),
                intValue(brokerProps, MAX_SIZE, Integer.MAX_VALUE), assignors);
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
