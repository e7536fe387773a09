package io.runnel.metadata.record;

import org.apache.kafka.common.Uuid;

import java.util.Objects;

/** Creates a topic; its partitions follow as {@link PartitionRecord}s. */
public record TopicRecord(String name, Uuid topicId) implements MetadataRecord {
    public TopicRecord {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(topicId, "topicId");
    }
}
