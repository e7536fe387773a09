package io.runnel.storage;

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
 */
public record AppendResult(long firstOffset, long lastOffset, long logAppendTime, long logStartOffset,
                           int recordCount, boolean duplicate) {
}
