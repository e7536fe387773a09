package io.runnel.metadata.config;

import static io.runnel.metadata.config.ConfigValidator.ANY;
import static io.runnel.metadata.config.ConfigValidator.atLeast;
import static io.runnel.metadata.config.ConfigValidator.between;
import static io.runnel.metadata.config.ConfigValidator.oneOf;
import static io.runnel.metadata.config.ConfigValidator.validList;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.requests.DescribeConfigsResponse.ConfigType;

/**
 * The definitions behind {@link TopicConfigs}: every topic config Kafka 4.4 knows, with Kafka's name, type, default,
 * validation rule and broker synonyms, highest priority first. Kept apart from validation and resolution because
 * it is data, and the longest part.
 */
final class TopicConfigCatalogue {
    static final String MAX_DECOMPRESSED_MESSAGE_BYTES_CONFIG = TopicConfig.MAX_DECOMPRESSED_MESSAGE_BYTES_CONFIG;

    private static final String LONG_MAX = Long.toString(Long.MAX_VALUE);
    private static final Pattern THROTTLED_REPLICA = Pattern.compile("[0-9]+:[0-9]+");

    static final Map<String, TopicConfigDef> DEFS;

    static {
        final List<TopicConfigDef> defs = List.of(
                def(
                        TopicConfig.CLEANUP_POLICY_CONFIG,
                        ConfigType.LIST,
                        "delete",
                        // KIP-1161 and Kafka 4.2+: empty means keep forever (neither deletion nor compaction)
                        validList(
                                TopicConfig.CLEANUP_POLICY_CONFIG,
                                true,
                                List.of(TopicConfig.CLEANUP_POLICY_COMPACT, TopicConfig.CLEANUP_POLICY_DELETE)),
                        "How old log segments are discarded: delete them, compact them by key, both, or (empty) "
                                + "neither, keeping them forever.",
                        BrokerSynonym.same("log.cleanup.policy")),
                def(
                        TopicConfig.COMPRESSION_GZIP_LEVEL_CONFIG,
                        ConfigType.INT,
                        "-1",
                        gzipLevel(),
                        "Compression level when compression.type is gzip (-1 = codec default, else 1-9).",
                        BrokerSynonym.same("compression.gzip.level")),
                def(
                        TopicConfig.COMPRESSION_LZ4_LEVEL_CONFIG,
                        ConfigType.INT,
                        "9",
                        between(1, 17),
                        "Compression level when compression.type is lz4.",
                        BrokerSynonym.same("compression.lz4.level")),
                def(
                        TopicConfig.COMPRESSION_TYPE_CONFIG,
                        ConfigType.STRING,
                        "producer",
                        oneOf(List.of("uncompressed", "zstd", "lz4", "snappy", "gzip", "producer")),
                        "Compression of stored batches; 'producer' keeps whatever the producer used.",
                        BrokerSynonym.same("compression.type")),
                def(
                        TopicConfig.COMPRESSION_ZSTD_LEVEL_CONFIG,
                        ConfigType.INT,
                        "3",
                        between(-131072, 22),
                        "Compression level when compression.type is zstd.",
                        BrokerSynonym.same("compression.zstd.level")),
                def(
                        TopicConfig.DELETE_RETENTION_MS_CONFIG,
                        ConfigType.LONG,
                        "86400000",
                        atLeast(0),
                        "How long tombstones are kept on compacted topics.",
                        BrokerSynonym.same("log.cleaner.delete.retention.ms")),
                def(
                        TopicConfig.ERRORS_DEADLETTERQUEUE_GROUP_ENABLE_CONFIG,
                        ConfigType.BOOLEAN,
                        "false",
                        ANY,
                        "Whether share groups may use the topic as a dead-letter queue (Runnel has no share groups)."),
                def(
                        TopicConfig.FILE_DELETE_DELAY_MS_CONFIG,
                        ConfigType.LONG,
                        "60000",
                        atLeast(0),
                        "Delay before a deleted segment file is removed from disk.",
                        BrokerSynonym.same("log.segment.delete.delay.ms")),
                def(
                        TopicConfig.FLUSH_MESSAGES_INTERVAL_CONFIG,
                        ConfigType.LONG,
                        LONG_MAX,
                        atLeast(1),
                        "Force an fsync after this many messages.",
                        BrokerSynonym.same("log.flush.interval.messages")),
                def(
                        TopicConfig.FLUSH_MS_CONFIG,
                        ConfigType.LONG,
                        LONG_MAX,
                        atLeast(0),
                        "Force an fsync after this much time.",
                        BrokerSynonym.same("log.flush.interval.ms"),
                        BrokerSynonym.same("log.flush.scheduler.interval.ms")),
                def(
                        "follower.replication.throttled.replicas",
                        ConfigType.LIST,
                        "",
                        throttledReplicas(),
                        "Replicas (partition:broker, or *) whose follower-side replication is throttled."),
                def(
                        TopicConfig.INDEX_INTERVAL_BYTES_CONFIG,
                        ConfigType.INT,
                        "4096",
                        atLeast(0),
                        "Bytes of log between two offset index entries.",
                        BrokerSynonym.same("log.index.interval.bytes")),
                def(
                        "leader.replication.throttled.replicas",
                        ConfigType.LIST,
                        "",
                        throttledReplicas(),
                        "Replicas (partition:broker, or *) whose leader-side replication is throttled."),
                def(
                        TopicConfig.LOCAL_LOG_RETENTION_BYTES_CONFIG,
                        ConfigType.LONG,
                        "-2",
                        atLeast(-2),
                        "Bytes kept locally when tiered storage is on (-2 = retention.bytes).",
                        BrokerSynonym.same("log.local.retention.bytes")),
                def(
                        TopicConfig.LOCAL_LOG_RETENTION_MS_CONFIG,
                        ConfigType.LONG,
                        "-2",
                        atLeast(-2),
                        "Time kept locally when tiered storage is on (-2 = retention.ms).",
                        BrokerSynonym.same("log.local.retention.ms")),
                def(
                        TopicConfig.MAX_COMPACTION_LAG_MS_CONFIG,
                        ConfigType.LONG,
                        LONG_MAX,
                        atLeast(1),
                        "Longest time a message stays ineligible for compaction.",
                        BrokerSynonym.same("log.cleaner.max.compaction.lag.ms")),
                def(
                        MAX_DECOMPRESSED_MESSAGE_BYTES_CONFIG,
                        ConfigType.INT,
                        Integer.toString(Integer.MAX_VALUE - 8),
                        between(1, Integer.MAX_VALUE - 8),
                        "Largest record, decompressed, the broker reads from a compressed batch (Kafka 4.4); enforced "
                                + "where Runnel decompresses: compacted topics' produce, compaction, timestamp lookups.",
                        BrokerSynonym.same(MAX_DECOMPRESSED_MESSAGE_BYTES_CONFIG)),
                def(
                        TopicConfig.MAX_MESSAGE_BYTES_CONFIG,
                        ConfigType.INT,
                        "1048588",
                        atLeast(0),
                        "Largest record batch size the topic accepts.",
                        BrokerSynonym.same("message.max.bytes")),
                def(
                        "message.downconversion.enable",
                        ConfigType.BOOLEAN,
                        "true",
                        ANY,
                        "Deprecated no-op since Kafka 4.0; accepted for compatibility."),
                def(
                        TopicConfig.MESSAGE_TIMESTAMP_AFTER_MAX_MS_CONFIG,
                        ConfigType.LONG,
                        "3600000",
                        atLeast(0),
                        "How far ahead of broker time a CreateTime timestamp may be.",
                        BrokerSynonym.same("log.message.timestamp.after.max.ms")),
                def(
                        TopicConfig.MESSAGE_TIMESTAMP_BEFORE_MAX_MS_CONFIG,
                        ConfigType.LONG,
                        LONG_MAX,
                        atLeast(0),
                        "How far behind broker time a CreateTime timestamp may be.",
                        BrokerSynonym.same("log.message.timestamp.before.max.ms")),
                def(
                        TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG,
                        ConfigType.STRING,
                        "CreateTime",
                        oneOf(List.of("CreateTime", "LogAppendTime")),
                        "Whether record timestamps are the producer's (CreateTime) or the broker's (LogAppendTime).",
                        BrokerSynonym.same("log.message.timestamp.type")),
                def(
                        TopicConfig.MIN_CLEANABLE_DIRTY_RATIO_CONFIG,
                        ConfigType.DOUBLE,
                        "0.5",
                        between(0, 1),
                        "Dirty-to-total ratio at which the log becomes eligible for compaction.",
                        BrokerSynonym.same("log.cleaner.min.cleanable.ratio")),
                def(
                        TopicConfig.MIN_COMPACTION_LAG_MS_CONFIG,
                        ConfigType.LONG,
                        "0",
                        atLeast(0),
                        "Shortest time a message stays uncompacted.",
                        BrokerSynonym.same("log.cleaner.min.compaction.lag.ms")),
                def(
                        TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG,
                        ConfigType.INT,
                        "1",
                        atLeast(1),
                        "Replicas that must acknowledge an acks=all write.",
                        BrokerSynonym.same("min.insync.replicas")),
                def(
                        TopicConfig.PREALLOCATE_CONFIG,
                        ConfigType.BOOLEAN,
                        "false",
                        ANY,
                        "Preallocate segment files on disk when rolling.",
                        BrokerSynonym.same("log.preallocate")),
                def(
                        TopicConfig.REMOTE_COPY_LAG_BYTES_CONFIG,
                        ConfigType.LONG,
                        "-1",
                        atLeast(-1),
                        "Newer local bytes after which a segment may be copied to tiered storage (tiered storage only).",
                        BrokerSynonym.same("log.remote.copy.lag.bytes")),
                def(
                        TopicConfig.REMOTE_COPY_LAG_MS_CONFIG,
                        ConfigType.LONG,
                        "0",
                        atLeast(-1),
                        "Age after which a segment may be copied to tiered storage (tiered storage only).",
                        BrokerSynonym.same("log.remote.copy.lag.ms")),
                def(
                        TopicConfig.REMOTE_LOG_COPY_DISABLE_CONFIG,
                        ConfigType.BOOLEAN,
                        "false",
                        ANY,
                        "Stop copying segments to remote storage while keeping remote reads."),
                def(
                        TopicConfig.REMOTE_LOG_DELETE_ON_DISABLE_CONFIG,
                        ConfigType.BOOLEAN,
                        "false",
                        ANY,
                        "Delete remote data when tiered storage is turned off for the topic."),
                def(
                        TopicConfig.REMOTE_LOG_STORAGE_ENABLE_CONFIG,
                        ConfigType.BOOLEAN,
                        "false",
                        ANY,
                        "Enable tiered storage for the topic (not supported by Runnel yet)."),
                def(
                        TopicConfig.RETENTION_BYTES_CONFIG,
                        ConfigType.LONG,
                        "-1",
                        ANY,
                        "Largest size a partition grows to before old segments are deleted (-1 = unlimited).",
                        BrokerSynonym.same("log.retention.bytes")),
                def(
                        TopicConfig.RETENTION_MS_CONFIG,
                        ConfigType.LONG,
                        "604800000",
                        atLeast(-1),
                        "Longest time a segment is kept before deletion (-1 = unlimited).",
                        BrokerSynonym.same("log.retention.ms"),
                        new BrokerSynonym("log.retention.minutes", SynonymUnit.MINUTES_TO_MILLIS),
                        new BrokerSynonym("log.retention.hours", SynonymUnit.HOURS_TO_MILLIS)),
                def(
                        TopicConfig.SEGMENT_BYTES_CONFIG,
                        ConfigType.INT,
                        "1073741824",
                        atLeast(1024 * 1024),
                        "Size at which a segment file is rolled.",
                        BrokerSynonym.same("log.segment.bytes")),
                def(
                        TopicConfig.SEGMENT_INDEX_BYTES_CONFIG,
                        ConfigType.INT,
                        "10485760",
                        atLeast(4),
                        "Size of the offset and time index files of a segment.",
                        BrokerSynonym.same("log.index.size.max.bytes")),
                def(
                        TopicConfig.SEGMENT_JITTER_MS_CONFIG,
                        ConfigType.LONG,
                        "0",
                        atLeast(0),
                        "Random jitter subtracted from segment.ms to spread segment rolls.",
                        BrokerSynonym.same("log.roll.jitter.ms"),
                        new BrokerSynonym("log.roll.jitter.hours", SynonymUnit.HOURS_TO_MILLIS)),
                def(
                        TopicConfig.SEGMENT_MS_CONFIG,
                        ConfigType.LONG,
                        "604800000",
                        atLeast(1),
                        "Time after which a segment is rolled even if not full.",
                        BrokerSynonym.same("log.roll.ms"),
                        new BrokerSynonym("log.roll.hours", SynonymUnit.HOURS_TO_MILLIS)),
                def(
                        TopicConfig.UNCLEAN_LEADER_ELECTION_ENABLE_CONFIG,
                        ConfigType.BOOLEAN,
                        "false",
                        ANY,
                        "Allow an out-of-sync replica to become leader, at the risk of data loss.",
                        BrokerSynonym.same("unclean.leader.election.enable")));
        final Map<String, TopicConfigDef> byName = new TreeMap<>();
        for (final TopicConfigDef def : defs) {
            if (byName.put(def.name(), def) != null) {
                throw new ExceptionInInitializerError("Duplicate topic config " + def.name());
            }
        }
        DEFS = Collections.unmodifiableMap(byName);
    }

    private TopicConfigCatalogue() {}

    private static ConfigValidator gzipLevel() {
        final ConfigValidator range = between(1, 9);
        return value -> ((Integer) value) == -1 ? null : range.problem(value);
    }

    private static ConfigValidator throttledReplicas() {
        return value -> {
            final List<?> list = (List<?>) value;
            if (list.size() == 1 && "*".equals(list.get(0))) {
                return null;
            }
            for (final Object element : list) {
                if (!THROTTLED_REPLICA.matcher(element.toString()).matches()) {
                    return "Must be the wildcard (*) or a list of partitionId:brokerId pairs";
                }
            }
            return null;
        };
    }

    private static TopicConfigDef def(
            final String name,
            final ConfigType type,
            final String defaultValue,
            final ConfigValidator validator,
            final String documentation,
            final BrokerSynonym... synonyms) {
        return new TopicConfigDef(name, type, defaultValue, validator, documentation, false, List.of(synonyms));
    }
}
