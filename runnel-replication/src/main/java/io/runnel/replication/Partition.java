package io.runnel.replication;

import io.runnel.storage.AppendResult;
import io.runnel.storage.LogConfig;
import io.runnel.storage.LogSlice;
import io.runnel.storage.PartitionLog;
import io.runnel.storage.TimestampAndOffset;
import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.apache.kafka.common.errors.OffsetOutOfRangeException;
import org.apache.kafka.common.errors.PolicyViolationException;

/**
 * A partition this broker leads: its log plus the replication state that sits above the log.
 *
 * <p>The high watermark is the offset below which records are visible to consumers. With this broker as the
 * only replica it follows the log end offset; replication will make it wait for the followers without changing
 * the readers. Thread-safe: appends are serialised by the log; readers see a volatile high watermark that only
 * moves after the bytes below it are readable.
 */
public final class Partition {
    /** DeleteRecords' offset that stands for the high watermark. */
    private static final long HIGH_WATERMARK = -1L;

    private final TopicPartition topicPartition;
    private final Uuid topicId;
    private final PartitionLog log;
    // Written by the metadata thread when the leadership changes; read by request handlers.
    private volatile int leaderEpoch;
    private final CopyOnWriteArrayList<AppendListener> listeners = new CopyOnWriteArrayList<>();
    private volatile long highWatermark;

    /** Told after records become visible; runs on the appending (or log flusher) thread, so it must be quick. */
    public interface AppendListener {
        void onAppend(Partition partition);
    }

    public Partition(
            final TopicPartition topicPartition, final Uuid topicId, final PartitionLog log, final int leaderEpoch) {
        this.topicPartition = topicPartition;
        this.topicId = topicId;
        this.log = log;
        this.leaderEpoch = leaderEpoch;
        this.highWatermark = log.logEndOffset();
    }

    public TopicPartition topicPartition() {
        return topicPartition;
    }

    public Uuid topicId() {
        return topicId;
    }

    public int leaderEpoch() {
        return leaderEpoch;
    }

    /** This broker leads the partition again, or still, at a new leader epoch. */
    void updateLeaderEpoch(final int epoch) {
        leaderEpoch = epoch;
    }

    public long highWatermark() {
        return highWatermark;
    }

    public long logStartOffset() {
        return log.logStartOffset();
    }

    public long logEndOffset() {
        return log.logEndOffset();
    }

    /** Whether the log's directory has failed; such a partition answers KAFKA_STORAGE_ERROR. */
    public boolean isOffline() {
        return log.isOffline();
    }

    /** Whether {@code candidate} is this partition's log (a log dir may still list a log its partition replaced). */
    public boolean isBackedBy(final PartitionLog candidate) {
        return log == candidate;
    }

    /** Applies a changed topic config to the log; the next append, roll or cleaning uses it. */
    public void updateConfig(final LogConfig config) {
        log.updateConfig(config);
    }

    /**
     * Throws KAFKA_STORAGE_ERROR when the log's directory has failed, for the requests that answer from the
     * partition's offsets without touching the log (ListOffsets EARLIEST and LATEST).
     */
    public void ensureOnline() {
        if (log.isOffline()) {
            throw new KafkaStorageException("The log of " + topicPartition + " is in an offline log directory");
        }
    }

    /**
     * Appends batches as received from a producer; the caller has checked the request's shape. When the append
     * has to wait for its fsync ({@code flush.messages}), so do its records' visibility, as in Kafka, where the
     * high watermark moves after the inline flush: the high watermark passes them on the flusher's thread, before
     * the returned {@link AppendResult#flushed} completes.
     */
    public AppendResult appendAsLeader(final ByteBuffer records) {
        final AppendResult result = log.appendAsLeader(records, leaderEpoch);
        if (result.duplicate()) {
            return result;
        }
        if (!result.awaitsFlush()) {
            advanceHighWatermark(log.logEndOffset());
            return result;
        }
        final long end = result.lastOffset() + 1;
        return new AppendResult(
                result.firstOffset(),
                result.lastOffset(),
                result.logAppendTime(),
                result.logStartOffset(),
                result.recordCount(),
                false,
                result.flushed().thenRun(() -> advanceHighWatermark(end)));
    }

    /** Whole batches from {@code fetchOffset}, below the high watermark. */
    public LogSlice read(final long fetchOffset, final int maxBytes, final boolean minOneBatch) {
        return log.read(fetchOffset, maxBytes, highWatermark, minOneBatch);
    }

    /**
     * Whole batches from {@code fetchOffset}, below {@code maxOffset} and the high watermark, whichever is lower: for
     * a reader that must not pass the end it saw when it started (a coordinator loading its state).
     */
    public LogSlice read(final long fetchOffset, final int maxBytes, final long maxOffset, final boolean minOneBatch) {
        return log.read(fetchOffset, maxBytes, Math.min(maxOffset, highWatermark), minOneBatch);
    }

    /** ListOffsets MAX_TIMESTAMP: the first offset that holds the largest timestamp in the log. */
    public Optional<TimestampAndOffset> maxTimestampOffset() {
        return log.maxTimestampOffset();
    }

    /** ListOffsets by timestamp: the first offset whose timestamp is at least {@code timestamp}, if it is visible. */
    public Optional<TimestampAndOffset> offsetForTimestamp(final long timestamp) {
        final long hw = highWatermark;
        return log.offsetForTimestamp(timestamp).filter(t -> t.offset() < hw);
    }

    /**
     * DeleteRecords: nothing below {@code offset} can be read any more; -1 means the high watermark, as in Kafka.
     *
     * @return the log start offset after the call
     * @throws org.apache.kafka.common.errors.OffsetOutOfRangeException when the offset is below -1 or past the
     *                                                                    high watermark
     * @throws PolicyViolationException when the topic's {@code cleanup.policy} does not include {@code delete}, as in
     *                                  Kafka: a compacted log's start must not move under its cleaner's feet
     */
    public long deleteRecordsBefore(final long offset) {
        if (!log.config().cleanupPolicyDelete()) {
            throw new PolicyViolationException("Records of " + topicPartition + " cannot be deleted: its "
                    + "cleanup.policy does not include delete");
        }
        final long hw = highWatermark;
        final long target = offset == HIGH_WATERMARK ? hw : offset;
        if (target < 0 || target > hw) {
            throw new OffsetOutOfRangeException("Cannot delete records of " + topicPartition + " before offset "
                    + offset + ": the high watermark is " + hw);
        }
        return log.advanceLogStartOffset(target);
    }

    public void addListener(final AppendListener listener) {
        listeners.add(listener);
    }

    public void removeListener(final AppendListener listener) {
        listeners.remove(listener);
    }

    private synchronized void advanceHighWatermark(final long offset) {
        if (offset > highWatermark) {
            highWatermark = offset;
        }
        for (final AppendListener listener : listeners) {
            listener.onAppend(this);
        }
    }
}
