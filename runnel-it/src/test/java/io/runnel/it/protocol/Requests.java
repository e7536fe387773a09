package io.runnel.it.protocol;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.CreateTopicsRequestData;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.ListOffsetsRequestData;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.requests.FetchRequest;

/** Minimal, valid request bodies for the raw-protocol tests; topic ids are used where the version wants them. */
final class Requests {
    /** The first Produce and Fetch versions that name topics by id rather than by name. */
    static final short FIRST_TOPIC_ID_VERSION = 13;

    private Requests() {}

    static MetadataRequestData metadata(final String topic, final boolean allowAutoCreate) {
        final MetadataRequestData data = new MetadataRequestData().setAllowAutoTopicCreation(allowAutoCreate);
        data.topics().add(new MetadataRequestData.MetadataRequestTopic().setName(topic));
        return data;
    }

    static CreateTopicsRequestData createTopic(
            final String name, final int partitions, final Map<String, String> configs) {
        final CreateTopicsRequestData.CreatableTopic topic = new CreateTopicsRequestData.CreatableTopic()
                .setName(name)
                .setNumPartitions(partitions)
                .setReplicationFactor((short) 1);
        configs.forEach((k, v) -> topic.configs()
                .add(new CreateTopicsRequestData.CreatableTopicConfig()
                        .setName(k)
                        .setValue(v)));
        final CreateTopicsRequestData data = new CreateTopicsRequestData().setTimeoutMs(10_000);
        data.topics().add(topic);
        return data;
    }

    static MemoryRecords records(final String... values) {
        final SimpleRecord[] records = new SimpleRecord[values.length];
        for (int i = 0; i < values.length; i++) {
            records[i] = new SimpleRecord(values[i].getBytes(StandardCharsets.UTF_8));
        }
        return MemoryRecords.withRecords(Compression.NONE, records);
    }

    /** One batch to partition 0, acks=all; by name below v13, by {@code topicId} from v13. */
    static ProduceRequestData produce(
            final String topic, final Uuid topicId, final MemoryRecords records, final short version) {
        final ProduceRequestData.TopicProduceData topicData = new ProduceRequestData.TopicProduceData();
        if (version >= FIRST_TOPIC_ID_VERSION) {
            topicData.setTopicId(topicId);
        } else {
            topicData.setName(topic);
        }
        topicData
                .partitionData()
                .add(new ProduceRequestData.PartitionProduceData().setIndex(0).setRecords(records));
        final ProduceRequestData data =
                new ProduceRequestData().setAcks((short) -1).setTimeoutMs(10_000);
        data.topicData().add(topicData);
        return data;
    }

    /** A sessionless fetch of partition 0 from {@code offset}, answered at once. */
    static FetchRequestData fetch(final String topic, final Uuid topicId, final long offset, final short version) {
        return fetch(topic, topicId, offset, version, 0, 1);
    }

    static FetchRequestData fetch(
            final String topic,
            final Uuid topicId,
            final long offset,
            final short version,
            final int maxWaitMs,
            final int minBytes) {
        final FetchRequestData.FetchTopic fetchTopic = new FetchRequestData.FetchTopic();
        if (version >= FIRST_TOPIC_ID_VERSION) {
            fetchTopic.setTopicId(topicId);
        } else {
            fetchTopic.setTopic(topic);
        }
        fetchTopic
                .partitions()
                .add(new FetchRequestData.FetchPartition()
                        .setPartition(0)
                        .setFetchOffset(offset)
                        .setPartitionMaxBytes(1 << 20)
                        .setCurrentLeaderEpoch(-1)
                        .setLogStartOffset(-1));
        final FetchRequestData data = new FetchRequestData()
                .setReplicaId(FetchRequest.CONSUMER_REPLICA_ID)
                .setMaxWaitMs(maxWaitMs)
                .setMinBytes(minBytes)
                .setMaxBytes(1 << 20)
                .setSessionId(0)
                .setSessionEpoch(-1)
                .setForgottenTopicsData(new ArrayList<>())
                .setRackId("");
        data.topics().add(fetchTopic);
        return data;
    }

    /** ListOffsets for partition 0 at the given target timestamp (earliest -2, latest -1). */
    static ListOffsetsRequestData listOffsets(final String topic, final long timestamp) {
        final ListOffsetsRequestData.ListOffsetsTopic t = new ListOffsetsRequestData.ListOffsetsTopic().setName(topic);
        t.partitions()
                .add(new ListOffsetsRequestData.ListOffsetsPartition()
                        .setPartitionIndex(0)
                        .setTimestamp(timestamp)
                        .setCurrentLeaderEpoch(-1));
        return new ListOffsetsRequestData().setReplicaId(-1).setTopics(new ArrayList<>(List.of(t)));
    }
}
