package io.runnel.metadata.config;

import io.runnel.metadata.Nullable;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.common.requests.DescribeConfigsResponse.ConfigType;

/**
 * The broker-only properties Runnel reads (those that are no topic config's broker synonym: {@link TopicConfigs}
 * covers those), with Kafka 4.4's names and types and the value Runnel uses when nothing sets them, so DescribeConfigs
 * of a broker lists each one, as Kafka's {@code kafka-configs --describe --all} does, at its default when it is not
 * set. A null default is Kafka's "no value" (e.g. {@code advertised.listeners}: derived from {@code listeners}).
 *
 * <p>The defaults are Runnel's, which are Kafka's except where the README's configuration table says otherwise
 * ({@code node.id}, {@code listeners}, {@code log.dirs}, {@code group.consumer.assignors}).
 */
public final class BrokerConfigCatalogue {

    /** One broker property: Kafka's type, the default in effect and a line of documentation. */
    public record Entry(
            String name, ConfigType type, @Nullable String defaultValue, String documentation) {}

    private static final Map<String, Entry> ENTRIES;

    static {
        final Map<String, Entry> entries = new LinkedHashMap<>();
        final Object[][] rows = {
            {"node.id", ConfigType.INT, "1", "This broker's id."},
            {"broker.rack", ConfigType.STRING, null, "Rack of the broker."},
            {"listeners", ConfigType.LIST, "PLAINTEXT://:9092", "Where to listen (empty host: every interface)."},
            {"advertised.listeners", ConfigType.LIST, null, "What clients are told; listeners if unset."},
            {"log.dirs", ConfigType.LIST, "./data", "Data directories; the first also holds the metadata log."},
            {"log.dir", ConfigType.LIST, null, "Data directory, used when log.dirs is unset."},
            {"num.partitions", ConfigType.INT, "1", "Partitions of auto-created topics and of CreateTopics with -1."},
            {"default.replication.factor", ConfigType.INT, "1", "Replication factor of a request that says -1."},
            {"auto.create.topics.enable", ConfigType.BOOLEAN, "true", "Create a topic when a client asks for it."},
            {"create.topic.policy.class.name", ConfigType.CLASS, null, "The operator's CreateTopicPolicy."},
            {"alter.config.policy.class.name", ConfigType.CLASS, null, "The operator's AlterConfigPolicy."},
            {"socket.request.max.bytes", ConfigType.INT, "104857600", "Largest request frame."},
            {"connections.max.idle.ms", ConfigType.LONG, "600000", "Idle connections are closed after this."},
            {"num.network.threads", ConfigType.INT, "3", "Network (event loop) threads."},
            {"num.io.threads", ConfigType.INT, "8", "Request handler threads."},
            {"max.incremental.fetch.session.cache.slots", ConfigType.INT, "1000", "KIP-227 fetch sessions kept."},
            {"num.recovery.threads.per.data.dir", ConfigType.INT, "2", "Logs opened or closed at once per log dir."},
            {"log.retention.check.interval.ms", ConfigType.LONG, "300000", "How often old segments are deleted."},
            {"log.cleaner.threads", ConfigType.INT, "1", "Compacted logs cleaned at once; 0 turns compaction off."},
            {"log.cleaner.backoff.ms", ConfigType.LONG, "15000", "How often the cleaner looks for logs to clean."},
            {
                "log.cleaner.io.max.bytes.per.second",
                ConfigType.DOUBLE,
                Double.toString(Double.MAX_VALUE),
                "The cleaner threads' disk reads and writes together at most."
            },
            {"log.cleaner.dedupe.buffer.size", ConfigType.LONG, "134217728", "Memory of the cleaner's offset map."},
            {"log.cleaner.io.buffer.load.factor", ConfigType.DOUBLE, "0.9", "How full the offset map gets."},
            {
                "log.flush.offset.checkpoint.interval.ms",
                ConfigType.INT,
                "60000",
                "How often the recovery points are written."
            },
            {"offsets.topic.num.partitions", ConfigType.INT, "50", "Partitions of __consumer_offsets."},
            {"offsets.topic.segment.bytes", ConfigType.INT, "104857600", "Segment size of __consumer_offsets."},
            {"offsets.retention.minutes", ConfigType.INT, "10080", "How long committed offsets of empty groups stay."},
            {"offsets.retention.check.interval.ms", ConfigType.LONG, "600000", "How often offsets expire."},
            {"offset.metadata.max.bytes", ConfigType.INT, "4096", "Largest metadata of a committed offset."},
            {"group.initial.rebalance.delay.ms", ConfigType.INT, "3000", "Delay of a new classic group's rebalance."},
            {"group.min.session.timeout.ms", ConfigType.INT, "6000", "Shortest classic session timeout."},
            {"group.max.session.timeout.ms", ConfigType.INT, "1800000", "Longest classic session timeout."},
            {"group.max.size", ConfigType.INT, "2147483647", "Most members of a classic group."},
            {"group.consumer.session.timeout.ms", ConfigType.INT, "45000", "Consumer-protocol session timeout."},
            {"group.consumer.min.session.timeout.ms", ConfigType.INT, "45000", "Shortest consumer session timeout."},
            {"group.consumer.max.session.timeout.ms", ConfigType.INT, "60000", "Longest consumer session timeout."},
            {"group.consumer.heartbeat.interval.ms", ConfigType.INT, "5000", "Consumer-protocol heartbeat interval."},
            {"group.consumer.min.heartbeat.interval.ms", ConfigType.INT, "5000", "Shortest heartbeat interval."},
            {"group.consumer.max.heartbeat.interval.ms", ConfigType.INT, "15000", "Longest heartbeat interval."},
            {"group.consumer.max.size", ConfigType.INT, "2147483647", "Most members of a consumer group."},
            {"group.consumer.assignors", ConfigType.LIST, "uniform,range", "Server-side assignors, default first."},
            {
                "group.consumer.migration.policy",
                ConfigType.STRING,
                "bidirectional",
                "Which way a group with members may change protocol."
            },
        };
        for (final Object[] row : rows) {
            entries.put(
                    (String) row[0], new Entry((String) row[0], (ConfigType) row[1], (String) row[2], (String) row[3]));
        }
        ENTRIES = Collections.unmodifiableMap(entries);
    }

    private BrokerConfigCatalogue() {}

    /** Every broker-only property Runnel reads, by name. */
    public static Map<String, Entry> all() {
        return ENTRIES;
    }
}
