package io.runnel.storage;

import io.runnel.storage.log.LogLoader;
import io.runnel.storage.log.LogSegment;
import io.runnel.storage.retention.RetentionRules;
import java.util.List;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.apache.kafka.common.errors.OffsetOutOfRangeException;

/**
 * What takes records out of one {@link PartitionLog}: retention removes whole segments from the front, DeleteRecords
 * moves the log start offset up, truncation cuts the tail.
 *
 * <p>Retention removes segments from the front of the copy-on-write segment array, see {@link RetentionRules}. A
 * reader may still hold the old array, or a {@link LogSlice} of a removed segment that a fetch response is sending,
 * so removed segments are not closed here: they are handed back with their files renamed, for closing once
 * {@code file.delete.delay.ms} has passed. Truncation hands back the segments it removed in the same way.
 *
 * <p>Thread safety: every change is made under the log's append lock. Each publishes the new offsets so that a
 * lock-free reader never looks at what goes: retention the new start before the shorter array, truncation the new
 * end before it cuts.
 */
final class LogTrimming {

    private final PartitionLog log;

    LogTrimming(final PartitionLog log) {
        this.log = log;
    }

    /** See {@link PartitionLog#deleteOldSegments}. */
    List<LogSegment> deleteOldSegments(final long nowMs) {
        log.lock.lock();
        try {
            if (log.closed || log.isOffline()) {
                return List.of();
            }
            final LogConfig cfg = log.config;
            final long start = log.logStartOffset;
            final int count = log.io.call(
                    "applying retention to " + log.topicPartition,
                    () -> RetentionRules.deletableCount(log.segments.array(), cfg, start, nowMs));
            if (count == 0) {
                return List.of();
            }
            if (count == log.segments.count()) {
                log.appender.roll(nowMs, cfg);
            }
            log.logStartOffset = Math.max(log.logStartOffset, log.segments.array()[count].baseOffset());
            return log.io.call(
                    "renaming deleted segments of " + log.topicPartition, () -> log.segments.removeOldest(count));
        } finally {
            log.lock.unlock();
        }
    }

    /** See {@link PartitionLog#advanceLogStartOffset}. */
    long advanceLogStartOffset(final long offset) {
        log.lock.lock();
        try {
            log.ensureWritable();
            if (offset > log.logEndOffset) {
                throw new OffsetOutOfRangeException("Cannot delete records of " + log.topicPartition + " before offset "
                        + offset + ": the log ends at " + log.logEndOffset);
            }
            if (offset > log.logStartOffset) {
                log.logStartOffset = offset;
            }
            return log.logStartOffset;
        } finally {
            log.lock.unlock();
        }
    }

    /**
     * Drops every record at and above {@code offset} (Kafka's {@code UnifiedLog.truncateTo}, for a replica that
     * must give up a divergent tail): segments whose base offset is above it leave the log, the one holding it is
     * cut at the batch that holds it and becomes the active segment with its indexes rebuilt, producer state is
     * rebuilt from the newest snapshot at or below the new end, and the recovery point, the cleaner's first dirty
     * offset and the log start offset come down to the new end if they were above it. A log whose first segment
     * starts at or above {@code offset} is emptied and restarts at {@code offset}. Only whole batches are kept, as
     * in Kafka: an offset inside a batch truncates the whole batch, and the log then ends at its base offset. An
     * offset in a gap the cleaner left ends the log at {@code offset}, as Kafka's does; like Kafka's, a log reopened
     * before anything else was appended then ends after its last record again, or, when that is below the log start
     * offset (DeleteRecords moved it into the gap), restarts empty at its log start offset ({@code LogLoader}).
     * Nothing happens when {@code offset} is at or past the log end.
     *
     * @return the removed segments, renamed to {@code .deleted} but still open, for the caller to
     *         {@link LogSegment#closeAndDelete} after {@code file.delete.delay.ms} as with {@link #deleteOldSegments}
     * @throws KafkaStorageException disk failure (the log is then offline)
     */
    List<LogSegment> truncateTo(final long offset) {
        if (offset < 0) {
            throw new IllegalArgumentException(
                    "Cannot truncate " + log.topicPartition + " to negative offset " + offset);
        }
        log.lock.lock();
        try {
            log.ensureWritable();
            if (offset >= log.logEndOffset) {
                return List.of();
            }
            log.cleaning.truncating();
            final LogConfig cfg = log.config;
            final SegmentList segments = log.segments;
            final boolean emptied = offset <= segments.first().baseOffset();
            // readers first stop looking at what goes: they never read at or past the published end
            log.logEndOffset = Math.max(offset, segments.first().baseOffset());
            final SegmentList.Truncated truncated =
                    log.io.call("truncating " + log.topicPartition + " to offset " + offset, () -> {
                        final SegmentList.Truncated cut = segments.truncateTo(log.dir, offset, cfg, log.clock.millis());
                        LogLoader.rebuildProducerState(List.of(segments.array()), cut.endOffset(), log.producers);
                        return cut;
                    });
            final long end = truncated.endOffset();
            if (emptied) {
                log.logStartOffset = offset;
            }
            log.logEndOffset = end;
            log.logStartOffset = Math.min(log.logStartOffset, end);
            log.flushState.lowerRecoveryPointTo(end);
            log.cleaning.truncatedTo(end);
            return truncated.removed();
        } finally {
            log.lock.unlock();
        }
    }
}
