package io.runnel.storage;

import java.util.concurrent.CompletableFuture;

/**
 * Outcome of {@link PartitionLog#appendAsLeader}.
 *
 * @param firstOffset    offset assigned to the first record (-1 when the request held no batch)
 * @param lastOffset     offset assigned to the last record
 * @param logAppendTime  the broker time stamped on the batches, -1 unless the topic uses LOG_APPEND_TIME
 * @param logStartOffset the log start offset after the append
 * @param recordCount    number of records appended (or, for a duplicate, in the original batch)
 * @param duplicate      true when an idempotent producer retried a batch already in the log; nothing was
 *                       appended and the offsets are those of the original
 * @param flushed        when the append crossed {@code flush.messages}: completes (on the log flusher's thread) once
 *                       the records are fsync'd, or fails with a {@code KafkaStorageException}; otherwise
 *                       {@link #NOTHING_TO_AWAIT}. An acknowledgement that promises durability waits for it.
 */
public record AppendResult(
        long firstOffset,
        long lastOffset,
        long logAppendTime,
        long logStartOffset,
        int recordCount,
        boolean duplicate,
        CompletableFuture<Void> flushed) {

    /** Already complete and shared by every append that does not wait (never complete or obtrude it). */
    public static final CompletableFuture<Void> NOTHING_TO_AWAIT = CompletableFuture.completedFuture(null);

    /** Whether the acknowledgement has to wait for {@link #flushed}. */
    public boolean awaitsFlush() {
        return flushed != NOTHING_TO_AWAIT;
    }
}
