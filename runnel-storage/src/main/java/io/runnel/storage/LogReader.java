package io.runnel.storage;

import static io.runnel.storage.record.RecordBatchFlyweight.HEADER_SIZE;

import io.runnel.storage.log.LogSegment;
import io.runnel.storage.log.StorageIo;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Optional;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.apache.kafka.common.errors.OffsetOutOfRangeException;

/**
 * The reads of one {@link PartitionLog}: fetches, which take no lock and only look below the offsets the appender
 * published (see {@link PartitionLog}), and the timestamp lookups of ListOffsets, which take the append lock since
 * they read segment state that appends change.
 *
 * <p>Thread safety: {@link #read} runs on any number of threads at once, each with a scratch buffer of its own.
 */
final class LogReader {
    private static final ThreadLocal<ByteBuffer> READ_SCRATCH =
            ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(HEADER_SIZE));

    private final PartitionLog log;
    /** Made once: every read passes it. */
    private final StorageIo.FailureListener onReadFailure = this::onReadFailure;

    LogReader(final PartitionLog log) {
        this.log = log;
    }

    /** See {@link PartitionLog#read}. */
    LogSlice read(
            final long fetchOffset, final int maxBytes, final long maxOffsetExclusive, final boolean minOneBatch) {
        log.io.ensureOnline();
        final long end = log.logEndOffset;
        // The array before the start offset: retention publishes the new start before the shorter array, so a
        // reader that sees the shorter array also sees the start that excludes what it lost.
        final LogSegment[] segs = log.segments.array();
        final long start = log.logStartOffset;
        if (fetchOffset < start || fetchOffset > end) {
            throw new OffsetOutOfRangeException("Offset " + fetchOffset + " is out of range for " + log.topicPartition
                    + ": log start " + start + ", log end " + end);
        }
        if (fetchOffset == end || fetchOffset >= maxOffsetExclusive) {
            return LogSlice.empty();
        }
        // Never expose more than the log end offset read above, even if a newer batch is already in the file.
        final long bound = Math.min(maxOffsetExclusive, end);
        final ByteBuffer scratch = READ_SCRATCH.get();
        // an UncheckedIOException is a lazily opened index that could not be mapped, or one let go of at close
        return StorageIo.call(
                "reading",
                log.topicPartition,
                fetchOffset,
                () -> SegmentList.read(segs, fetchOffset, maxBytes, bound, minOneBatch, scratch),
                onReadFailure);
    }

    /**
     * A read takes no lock, so the log may close under it (its topic deleted, its directory failed): the closed
     * files then fail the read, which is no sign of a bad disk. Any other failure is one.
     */
    private void onReadFailure(final IOException cause) {
        if (log.closed) {
            throw new KafkaStorageException("Log of " + log.topicPartition + " closed while reading");
        }
        log.io.markOffline(cause);
    }

    /** See {@link PartitionLog#offsetForTimestamp}. */
    Optional<TimestampAndOffset> offsetForTimestamp(final long timestamp) {
        log.lock.lock();
        try {
            log.io.ensureOnline();
            final long start = log.logStartOffset;
            return log.io.call(
                    "searching " + log.topicPartition + " by timestamp",
                    () -> log.segments.findByTimestamp(timestamp, start, log.config.maxDecompressedMessageBytes()));
        } finally {
            log.lock.unlock();
        }
    }

    /** See {@link PartitionLog#maxTimestampOffset}. */
    Optional<TimestampAndOffset> maxTimestampOffset() {
        log.lock.lock();
        try {
            log.io.ensureOnline();
            return log.io.call(
                    "searching " + log.topicPartition + " for the max timestamp",
                    () -> log.segments.maxTimestampRecord(log.config.maxDecompressedMessageBytes()));
        } finally {
            log.lock.unlock();
        }
    }
}
