package io.runnel.broker.partition;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;

/**
 * The partitions this broker leads, and the topic name/id mapping of the metadata that created them. Read by
 * handlers on network threads; changed only by {@link PartitionsPublisher} on the controller's thread.
 */
public final class Partitions {
    private final Map<TopicPartition, Partition> partitions = new ConcurrentHashMap<>();
    private final Map<Uuid, String> namesById = new ConcurrentHashMap<>();
    private final Map<String, Uuid> idsByName = new ConcurrentHashMap<>();

    /** The partition, or null when this broker does not lead it. */
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

    void addTopic(final String name, final Uuid id) {
        idsByName.put(name, id);
        namesById.put(id, name);
    }

    void removeTopic(final String name, final Uuid id) {
        idsByName.remove(name, id);
        namesById.remove(id, name);
    }

    void put(final Partition partition) {
        partitions.put(partition.topicPartition(), partition);
    }

    Partition remove(final TopicPartition tp) {
        return partitions.remove(tp);
    }
}
