package io.runnel.broker.api.listoffsets;

import io.runnel.protocol.ApiHandler;
import io.runnel.protocol.RequestContext;
import io.runnel.replication.Partition;
import io.runnel.replication.Partitions;
import io.runnel.storage.TimestampAndOffset;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.message.ListOffsetsRequestData;
import org.apache.kafka.common.message.ListOffsetsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ListOffsetsRequest;

/**
 * ListOffsets: the offset for a timestamp, or for one of the special targets (earliest, latest, max timestamp,
 * earliest local, latest tiered). Without transactions the last stable offset is the high watermark, so both
 * isolation levels see the same "latest". Without tiered storage the earliest local offset is the log start and
 * there is no tiered offset.
 */
public final class ListOffsetsHandler implements ApiHandler<ListOffsetsRequestData> {
    private static final long UNKNOWN = -1L;

    private final Partitions partitions;

    public ListOffsetsHandler(final Partitions partitions) {
        this.partitions = partitions;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.LIST_OFFSETS;
    }

    /** Pinned below kafka-clients 4.4.0's latest: v11 (KIP-1023) adds the timestamp -6; served once it is answered as Kafka does. */
    @Override
    public short maxVersion() {
        return 10;
    }

    @Override
    public CompletableFuture<ListOffsetsResponseData> handle(
            final RequestContext context, final ListOffsetsRequestData request) {
        final ListOffsetsResponseData response = new ListOffsetsResponseData();
        final Set<TopicPartition> seen = new HashSet<>();
        final Set<TopicPartition> duplicates = new HashSet<>();
        for (final ListOffsetsRequestData.ListOffsetsTopic topic : request.topics()) {
            for (final ListOffsetsRequestData.ListOffsetsPartition p : topic.partitions()) {
                final TopicPartition tp = new TopicPartition(topic.name(), p.partitionIndex());
                if (!seen.add(tp)) {
                    duplicates.add(tp);
                }
            }
        }
        for (final ListOffsetsRequestData.ListOffsetsTopic topic : request.topics()) {
            final ListOffsetsResponseData.ListOffsetsTopicResponse topicResponse =
                    new ListOffsetsResponseData.ListOffsetsTopicResponse().setName(topic.name());
            for (final ListOffsetsRequestData.ListOffsetsPartition p : topic.partitions()) {
                final TopicPartition tp = new TopicPartition(topic.name(), p.partitionIndex());
                topicResponse
                        .partitions()
                        .add(
                                duplicates.contains(tp)
                                        ? failed(p.partitionIndex(), Errors.INVALID_REQUEST)
                                        : lookUp(
                                                partitions.get(tp),
                                                partitions.missingError(tp),
                                                p,
                                                context.apiVersion()));
            }
            response.topics().add(topicResponse);
        }
        return CompletableFuture.completedFuture(response);
    }

    private static ListOffsetsResponseData.ListOffsetsPartitionResponse lookUp(
            final Partition partition,
            final Errors missing,
            final ListOffsetsRequestData.ListOffsetsPartition p,
            final short version) {
        if (partition == null) {
            return failed(p.partitionIndex(), missing);
        }
        final int epoch = partition.leaderEpoch();
        if (p.currentLeaderEpoch() >= 0 && p.currentLeaderEpoch() != epoch) {
            return failed(
                    p.partitionIndex(),
                    p.currentLeaderEpoch() > epoch ? Errors.UNKNOWN_LEADER_EPOCH : Errors.FENCED_LEADER_EPOCH);
        }
        try {
            partition.ensureOnline();
            final long target = p.timestamp();
            final Optional<TimestampAndOffset> found;
            if (target == ListOffsetsRequest.EARLIEST_TIMESTAMP
                    || target == ListOffsetsRequest.EARLIEST_LOCAL_TIMESTAMP) {
                found = Optional.of(new TimestampAndOffset(UNKNOWN, partition.logStartOffset(), epoch));
            } else if (target == ListOffsetsRequest.LATEST_TIMESTAMP) {
                found = Optional.of(new TimestampAndOffset(UNKNOWN, partition.highWatermark(), epoch));
            } else if (target == ListOffsetsRequest.MAX_TIMESTAMP) {
                found = partition.maxTimestampOffset();
            } else if (target == ListOffsetsRequest.LATEST_TIERED_TIMESTAMP) {
                found = Optional.empty();
            } else if (target < 0) {
                return failed(p.partitionIndex(), Errors.INVALID_REQUEST);
            } else {
                found = partition.offsetForTimestamp(target);
            }
            final TimestampAndOffset result = found.orElse(new TimestampAndOffset(UNKNOWN, UNKNOWN, -1));
            return new ListOffsetsResponseData.ListOffsetsPartitionResponse()
                    .setPartitionIndex(p.partitionIndex())
                    .setTimestamp(result.timestamp())
                    .setOffset(result.offset())
                    // the leader epoch exists in the response from v4 on
                    .setLeaderEpoch(version >= 4 ? result.leaderEpoch() : -1);
        } catch (ApiException e) {
            return failed(p.partitionIndex(), Errors.forException(e));
        }
    }

    private static ListOffsetsResponseData.ListOffsetsPartitionResponse failed(
            final int partition, final Errors error) {
        return new ListOffsetsResponseData.ListOffsetsPartitionResponse()
                .setPartitionIndex(partition)
                .setErrorCode(error.code())
                .setTimestamp(UNKNOWN)
                .setOffset(UNKNOWN)
                .setLeaderEpoch(-1);
    }
}
