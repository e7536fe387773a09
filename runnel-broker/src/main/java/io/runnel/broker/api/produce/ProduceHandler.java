package io.runnel.broker.api.produce;

import io.runnel.broker.api.LeaderHints;
import io.runnel.protocol.ApiHandler;
import io.runnel.protocol.CloseConnectionException;
import io.runnel.protocol.RequestContext;
import io.runnel.replication.Partition;
import io.runnel.replication.Partitions;
import io.runnel.storage.AppendResult;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.CorruptRecordException;
import org.apache.kafka.common.errors.UnknownServerException;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Produce: appends each partition's record batch to its log and answers with the assigned offsets.
 *
 * <p>Every partition succeeds or fails on its own, as in Kafka. With this broker as the only replica the data is
 * in the log (page cache) when the append returns, which satisfies acks=1 and acks=all alike, so a request waits
 * only when an append crossed its topic's {@code flush.messages}: Kafka fsyncs that append before answering, so
 * its partition is answered once the log flusher has fsync'd past it (the response then completes on the
 * flusher's thread; a failed fsync answers KAFKA_STORAGE_ERROR). acks=0 gets no response at all and never waits;
 * if a partition fails, the connection closes instead, as in Kafka, so the producer notices and refreshes its
 * metadata.
 */
public final class ProduceHandler implements ApiHandler<ProduceRequestData> {
    private static final Logger LOG = LoggerFactory.getLogger(ProduceHandler.class);

    private final Partitions partitions;
    private final LeaderHints leaders;

    public ProduceHandler(final Partitions partitions, final LeaderHints leaders) {
        this.leaders = leaders;
        this.partitions = partitions;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.PRODUCE;
    }

    /**
     * Advertised from v0 although v0-v2 are refused (Kafka 4 does the same, KAFKA-18659): librdkafka before
     * 2.11 takes "no Produce v0" to mean "no gzip, snappy or lz4" and silently stops compressing.
     */
    @Override
    public short advertisedMinVersion() {
        return ApiKeys.PRODUCE_API_VERSIONS_RESPONSE_MIN_VERSION;
    }

    @Override
    public CompletableFuture<ProduceResponseData> handle(
            final RequestContext context, final ProduceRequestData request) {
        final short version = context.apiVersion();
        final short acks = request.acks();
        final boolean validAcks = acks == -1 || acks == 0 || acks == 1;
        final ProduceResponseData response = new ProduceResponseData();
        final List<CompletableFuture<Void>> flushes = new ArrayList<>(0);
        for (final ProduceRequestData.TopicProduceData topic : request.topicData()) {
            final boolean byId = version >= 13;
            final String name = byId ? partitions.topicName(topic.topicId()) : topic.name();
            final ProduceResponseData.TopicProduceResponse topicResponse =
                    new ProduceResponseData.TopicProduceResponse()
                            .setName(byId ? "" : topic.name())
                            .setTopicId(byId ? topic.topicId() : Uuid.ZERO_UUID);
            for (final ProduceRequestData.PartitionProduceData data : topic.partitionData()) {
                final ProduceResponseData.PartitionProduceResponse result =
                        new ProduceResponseData.PartitionProduceResponse().setIndex(data.index());
                if (!validAcks) {
                    fail(result, Errors.INVALID_REQUIRED_ACKS, null);
                } else if (name == null) {
                    fail(result, byId ? Errors.UNKNOWN_TOPIC_ID : Errors.UNKNOWN_TOPIC_OR_PARTITION, null);
                } else {
                    final CompletableFuture<Void> flushed = append(
                            partitions.get(name, data.index()),
                            partitions.missingError(name, data.index()),
                            (MemoryRecords) data.records(),
                            result);
                    if (flushed != null && acks != 0) {
                        flushes.add(flushed);
                    }
                    if (version >= 10 && result.errorCode() == Errors.NOT_LEADER_OR_FOLLOWER.code()) {
                        pointAtLeader(response, result, name, data.index());
                    }
                }
                topicResponse.partitionResponses().add(result);
            }
            response.responses().add(topicResponse);
        }
        if (acks != 0) {
            return flushes.isEmpty()
                    ? CompletableFuture.completedFuture(response)
                    : CompletableFuture.allOf(flushes.toArray(CompletableFuture<?>[]::new))
                            .thenApply(v -> response);
        }
        final String failed = firstFailure(response);
        return failed == null
                ? CompletableFuture.completedFuture(null)
                : CompletableFuture.failedFuture(new CloseConnectionException("acks=0 produce failed: " + failed));
    }

