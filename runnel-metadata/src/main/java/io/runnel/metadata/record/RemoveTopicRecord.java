package io.runnel.metadata.record;

import org.apache.kafka.common.Uuid;

import java.util.Objects;

/** Deletes a topic with its partitions and configs. */
public record RemoveTopicRecord(Uuid topicId) implements MetadataRecord {
    public RemoveTopicRecord {
        Objects.requireNonNull(topicId, "topicId");
    }
}
