package io.runnel.broker.api.fetch;

import io.runnel.protocol.FileSliceRecords;
import io.runnel.replication.Partition;
import io.runnel.replication.Partitions;
import io.runnel.storage.LogSlice;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Fetch request from its first read to its response. If the first read finds fewer than {@code min.bytes}
 * it waits as a delayed operation: every append to one of its partitions re-checks it, and a timer ends the wait
 * at {@code max.wait.ms}. Whichever comes first builds the response from a fresh read; the others find it done.
 */
final class FetchOperation implements Partition.AppendListener {
    private static final Logger LOG = LoggerFactory.getLogger(FetchOperation.class);

    private final Partitions partitions;
    private final short version;
    private final int minBytes;
    private final int maxBytes;
    private final boolean readCommitted;
    private final int responseSessionId;
    private final FetchSession session;
    private final boolean incremental;
    private final List<FetchTarget> targets;
    private final CompletableFuture<FetchResponseData> response = new CompletableFuture<>();
    private final AtomicBoolean done = new AtomicBoolean();
    private final List<Partition> watched = new CopyOnWriteArrayList<>();
    private volatile ScheduledFuture<?> timeout;

    FetchOperation(
            final Partitions partitions,
            final short version,
            final int minBytes,
            final int maxBytes,
            final boolean readCommitted,
            final int responseSessionId,
            final FetchSession session,
            final boolean incremental,
            final List<FetchTarget> targets) {
        this.partitions = partitions;
        this.version = version;
        this.minBytes = minBytes;
        this.maxBytes = maxBytes;
        this.readCommitted = readCommitted;
        this.responseSessionId = responseSessionId;
        this.session = session;
        this.incremental = incremental;
        this.targets = targets;
    }

    /** What one partition's read produced. */
    private record PartitionRead(
            FetchTarget target,
            Partition partition,
            Errors error,
            LogSlice slice,
            long highWatermark,
            long logStartOffset) {
        int bytes() {
            return slice == null ? 0 : slice.sizeInBytes();
        }
    }

    CompletableFuture<FetchResponseData> start(final int maxWaitMs, final ScheduledExecutorService timer) {
        final List<PartitionRead> reads = readAll();
        if (maxWaitMs <= 0 || satisfied(reads)) {
            finish(reads);
            return response;
        }
        timeout = timer.schedule(
                () -> {
                    if (done.compareAndSet(false, true)) {
                        finish(readAll());
                    }
                },
                maxWaitMs,
                TimeUnit.MILLISECONDS);
        for (final PartitionRead read : reads) {
            if (read.partition() != null) {
                watched.add(read.partition());
                read.partition().addListener(this);
            }
        }
        if (done.get()) {
            unwatch();
        }
        // An append between the first read and the listeners' registration would otherwise wait for the timer.
        onAppend(null);
        return response;
    }

    @Override
    public void onAppend(final Partition partition) {
        if (done.get()) {
            return;
        }
        final List<PartitionRead> reads = readAll();
        if (satisfied(reads) && done.compareAndSet(false, true)) {
            timeout.cancel(false);
            finish(reads);
        }
    }

    private boolean satisfied(final List<PartitionRead> reads) {
        long bytes = 0;
        for (final PartitionRead read : reads) {
            if (read.error() != Errors.NONE) {
                return true;
            }
            bytes += read.bytes();
        }
        return bytes >= minBytes;
    }

    private List<PartitionRead> readAll() {
        final List<PartitionRead> reads = new ArrayList<>(targets.size());
        int remaining = maxBytes;
        boolean first = true;
        for (final FetchTarget target : targets) {
            final PartitionRead read = read(target, Math.max(0, remaining), first);
            if (read.bytes() > 0) {
                remaining -= read.bytes();
                first = false;
            }
            reads.add(read);
        }
        return reads;
    }

