package io.runnel.broker.api.offsetcommit;

import io.runnel.coordinator.group.GroupCoordinator;
import io.runnel.protocol.ApiHandler;
import io.runnel.protocol.RequestContext;
import io.runnel.replication.Partitions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.OffsetCommitRequestData;
import org.apache.kafka.common.message.OffsetCommitResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;

/**
 * OffsetCommit: partitions of topics that do not exist get UNKNOWN_TOPIC_OR_PARTITION here, as in Kafka; the
 * rest go to the coordinator, which checks the member and generation and makes the offsets durable.
 */
public final class OffsetCommitHandler implements ApiHandler<OffsetCommitRequestData> {
    private final GroupCoordinator coordinator;
    private final Partitions partitions;

    public OffsetCommitHandler(final GroupCoordinator coordinator, final Partitions partitions) {
        this.coordinator = coordinator;
        this.partitions = partitions;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.OFFSET_COMMIT;
    }

    /** Pinned below kafka-clients 4.4.0's latest: v10 names topics by id; served once ids are resolved. */
    @Override
    public short maxVersion() {
        return 9;
    }

    @Override
    public CompletableFuture<OffsetCommitResponseData> handle(
            final RequestContext context, final OffsetCommitRequestData request) {
        final List<OffsetCommitResponseData.OffsetCommitResponseTopic> unknown = new ArrayList<>();
        final List<OffsetCommitRequestData.OffsetCommitRequestTopic> known = new ArrayList<>();
        for (final OffsetCommitRequestData.OffsetCommitRequestTopic topic : request.topics()) {
            final OffsetCommitRequestData.OffsetCommitRequestTopic kept =
                    new OffsetCommitRequestData.OffsetCommitRequestTopic().setName(topic.name());
            final OffsetCommitResponseData.OffsetCommitResponseTopic refused =
                    new OffsetCommitResponseData.OffsetCommitResponseTopic().setName(topic.name());
            for (final OffsetCommitRequestData.OffsetCommitRequestPartition p : topic.partitions()) {
                // a partition whose log dir failed still exists: its offsets are the group's, not the disk's
                if (partitions.hosts(topic.name(), p.partitionIndex())) {
                    kept.partitions().add(p);
                } else {
                    refused.partitions()
                            .add(new OffsetCommitResponseData.OffsetCommitResponsePartition()
                                    .setPartitionIndex(p.partitionIndex())
                                    .setErrorCode(Errors.UNKNOWN_TOPIC_OR_PARTITION.code()));
                }
            }
            if (!kept.partitions().isEmpty()) {
                known.add(kept);
            }
            if (!refused.partitions().isEmpty()) {
                unknown.add(refused);
            }
        }
        if (unknown.isEmpty()) {
            return coordinator.commitOffsets(request, context.apiVersion());
        }
        return coordinator
                .commitOffsets(request.duplicate().setTopics(known), context.apiVersion())
                .thenApply(response -> {
                    response.topics().addAll(unknown);
                    return response;
                });
    }
}
