package io.runnel.replication;

import io.runnel.metadata.config.ResolvedConfig;
import io.runnel.storage.CompactionConfig;
import io.runnel.storage.LogConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.common.record.TimestampType;

/** Turns a topic's effective configs (Kafka names, resolved against the broker's) into the log's typed config. */
final class TopicLogConfig {
    private TopicLogConfig() {}

    static LogConfig of(final Map<String, ResolvedConfig> effective) {
        return new LogConfig(
                intValue(effective, "segment.bytes"),
                longValue(effective, "segment.ms"),
                intValue(effective, "max.message.bytes"),
                intValue(effective, "index.interval.bytes"),
                intValue(effective, "segment.index.bytes"),
                "LogAppendTime".equals(value(effective, "message.timestamp.type"))
                        ? TimestampType.LOG_APPEND_TIME
                        : TimestampType.CREATE_TIME,
                longValue(effective, "flush.messages"),
                longValue(effective, "flush.ms"),
                longValue(effective, "retention.ms"),
                longValue(effective, "retention.bytes"),
                longValue(effective, "file.delete.delay.ms"),
                cleanupPolicies(effective).contains("delete"),
                new CompactionConfig(
                        cleanupPolicies(effective).contains("compact"),
                        Double.parseDouble(value(effective, "min.cleanable.dirty.ratio")),
                        longValue(effective, "delete.retention.ms"),
                        longValue(effective, "min.compaction.lag.ms"),
                        longValue(effective, "max.compaction.lag.ms")),
                intValue(effective, "max.decompressed.message.bytes"));
    }

    /** {@code cleanup.policy} is a list: {@code delete}, {@code compact} or both. */
    private static List<String> cleanupPolicies(final Map<String, ResolvedConfig> effective) {
        final List<String> policies = new ArrayList<>();
        for (final String policy : value(effective, "cleanup.policy").split(",")) {
            policies.add(policy.trim().toLowerCase(Locale.ROOT));
        }
        return policies;
    }

    private static String value(final Map<String, ResolvedConfig> effective, final String name) {
        final ResolvedConfig config = effective.get(name);
        if (config == null || config.value() == null) {
            throw new IllegalStateException("Topic config " + name + " has no value");
        }
        return config.value();
    }

    private static int intValue(final Map<String, ResolvedConfig> effective, final String name) {
        return (int) Math.min(Integer.MAX_VALUE, Long.parseLong(value(effective, name)));
    }

    private static long longValue(final Map<String, ResolvedConfig> effective, final String name) {
        return Long.parseLong(value(effective, name));
    }
}
