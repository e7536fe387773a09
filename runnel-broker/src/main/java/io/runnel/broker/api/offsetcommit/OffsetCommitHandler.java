package io.runnel.broker.api.offsetcommit;

import io.runnel.coordinator.group.GroupCoordinator;
import io.runnel.metadata.image.MetadataImage;
import io.runnel.metadata.image.TopicImage;
import io.runnel.protocol.ApiHandler;
import io.runnel.protocol.RequestContext;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.OffsetCommitRequestData;
import org.apache.kafka.common.message.OffsetCommitResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;

/**
 * OffsetCommit: partitions the metadata does not know get UNKNOWN_TOPIC_OR_PARTITION here, as in Kafka (whichever
 * broker leads them: in a cluster the coordinator commits offsets of partitions other brokers lead); the rest go to
 * the coordinator, which checks the member and generation and makes the offsets durable.
 *
 * <p>From v10 topics are named by id only. The coordinator keeps names, so ids become names here, through the
 * metadata image, and the answer names each topic by the id it was asked with. An id the image does not know
 * (the zero id included) gets UNKNOWN_TOPIC_ID on each of its partitions whatever the group says, as from Kafka
 * 4.4.0 (observed).
 */
public final class OffsetCommitHandler implements ApiHandler<OffsetCommitRequestData> {
    private static final short FIRST_TOPIC_ID_VERSION = 10;

    private final GroupCoordinator coordinator;
    private final Supplier<MetadataImage> image;

    public OffsetCommitHandler(final GroupCoordinator coordinator, final Supplier<MetadataImage> image) {
        this.coordinator = coordinator;
        this.image = image;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.OFFSET_COMMIT;
    }

    @Override
    public CompletableFuture<OffsetCommitResponseData> handle(
            final RequestContext context, final OffsetCommitRequestData request) {
        final boolean byId = context.apiVersion() >= FIRST_TOPIC_ID_VERSION;
        final MetadataImage metadata = image.get();
        final Map<String, Uuid> askedIds = new HashMap<>();
        final List<OffsetCommitResponseData.OffsetCommitResponseTopic> refused = new ArrayList<>();
        final List<OffsetCommitRequestData.OffsetCommitRequestTopic> known = new ArrayList<>();
        for (final OffsetCommitRequestData.OffsetCommitRequestTopic topic : request.topics()) {
            final String name;
            if (byId) {
                final TopicImage found = metadata.topic(topic.topicId());
                if (found == null) {
                    refused.add(allFailed(topic, Errors.UNKNOWN_TOPIC_ID));
                    continue;
                }
                name = found.name();
                askedIds.put(name, topic.topicId());
            } else {
                name = topic.name();
            }
            final OffsetCommitRequestData.OffsetCommitRequestTopic kept =
                    new OffsetCommitRequestData.OffsetCommitRequestTopic().setName(name);
            final OffsetCommitResponseData.OffsetCommitResponseTopic missing = responseTopic(topic);
            final TopicImage described = metadata.topic(name);
            for (final OffsetCommitRequestData.OffsetCommitRequestPartition p : topic.partitions()) {
                // a partition whose log dir failed still exists: its offsets are the group's, not the disk's
                if (described != null && described.partitions().containsKey(p.partitionIndex())) {
                    kept.partitions().add(p);
                } else {
                    missing.partitions().add(failed(p, Errors.UNKNOWN_TOPIC_OR_PARTITION));
                }
            }
            if (!kept.partitions().isEmpty()) {
                known.add(kept);
            }
            if (!missing.partitions().isEmpty()) {
                refused.add(missing);
            }
        }
        final OffsetCommitRequestData toCoordinator =
                refused.isEmpty() && !byId ? request : request.duplicate().setTopics(known);
        return coordinator.commitOffsets(toCoordinator, context.apiVersion()).thenApply(response -> {
            if (byId) {
                // the coordinator answers by name; a v10 answer has ids and no names
                response.topics()
                        .forEach(t -> t.setTopicId(askedIds.get(t.name())).setName(""));
            }
            response.topics().addAll(refused);
            return response;
        });
    }

    private static OffsetCommitResponseData.OffsetCommitResponseTopic allFailed(
            final OffsetCommitRequestData.OffsetCommitRequestTopic topic, final Errors error) {
        final OffsetCommitResponseData.OffsetCommitResponseTopic result = responseTopic(topic);
        topic.partitions().forEach(p -> result.partitions().add(failed(p, error)));
        return result;
    }

    /** Named as asked: by name up to v9, by id from v10 (the other field keeps its default). */
    private static OffsetCommitResponseData.OffsetCommitResponseTopic responseTopic(
            final OffsetCommitRequestData.OffsetCommitRequestTopic topic) {
        return new OffsetCommitResponseData.OffsetCommitResponseTopic()
                .setName(topic.name())
                .setTopicId(topic.topicId());
    }

    private static OffsetCommitResponseData.OffsetCommitResponsePartition failed(
            final OffsetCommitRequestData.OffsetCommitRequestPartition p, final Errors error) {
        return new OffsetCommitResponseData.OffsetCommitResponsePartition()
                .setPartitionIndex(p.partitionIndex())
                .setErrorCode(error.code());
    }
}
