package io.runnel.storage;

import io.runnel.storage.log.LogSegment;
import io.runnel.storage.producer.ProducerSequenceCheck;
import io.runnel.storage.record.BatchValidator;
import io.runnel.storage.record.CompactedRecordKeys;
import io.runnel.storage.record.RecordBatchFlyweight;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.CompletableFuture;
import java.util.zip.CRC32C;
import org.apache.kafka.common.record.TimestampType;

/**
 * The append path of one {@link PartitionLog}, and its rolls. No per-record work unless the topic is compacted,
 * where every record must have a key; no copies besides the one write to the file: every batch's 61-byte header is
 * checked through a flyweight (length, magic 2, size, CRC-32C, record count; {@link BatchValidator}) before
 * anything is written, idempotent producers' sequences are checked ({@link ProducerSequenceCheck}), then base offset
 * and partition leader epoch (not covered by the CRC) are rewritten in place (plus max timestamp and CRC for
 * LOG_APPEND_TIME topics) and the whole request is written with one positional write. The log end offset is
 * published last, after the bytes and their index entries, see {@link PartitionLog}.
 *
 * <p>Thread safety: called under the log's append lock only; its flyweight, CRC and validator are reused by every
 * append.
 */
final class LogAppender {

    /** An append's outcome, and whether the log must ask its flusher for a flush (outside the append lock). */
    record Appended(AppendResult result, boolean askFlusher) {}

    private final PartitionLog log;
    private final RecordBatchFlyweight batch = new RecordBatchFlyweight();
    private final CRC32C crc = new CRC32C();
    private final BatchValidator validator = new BatchValidator();
    private final ProducerSequenceCheck sequences;

    LogAppender(final PartitionLog log) {
        this.log = log;
        this.sequences = new ProducerSequenceCheck(log.producers);
    }

    /** {@code records} as a big-endian buffer whose bytes may be rewritten (a copy if it was read-only). */
    static ByteBuffer writable(final ByteBuffer records) {
        final ByteBuffer buffer = records.order() == ByteOrder.BIG_ENDIAN
                ? records
                : records.duplicate().order(ByteOrder.BIG_ENDIAN);
        if (!buffer.isReadOnly()) {
            return buffer;
        }
        final ByteBuffer copy = ByteBuffer.allocate(buffer.remaining());
        copy.put(buffer.duplicate()).flip();
        return copy;
    }

    /** The body of {@link PartitionLog#appendAsLeader}, on a writable log under its append lock. */
    Appended append(final ByteBuffer buffer, final int leaderEpoch) {
        final LogConfig cfg = log.config;
        final int count = validator.validate(buffer, cfg.maxMessageBytes());
        final int[] batchStarts = validator.batchStarts();
        if (count == 0) {
            return new Appended(
                    new AppendResult(-1, -1, -1, log.logStartOffset, 0, false, AppendResult.NOTHING_TO_AWAIT), false);
        }
        if (cfg.compacted()) {
            CompactedRecordKeys.requireKeys(buffer, log.topicPartition, cfg.maxDecompressedMessageBytes());
        }
        final ProducerSequenceCheck.Duplicate duplicate = sequences.check(buffer, batchStarts, count);
        if (duplicate != null) {
            final long appendTime = cfg.timestampType() == TimestampType.LOG_APPEND_TIME ? duplicate.timestamp() : -1;
            // as in Kafka, a retry is answered at once, without waiting for the original's flush
            return new Appended(
                    new AppendResult(
                            duplicate.firstOffset(),
                            duplicate.lastOffset(),
                            appendTime,
                            log.logStartOffset,
                            duplicate.recordCount(),
                            true,
                            AppendResult.NOTHING_TO_AWAIT),
                    false);
        }
        final long now = log.clock.millis();
        final long firstOffset = log.logEndOffset;
        final boolean logAppendTime = cfg.timestampType() == TimestampType.LOG_APPEND_TIME;
        long nextOffset = firstOffset;
        int recordCount = 0;
        for (int i = 0; i < count; i++) {
            batch.wrap(buffer, batchStarts[i]);
            batch.baseOffset(nextOffset).partitionLeaderEpoch(leaderEpoch);
            if (logAppendTime) {
                batch.attributes((short) (batch.attributes() | RecordBatchFlyweight.TIMESTAMP_TYPE_MASK))
                        .maxTimestamp(now);
                batch.crc(batch.computeCrc(crc));
            }
            nextOffset += batch.lastOffsetDelta() + 1L;
            recordCount += batch.recordCount();
        }
        final boolean rolled = log.segments.rollDue(buffer.remaining(), nextOffset - 1, now, cfg);
        final LogSegment segment = rolled ? roll(now, cfg) : log.segments.active();
        log.io.run(
                "appending to",
                -1,
                () -> segment.append(buffer, batchStarts, count, batch, cfg.indexIntervalBytes(), now));
        sequences.recordAppended(buffer, batchStarts, count);
        log.logEndOffset = nextOffset;
        final FlushState flushState = log.flushState;
        final CompletableFuture<Void> flushed = flushState.awaitIfDue(recordCount, nextOffset - 1, cfg);
        final boolean askFlusher = flushState.request(flushed != AppendResult.NOTHING_TO_AWAIT
                || rolled
                || (cfg.flushIntervalMs() != Long.MAX_VALUE
                        && now - flushState.lastFlushMs() >= cfg.flushIntervalMs()));
        return new Appended(
                new AppendResult(
                        firstOffset,
                        nextOffset - 1,
                        logAppendTime ? now : -1,
                        log.logStartOffset,
                        recordCount,
                        false,
                        flushed),
                askFlusher);
    }

    /** Seals the active segment and publishes a new one at the log end offset; under the append lock. */
    LogSegment roll(final long now, final LogConfig cfg) {
        final long newBase = log.logEndOffset;
        return log.io.call("rolling a new segment of " + log.topicPartition + " at offset " + newBase, () -> {
            log.segments.active().onRolled();
            log.producers.writeSnapshot(newBase);
            // the recovery point stays: the old segment is fsync'd by the flush the append asks for
            return log.segments.roll(log.dir, newBase, cfg.segmentIndexBytes(), now);
        });
    }
}
