package io.runnel.broker.api.deleterecords;

import io.runnel.protocol.ApiHandler;
import io.runnel.protocol.RequestContext;
import io.runnel.replication.Partition;
import io.runnel.replication.Partitions;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.message.DeleteRecordsRequestData;
import org.apache.kafka.common.message.DeleteRecordsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;

/**
 * DeleteRecords: moves each partition's log start offset up to the offset asked for (-1: the high watermark), as
 * Kafka does; nothing below it can be fetched or listed any more, and retention deletes the segments that then
 * lie wholly below it. A topic whose {@code cleanup.policy} has no {@code delete} refuses with POLICY_VIOLATION.
 * The answer waits until the new start offsets are checkpointed, so a restart does not bring records back.
 */
public final class DeleteRecordsHandler implements ApiHandler<DeleteRecordsRequestData> {
    private static final long UNKNOWN = -1L;

    private final Partitions partitions;
    private final Supplier<CompletableFuture<Void>> checkpoint;

    /**
     * @param checkpoint writes the log start offsets to disk, off the request handler thread
     */
    public DeleteRecordsHandler(final Partitions partitions, final Supplier<CompletableFuture<Void>> checkpoint) {
        this.partitions = partitions;
        this.checkpoint = checkpoint;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.DELETE_RECORDS;
    }

    @Override
    public CompletableFuture<DeleteRecordsResponseData> handle(
            final RequestContext context, final DeleteRecordsRequestData request) {
        final DeleteRecordsResponseData response = new DeleteRecordsResponseData();
        boolean moved = false;
        for (final DeleteRecordsRequestData.DeleteRecordsTopic topic : request.topics()) {
            final DeleteRecordsResponseData.DeleteRecordsTopicResult topicResult =
                    new DeleteRecordsResponseData.DeleteRecordsTopicResult().setName(topic.name());
            for (final DeleteRecordsRequestData.DeleteRecordsPartition p : topic.partitions()) {
                final DeleteRecordsResponseData.DeleteRecordsPartitionResult result =
                        new DeleteRecordsResponseData.DeleteRecordsPartitionResult()
                                .setPartitionIndex(p.partitionIndex());
                final TopicPartition tp = new TopicPartition(topic.name(), p.partitionIndex());
                final Partition partition = partitions.get(tp);
                if (partition == null) {
                    result.setLowWatermark(UNKNOWN)
                            .setErrorCode(partitions.missingError(tp).code());
                } else {
                    try {
                        final long before = partition.logStartOffset();
                        final long lowWatermark = partition.deleteRecordsBefore(p.offset());
                        moved |= lowWatermark != before;
                        result.setLowWatermark(lowWatermark);
                    } catch (final ApiException e) {
                        result.setLowWatermark(UNKNOWN)
                                .setErrorCode(Errors.forException(e).code());
                    }
                }
                topicResult.partitions().add(result);
            }
            response.topics().add(topicResult);
        }
        if (!moved) {
            return CompletableFuture.completedFuture(response);
        }
        return checkpoint.get().handle((ignored, failure) -> response);
    }
}
