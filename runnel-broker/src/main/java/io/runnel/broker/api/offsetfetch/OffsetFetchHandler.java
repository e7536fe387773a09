package io.runnel.broker.api.offsetfetch;

import io.runnel.coordinator.group.GroupCoordinator;
import io.runnel.metadata.image.MetadataImage;
import io.runnel.metadata.image.TopicImage;
import io.runnel.protocol.ApiHandler;
import io.runnel.protocol.RequestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.apache.kafka.common.message.OffsetFetchRequestData;
import org.apache.kafka.common.message.OffsetFetchResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;

/**
 * OffsetFetch, for one group or (from v8) a batch of groups.
 *
 * <p>From v10 topics are named by id only. The coordinator keeps names, so ids become names here, through the
 * metadata image, and names become ids again in the answer. An id the image does not know (the zero id included)
 * gets UNKNOWN_TOPIC_ID on each partition asked for, in a group that exists or not, as from Kafka 4.4.0
 * (observed); a group whose own check fails answers its error alone. Asked for all its topics, a group lists
 * those the image still knows: a topic without an id cannot be named in v10.
 */
public final class OffsetFetchHandler implements ApiHandler<OffsetFetchRequestData> {
    private static final short FIRST_TOPIC_ID_VERSION = 10;

    private final GroupCoordinator coordinator;
    private final Supplier<MetadataImage> image;

    public OffsetFetchHandler(final GroupCoordinator coordinator, final Supplier<MetadataImage> image) {
        this.coordinator = coordinator;
        this.image = image;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.OFFSET_FETCH;
    }

    @Override
    public CompletableFuture<OffsetFetchResponseData> handle(
            final RequestContext context, final OffsetFetchRequestData request) {
        if (context.apiVersion() < FIRST_TOPIC_ID_VERSION) {
            return coordinator.fetchOffsets(request, context.apiVersion());
        }
        final MetadataImage metadata = image.get();
        // one list per group, in request order (a request may name a group twice)
        final List<List<OffsetFetchResponseData.OffsetFetchResponseTopics>> unknown = new ArrayList<>();
        final OffsetFetchRequestData byName = request.duplicate();
        for (final OffsetFetchRequestData.OffsetFetchRequestGroup group : byName.groups()) {
            final List<OffsetFetchResponseData.OffsetFetchResponseTopics> refused = new ArrayList<>();
            unknown.add(refused);
            if (group.topics() == null) {
                continue;
            }
            final List<OffsetFetchRequestData.OffsetFetchRequestTopics> known = new ArrayList<>();
            for (final OffsetFetchRequestData.OffsetFetchRequestTopics topic : group.topics()) {
                final TopicImage found = metadata.topic(topic.topicId());
                if (found == null) {
                    refused.add(unknownTopic(topic));
                } else {
                    known.add(topic.setName(found.name()));
                }
            }
            group.setTopics(known);
        }
        return coordinator.fetchOffsets(byName, context.apiVersion()).thenApply(response -> {
            for (int i = 0; i < response.groups().size(); i++) {
                final OffsetFetchResponseData.OffsetFetchResponseGroup group =
                        response.groups().get(i);
                nameByIds(group, metadata);
                if (group.errorCode() == Errors.NONE.code()) {
                    group.topics().addAll(unknown.get(i));
                }
            }
            return response;
        });
    }

    /** The coordinator answers by name; a v10 answer has ids and no names. */
    private static void nameByIds(
            final OffsetFetchResponseData.OffsetFetchResponseGroup group, final MetadataImage metadata) {
        group.topics().removeIf(topic -> metadata.topic(topic.name()) == null);
        for (final OffsetFetchResponseData.OffsetFetchResponseTopics topic : group.topics()) {
            topic.setTopicId(metadata.topic(topic.name()).id()).setName("");
        }
    }

    private static OffsetFetchResponseData.OffsetFetchResponseTopics unknownTopic(
            final OffsetFetchRequestData.OffsetFetchRequestTopics topic) {
        final OffsetFetchResponseData.OffsetFetchResponseTopics result =
                new OffsetFetchResponseData.OffsetFetchResponseTopics().setTopicId(topic.topicId());
        for (final int partition : topic.partitionIndexes()) {
            result.partitions()
                    .add(new OffsetFetchResponseData.OffsetFetchResponsePartitions()
                            .setPartitionIndex(partition)
                            .setCommittedOffset(-1)
                            .setCommittedLeaderEpoch(-1)
                            .setMetadata("")
                            .setErrorCode(Errors.UNKNOWN_TOPIC_ID.code()));
        }
        return result;
    }
}