    /** KIP-951 (v10+): the current leader in the partition's answer, its endpoint in the response's. */
    private void pointAtLeader(
            final ProduceResponseData response,
            final ProduceResponseData.PartitionProduceResponse result,
            final String topic,
            final int partition) {
        leaders.leaderOf(topic, partition).ifPresent(leader -> {
            result.setCurrentLeader(new ProduceResponseData.LeaderIdAndEpoch()
                    .setLeaderId(leader.id())
                    .setLeaderEpoch(leader.epoch()));
            if (response.nodeEndpoints().find(leader.id()) == null) {
                response.nodeEndpoints()
                        .add(new ProduceResponseData.NodeEndpoint()
                                .setNodeId(leader.id())
                                .setHost(leader.broker().host())
                                .setPort(leader.broker().port())
                                .setRack(leader.broker().rack()));
            }
        });
    }

    /** A description of the first failed partition, or null when every partition succeeded. */
    private static String firstFailure(final ProduceResponseData response) {
        for (final ProduceResponseData.TopicProduceResponse topic : response.responses()) {
            for (final ProduceResponseData.PartitionProduceResponse p : topic.partitionResponses()) {
                if (p.errorCode() != Errors.NONE.code()) {
                    return topic.name() + "-" + p.index() + ": "
                            + Errors.forCode(p.errorCode()).name();
                }
            }
        }
        return null;
    }

    /**
     * Appends and fills in {@code result}; returns null when the partition can be answered now, else a future
     * that completes (never exceptionally) once its flush has filled in the outcome.
     */
    private static CompletableFuture<Void> append(
            final Partition partition,
            final Errors missing,
            final MemoryRecords records,
            final ProduceResponseData.PartitionProduceResponse result) {
        if (partition == null) {
            fail(result, missing, null);
            return null;
        }
        try {
            checkOneV2Batch(records);
            final AppendResult appended = partition.appendAsLeader(records.buffer());
            result.setBaseOffset(appended.firstOffset())
                    .setLogAppendTimeMs(appended.logAppendTime())
                    .setLogStartOffset(appended.logStartOffset());
            if (!appended.awaitsFlush()) {
                return null;
            }
            return appended.flushed().handle((done, failure) -> {
                if (failure != null) {
                    final Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                            ? failure.getCause()
                            : failure;
                    fail(result, Errors.forException(cause), cause.getMessage());
                }
                return null;
            });
        } catch (ApiException e) {
            fail(result, Errors.forException(e), e.getMessage());
        } catch (RuntimeException e) {
            LOG.error("Append to {} failed", partition.topicPartition(), e);
            fail(result, Errors.forException(new UnknownServerException(e)), null);
        }
        return null;
    }

    /** Kafka's rule since Produce v3: exactly one record batch per partition, in the v2 format. */
    private static void checkOneV2Batch(final MemoryRecords records) {
        if (records == null || records.sizeInBytes() == 0) {
            throw new InvalidRecordException("A produce request must carry one record batch per partition");
        }
        final Iterator<MutableRecordBatch> batches = records.batches().iterator();
        if (!batches.hasNext()) {
            throw new CorruptRecordException("The partition's records end inside their first batch");
        }
        final MutableRecordBatch batch = batches.next();
        if (batch.magic() != RecordBatch.MAGIC_VALUE_V2) {
            throw new InvalidRecordException("Record batches must use the v2 format (magic 2)");
        }
        if (batches.hasNext()) {
            throw new InvalidRecordException("A produce request may carry only one record batch per partition");
        }
    }

    private static void fail(
            final ProduceResponseData.PartitionProduceResponse result, final Errors error, final String message) {
        result.setErrorCode(error.code())
                .setErrorMessage(message)
                .setBaseOffset(-1L)
                .setLogAppendTimeMs(-1L)
                .setLogStartOffset(-1L);
    }
}
