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
 * earliest local, latest tiered, earliest pending upload), each from the version that brought it
 * ({@link ListOffsetsTargets}). Without transactions the last stable offset is the high watermark, so both
 * isolation levels see the same "latest". Without tiered storage the earliest local offset is the log start and
 * there is neither a tiered offset nor one pending upload.
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
                topicResponse.partitions().add(answer(tp, p, duplicates.contains(tp), context.apiVersion()));
            }
            response.topics().add(topicResponse);
        }
        return CompletableFuture.completedFuture(response);
    }

    /** A duplicate first; then, as Kafka 4.4.0 does (observed), the target before the partition is looked up. */
    private ListOffsetsResponseData.ListOffsetsPartitionResponse answer(
            final TopicPartition tp,
            final ListOffsetsRequestData.ListOffsetsPartition p,
            final boolean duplicate,
            final short version) {
        if (duplicate) {
            return failed(p.partitionIndex(), Errors.INVALID_REQUEST);
        }
        if (!ListOffsetsTargets.servedAt(p.timestamp(), version)) {
            return failed(p.partitionIndex(), Errors.UNSUPPORTED_VERSION);
        }
        return lookUp(partitions.get(tp), partitions.missingError(tp), p, version);
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
            } else if (target == ListOffsetsRequest.LATEST_TIERED_TIMESTAMP
                    || target == ListOffsetsRequest.EARLIEST_PENDING_UPLOAD_TIMESTAMP) {
                // nothing is tiered, so nothing waits to be: Kafka 4.4.0 answers -1, -1, epoch -1 for a topic
                // without tiered storage (observed, empty or not)
                found = Optional.empty();
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
