package io.runnel.metadata.record;

import java.util.Objects;
import org.apache.kafka.common.Uuid;

/** Creates a topic; its partitions follow as {@link PartitionRecord}s. */
public record TopicRecord(String name, Uuid topicId) implements MetadataRecord {
    public TopicRecord {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(topicId, "topicId");
    }
}
