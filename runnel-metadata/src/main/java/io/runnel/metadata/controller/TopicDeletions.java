package io.runnel.metadata.controller;

import io.runnel.metadata.image.MetadataImage;
import io.runnel.metadata.image.TopicImage;
import io.runnel.metadata.record.MetadataRecord;
import io.runnel.metadata.record.RemoveTopicRecord;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.errors.UnknownTopicIdException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Validates DeleteTopics against an image and turns the topics found into {@link RemoveTopicRecord}s. A topic
 * is named by name or by id; one named both ways is removed once. A name or id given twice fails with
 * INVALID_REQUEST, one not in the image with UNKNOWN_TOPIC_OR_PARTITION or UNKNOWN_TOPIC_ID. Runs on the
 * controller thread; one instance per command.
 */
final class TopicDeletions {
    private final MetadataImage current;
    private final Set<Uuid> toDelete = new LinkedHashSet<>();

    TopicDeletions(final MetadataImage current) {
        this.current = current;
    }

    /** One result per distinct name and per distinct id, in request order; the records are in {@link #records()}. */
    DeleteTopicsResult run(final List<String> names, final List<Uuid> ids) {
        final List<DeleteTopicResult> byName = new ArrayList<>();
        for (final Map.Entry<String, Boolean> entry :
                Duplicates.distinctWithDuplicates(names).entrySet()) {
            final String name = entry.getKey();
            if (entry.getValue()) {
                byName.add(new DeleteTopicResult(
                        name,
                        Uuid.ZERO_UUID,
                        ApiError.fromThrowable(new InvalidRequestException("Duplicate topic name."))));
                continue;
            }
            final TopicImage topic = current.topic(name);
            if (topic == null) {
                byName.add(new DeleteTopicResult(
                        name,
                        Uuid.ZERO_UUID,
                        ApiError.fromThrowable(
                                new UnknownTopicOrPartitionException("Topic " + name + " does not exist."))));
                continue;
            }
            toDelete.add(topic.id());
            byName.add(new DeleteTopicResult(name, topic.id(), ApiError.NONE));
        }
        final List<DeleteTopicResult> byId = new ArrayList<>();
        for (final Map.Entry<Uuid, Boolean> entry :
                Duplicates.distinctWithDuplicates(ids).entrySet()) {
            final Uuid id = entry.getKey();
            if (entry.getValue()) {
                byId.add(new DeleteTopicResult(
                        null, id, ApiError.fromThrowable(new InvalidRequestException("Duplicate topic id."))));
                continue;
            }
            final TopicImage topic = current.topic(id);
            if (topic == null) {
                byId.add(new DeleteTopicResult(
                        null,
                        id,
                        ApiError.fromThrowable(new UnknownTopicIdException("Topic id " + id + " does not exist."))));
                continue;
            }
            toDelete.add(topic.id());
            byId.add(new DeleteTopicResult(topic.name(), id, ApiError.NONE));
        }
        return new DeleteTopicsResult(byName, byId);
    }

    /** One {@link RemoveTopicRecord} per topic to delete, in the order first named. */
    List<MetadataRecord> records() {
        final List<MetadataRecord> records = new ArrayList<>();
        toDelete.forEach(id -> records.add(new RemoveTopicRecord(id)));
        return records;
    }
}
