package io.runnel.replication;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.protocol.Errors;

/**
 * The partitions this broker leads, and the topic name/id mapping of the metadata that created them. Read by
 * handlers on request handler threads; changed only by {@link PartitionsPublisher} on the controller's thread.
 *
 * <p>A partition is offline (Kafka's {@code HostedPartition.Offline}) when its log is in a log directory that failed:
 * either its {@link Partition} is here and its log refuses work, or its log could not be opened at all and only
 * its name is kept, so that requests for it get KAFKA_STORAGE_ERROR rather than UNKNOWN_TOPIC_OR_PARTITION.
 */
public final class Partitions {
    private final Map<TopicPartition, Partition> partitions = new ConcurrentHashMap<>();
    private final Set<TopicPartition> unopened = ConcurrentHashMap.newKeySet();
    private final Map<Uuid, String> namesById = new ConcurrentHashMap<>();
    private final Map<String, Uuid> idsByName = new ConcurrentHashMap<>();
    private final Map<String, Integer> partitionCounts = new ConcurrentHashMap<>();

    /** The partition, or null when this broker does not lead it (see {@link #missingError}). */
    public Partition get(final TopicPartition tp) {
        return partitions.get(tp);
    }

    public Partition get(final String topic, final int partition) {
        return partitions.get(new TopicPartition(topic, partition));
    }

    /** The topic's name, or null for an unknown id. */
    public String topicName(final Uuid topicId) {
        return namesById.get(topicId);
    }

    /** The topic's id, or {@link Uuid#ZERO_UUID} for an unknown name. */
    public Uuid topicId(final String topic) {
        return idsByName.getOrDefault(topic, Uuid.ZERO_UUID);
    }

    public Iterable<Partition> all() {
        return partitions.values();
    }

    /** True when this broker leads {@code tp}, whether its log is online or offline. */
    public boolean hosts(final String topic, final int partition) {
        final TopicPartition tp = new TopicPartition(topic, partition);
        return partitions.containsKey(tp) || unopened.contains(tp);
    }

    /** True when this broker leads {@code tp} but its log directory has failed. */
    public boolean isOffline(final TopicPartition tp) {
        if (unopened.contains(tp)) {
            return true;
        }
        final Partition partition = partitions.get(tp);
        return partition != null && partition.isOffline();
    }

    /**
     * The error for a partition that {@link #get} did not find: offline here, led by another broker (or by none:
     * clients then refresh their metadata and retry), or not in the cluster at all.
     */
    public Errors missingError(final TopicPartition tp) {
        if (unopened.contains(tp)) {
            return Errors.KAFKA_STORAGE_ERROR;
        }
        final Integer count = partitionCounts.get(tp.topic());
        return count != null && tp.partition() >= 0 && tp.partition() < count
                ? Errors.NOT_LEADER_OR_FOLLOWER
                : Errors.UNKNOWN_TOPIC_OR_PARTITION;
    }

    public Errors missingError(final String topic, final int partition) {
        return missingError(new TopicPartition(topic, partition));
    }

    /** A partition led here whose log could not be opened because its log directory is offline. */
    void putOffline(final TopicPartition tp) {
        partitions.remove(tp);
        unopened.add(tp);
    }

    void addTopic(final String name, final Uuid id, final int partitionCount) {
        idsByName.put(name, id);
        namesById.put(id, name);
        partitionCounts.put(name, partitionCount);
    }

    void removeTopic(final String name, final Uuid id) {
        if (idsByName.remove(name, id)) {
            partitionCounts.remove(name);
        }
        namesById.remove(id, name);
    }

    void put(final Partition partition) {
        unopened.remove(partition.topicPartition());
        partitions.put(partition.topicPartition(), partition);
    }

    Partition remove(final TopicPartition tp) {
        unopened.remove(tp);
        return partitions.remove(tp);
    }
}