    private PartitionRead read(final FetchTarget target, final int budget, final boolean minOneBatch) {
        final FetchKey key = target.key;
        final String topic = key.topic() != null ? key.topic() : partitions.topicName(key.topicId());
        if (topic == null) {
            return new PartitionRead(target, null, Errors.UNKNOWN_TOPIC_ID, null, -1, -1);
        }
        final Partition partition = partitions.get(topic, key.partition());
        if (partition == null) {
            return new PartitionRead(target, null, partitions.missingError(topic, key.partition()), null, -1, -1);
        }
        final long highWatermark = partition.highWatermark();
        final long logStartOffset = partition.logStartOffset();
        if (target.currentLeaderEpoch >= 0 && target.currentLeaderEpoch != partition.leaderEpoch()) {
            final Errors error = target.currentLeaderEpoch > partition.leaderEpoch()
                    ? Errors.UNKNOWN_LEADER_EPOCH
                    : Errors.FENCED_LEADER_EPOCH;
            return new PartitionRead(target, partition, error, null, highWatermark, logStartOffset);
        }
        try {
            final int limit = Math.min(budget, target.maxBytes);
            final LogSlice slice =
                    limit <= 0 && !minOneBatch ? null : partition.read(target.fetchOffset, limit, minOneBatch);
            return new PartitionRead(target, partition, Errors.NONE, slice, highWatermark, logStartOffset);
        } catch (ApiException e) {
            return new PartitionRead(target, partition, Errors.forException(e), null, highWatermark, logStartOffset);
        } catch (RuntimeException e) {
            LOG.error("Fetch from {} failed", partition.topicPartition(), e);
            return new PartitionRead(
                    target, partition, Errors.UNKNOWN_SERVER_ERROR, null, highWatermark, logStartOffset);
        }
    }

    private void unwatch() {
        for (final Partition partition : watched) {
            partition.removeListener(this);
        }
    }

    private void finish(final List<PartitionRead> reads) {
        unwatch();
        try {
            response.complete(build(reads));
        } catch (RuntimeException e) {
            response.completeExceptionally(e);
        }
    }

    private FetchResponseData build(final List<PartitionRead> reads) {
        final FetchResponseData data = new FetchResponseData().setSessionId(responseSessionId);
        final Map<Object, FetchResponseData.FetchableTopicResponse> topics = new LinkedHashMap<>();
        final List<FetchKey> served = new ArrayList<>();
        for (final PartitionRead read : reads) {
            final FetchTarget target = read.target();
            final boolean changed = read.bytes() > 0
                    || read.error() != Errors.NONE
                    || read.highWatermark() != target.sentHighWatermark
                    || read.logStartOffset() != target.sentLogStartOffset;
            if (incremental && !changed) {
                continue;
            }
            target.sentHighWatermark = read.highWatermark();
            target.sentLogStartOffset = read.logStartOffset();
            if (read.bytes() > 0) {
                served.add(target.key);
            }
            final FetchKey key = target.key;
            final boolean byId = version >= 13;
            final FetchResponseData.FetchableTopicResponse topic = topics.computeIfAbsent(
                    byId ? key.topicId() : key.topic(),
                    k -> new FetchResponseData.FetchableTopicResponse()
                            .setTopic(byId ? "" : key.topic())
                            .setTopicId(byId ? key.topicId() : Uuid.ZERO_UUID));
            final LogSlice slice = read.slice();
            topic.partitions()
                    .add(new FetchResponseData.PartitionData()
                            .setPartitionIndex(key.partition())
                            .setErrorCode(read.error().code())
                            .setHighWatermark(read.highWatermark())
                            .setLastStableOffset(read.highWatermark())
                            .setLogStartOffset(read.logStartOffset())
                            .setAbortedTransactions(readCommitted ? new ArrayList<>() : null)
                            .setRecords(
                                    slice == null || slice.sizeInBytes() == 0
                                            ? MemoryRecords.EMPTY
                                            : new FileSliceRecords(
                                                    slice.channel(), slice.position(), slice.sizeInBytes())));
        }
        if (session != null && !served.isEmpty()) {
            session.rotate(served);
        }
        data.responses().addAll(topics.values());
        return data;
    }
}
