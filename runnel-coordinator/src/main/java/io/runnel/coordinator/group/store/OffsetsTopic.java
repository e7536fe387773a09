package io.runnel.coordinator.group.store;

import io.runnel.metadata.controller.CreateTopicSpec;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.internals.Topic;

/**
 * The {@code __consumer_offsets} topic as Kafka defines it: its name, the broker properties that shape it, and
 * the CreateTopics spec the first FindCoordinator uses to create it. Stateless.
 */
public final class OffsetsTopic {
    /** {@value}, Kafka's name; {@code Topic.validate} accepts it, so the controller creates it like any topic. */
    public static final String NAME = Topic.GROUP_METADATA_TOPIC_NAME;

    public static final String NUM_PARTITIONS = "offsets.topic.num.partitions";
    public static final int DEFAULT_NUM_PARTITIONS = 50;
    public static final String REPLICATION_FACTOR = "offsets.topic.replication.factor";
    /** Kafka's default is 3; a single-node Runnel has one copy, so ours is 1. */
    public static final short DEFAULT_REPLICATION_FACTOR = 1;

    public static final String SEGMENT_BYTES = "offsets.topic.segment.bytes";
    public static final int DEFAULT_SEGMENT_BYTES = 100 * 1024 * 1024;

    private OffsetsTopic() {}

    /**
     * {@code offsets.topic.num.partitions} (default {@value #DEFAULT_NUM_PARTITIONS}).
     *
     * @throws ConfigException if it is not an int of at least 1
     */
    public static int numPartitions(final Map<String, String> brokerProperties) {
        return intProperty(brokerProperties, NUM_PARTITIONS, DEFAULT_NUM_PARTITIONS, 1);
    }

    /**
     * The spec that creates the topic: {@code offsets.topic.num.partitions} partitions, replication factor
     * {@code offsets.topic.replication.factor} capped to {@code registeredBrokers}, and the configs Kafka gives
     * it: {@code cleanup.policy=compact}, {@code compression.type=producer} (the coordinator's batches are kept as
     * written) and {@code segment.bytes} = {@code offsets.topic.segment.bytes} (default 100 MiB).
     *
     * @param registeredBrokers the number of brokers in the cluster's metadata (1 on a single node)
     * @throws ConfigException if one of the three broker properties has a bad value
     */
    public static CreateTopicSpec topicSpec(final Map<String, String> brokerProperties, final int registeredBrokers) {
        final int partitions = numPartitions(brokerProperties);
        final int replicationFactor = intProperty(brokerProperties, REPLICATION_FACTOR, DEFAULT_REPLICATION_FACTOR, 1);
        final int segmentBytes = intProperty(brokerProperties, SEGMENT_BYTES, DEFAULT_SEGMENT_BYTES, 1);
        final Map<String, String> configs = new LinkedHashMap<>();
        configs.put(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);
        configs.put(TopicConfig.COMPRESSION_TYPE_CONFIG, "producer");
        configs.put(TopicConfig.SEGMENT_BYTES_CONFIG, Integer.toString(segmentBytes));
        final short capped =
                (short) Math.min(Math.min(replicationFactor, Math.max(1, registeredBrokers)), Short.MAX_VALUE);
        return new CreateTopicSpec(NAME, partitions, capped, Map.of(), configs);
    }

    private static int intProperty(final Map<String, String> props, final String key, final int dflt, final int min) {
        final String raw = props.get(key);
        if (raw == null) {
            return dflt;
        }
        final int value;
        try {
            value = Integer.parseInt(raw.trim());
        } catch (final NumberFormatException e) {
            throw new ConfigException(key, raw, "expected an int");
        }
        if (value < min) {
            throw new ConfigException(key, raw, "must be at least " + min);
        }
        return value;
    }
}
