package io.runnel.metadata.record;

import java.util.Objects;
import org.apache.kafka.common.Uuid;

/** Deletes a topic with its partitions and configs. */
public record RemoveTopicRecord(Uuid topicId) implements MetadataRecord {
    public RemoveTopicRecord {
        Objects.requireNonNull(topicId, "topicId");
    }
}
