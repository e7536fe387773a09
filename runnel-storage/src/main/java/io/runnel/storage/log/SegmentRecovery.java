package io.runnel.storage.log;

import static io.runnel.storage.record.RecordBatchFlyweight.HEADER_SIZE;
import static io.runnel.storage.record.RecordBatchFlyweight.LOG_OVERHEAD;

import io.runnel.storage.record.RecordBatchFlyweight;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.zip.CRC32C;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads what a {@link LogSegment} knows of its batches (last offset, max timestamp, index-interval count) from its
 * files: a trusting load after a clean shutdown steps over the batch headers after the last index entry, and a
 * recovery scans every batch, truncates the log file at the first bad one and rebuilds both indexes from the rest,
 * and a segment opened trusted without being read learns its max timestamp at its first use. The log file is the
 * truth; the indexes are derived from it.
 *
 * <p>Thread safety: runs while the log opens, or under the partition's append lock (truncation, the cleaner's swap),
 * on the segment's fields directly; the lazy timestamp load on any thread, once, under the segment's monitor.
 */
final class SegmentRecovery {

    private static final Logger LOG = LoggerFactory.getLogger(SegmentRecovery.class);

    private SegmentRecovery() {}

    /** See {@link LogSegment#loadTrusted}. */
    static void loadTrusted(
            final LogSegment segment, final int indexIntervalBytes, final int maxIndexSize, final boolean active)
            throws IOException {
        final int fileSize = segment.size;
        if (!segment.indexFilesExisted || !segment.offsetIndex.isSane(fileSize)) {
            LOG.warn("Rebuilding indexes of {} (missing or not matching the log)", segment.logFile);
            recover(segment, Integer.MAX_VALUE, indexIntervalBytes, maxIndexSize, active, false);
            return;
        }
        final ByteBuffer header = ByteBuffer.allocate(HEADER_SIZE);
        final RecordBatchFlyweight batch = new RecordBatchFlyweight();
        segment.maxTimestamp = segment.timeIndex.lastTimestamp();
        segment.offsetOfMaxTimestamp = segment.timeIndex.lastOffset();
        int position = segment.offsetIndex.lastPosition();
        // The batch at the last index entry restarted the byte count, so summing from it gives the count.
        segment.bytesSinceLastIndexEntry = 0;
        while (position < fileSize) {
            if (!SegmentReads.readFully(segment.channel, header, position, HEADER_SIZE)) {
                break;
            }
            batch.wrap(header, 0);
            final int batchSize = batch.sizeInBytes();
            if (batchSize < HEADER_SIZE || (long) position + batchSize > fileSize) {
                LOG.warn("Trusted segment {} has a bad batch at position {}; rebuilding", segment.logFile, position);
                recover(segment, Integer.MAX_VALUE, indexIntervalBytes, maxIndexSize, active, false);
                return;
            }
            if (batch.maxTimestamp() > segment.maxTimestamp) {
                segment.maxTimestamp = batch.maxTimestamp();
                segment.offsetOfMaxTimestamp = batch.baseOffset();
            }
            segment.bytesSinceLastIndexEntry += batchSize;
            segment.lastOffset = batch.lastOffset();
            position += batchSize;
        }
        if (!segment.timeIndex.isSane(segment.lastOffset + 1)) {
            LOG.warn("Rebuilding indexes of {} (time index does not match the log)", segment.logFile);
            recover(segment, Integer.MAX_VALUE, indexIntervalBytes, maxIndexSize, active, false);
            return;
        }
        if (active) {
            segment.rollingBasedTimestampMs =
                    SegmentReads.firstBatchMaxTimestamp(segment.channel, segment.size, header, batch);
        }
    }

    /** See {@link LogSegment#recover}. */
    static int recover(
            final LogSegment segment,
            final int maxBatchSize,
            final int indexIntervalBytes,
            final int maxIndexSize,
            final boolean active,
            final boolean validateCrc)
            throws IOException {
        segment.offsetIndex.reset();
        segment.timeIndex.reset();
        segment.offsetIndex.ensureCapacity(maxIndexSize);
        segment.timeIndex.ensureCapacity(maxIndexSize);
        final long baseOffset = segment.baseOffset();
        segment.lastOffset = baseOffset - 1;
        segment.maxTimestamp = RecordBatch.NO_TIMESTAMP;
        segment.offsetOfMaxTimestamp = -1;
        // the scan below learns them (a lazily opened segment that truncation makes active again)
        segment.timestampsLoaded = true;
        segment.bytesSinceLastIndexEntry = 0;
        final int fileSize = (int) segment.channel.size();
        final RecordBatchFlyweight batch = new RecordBatchFlyweight();
        final CRC32C crc = new CRC32C();
        ByteBuffer buffer = ByteBuffer.allocate(HEADER_SIZE);
        int position = 0;
        long firstMaxTimestamp = -1;
        while (position < fileSize) {
            if (fileSize - position < HEADER_SIZE
                    || !SegmentReads.readFully(segment.channel, buffer, position, HEADER_SIZE)) {
                break;
            }
            batch.wrap(buffer, 0);
            final int batchLength = batch.batchLength();
            final long batchSize = (long) batchLength + LOG_OVERHEAD;
            if (batchSize < HEADER_SIZE
                    || batchSize > maxBatchSize
                    || position + batchSize > fileSize
                    || batch.magic() != RecordBatchFlyweight.MAGIC_V2
                    || batch.baseOffset() <= segment.lastOffset
                    || batch.lastOffsetDelta() < 0
                    || batch.baseOffset() < baseOffset
                    || batch.lastOffset() - baseOffset > Integer.MAX_VALUE) {
                break;
            }
            if (validateCrc) {
                if (buffer.capacity() < batchSize) {
                    buffer = ByteBuffer.allocate((int) Math.max(batchSize, buffer.capacity() * 2L));
                }
                if (!SegmentReads.readFully(segment.channel, buffer, position, (int) batchSize)) {
                    break;
                }
                batch.wrap(buffer, 0);
                if (!batch.isCrcValid(crc)) {
                    break;
                }
            }
            if (position == 0) {
                firstMaxTimestamp = batch.maxTimestamp();
            }
            segment.onBatch(
                    position,
                    (int) batchSize,
                    batch.baseOffset(),
                    batch.lastOffset(),
                    batch.maxTimestamp(),
                    indexIntervalBytes);
            position += (int) batchSize;
        }
        final int truncated = fileSize - position;
        if (truncated > 0) {
            LOG.warn(
                    "Truncating {} at position {}: {} bytes after the last valid batch",
                    segment.logFile,
                    position,
                    truncated);
            segment.channel.truncate(position);
        }
        segment.size = position;
        segment.rollingBasedTimestampMs = active ? firstMaxTimestamp : -1;
        if (!active) {
            segment.onRolled();
            segment.flush();
        }
        return truncated;
    }

    /**
     * Learns the max timestamp of a segment whose time index has no entry (no record has a timestamp, or the index
     * did not match the log and is ignored) from its batch headers.
     */
    private static void scanMaxTimestamp(final LogSegment segment) {
        final ByteBuffer header = ByteBuffer.allocate(HEADER_SIZE);
        final RecordBatchFlyweight batch = new RecordBatchFlyweight();
        final int size = segment.size;
        int position = 0;
        try {
            while (position + HEADER_SIZE <= size
                    && SegmentReads.readFully(segment.channel, header, position, HEADER_SIZE)) {
                batch.wrap(header, 0);
                if (batch.maxTimestamp() > segment.maxTimestamp) {
                    segment.maxTimestamp = batch.maxTimestamp();
                    segment.offsetOfMaxTimestamp = batch.baseOffset();
                }
                position += batch.sizeInBytes();
            }
        } catch (final IOException e) {
            throw new UncheckedIOException("reading the timestamps of " + segment.logFile, e);
        }
    }

    /**
     * Lets a segment from {@link SegmentFiles#openTrusted} learn its max timestamp, at its first use, from the time
     * index or, when that has no entry, from its batches. Any thread: once under the segment's monitor.
     */
    static void loadTimestamps(final LogSegment segment) {
        if (segment.timestampsLoaded) {
            return;
        }
        synchronized (segment) {
            if (segment.timestampsLoaded) {
                return;
            }
            if (segment.timeIndex.entries() > 0) {
                segment.maxTimestamp = segment.timeIndex.lastTimestamp();
                segment.offsetOfMaxTimestamp = segment.timeIndex.lastOffset();
            } else {
                // no record has a timestamp, or the time index did not match the log and is ignored
                scanMaxTimestamp(segment);
            }
            segment.timestampsLoaded = true;
        }
    }

    /** Makes a segment that was loaded as inactive the active one again (recovery truncated everything after it). */
    static void reactivate(final LogSegment segment, final int maxIndexSize) throws IOException {
        segment.offsetIndex.ensureCapacity(maxIndexSize);
        segment.timeIndex.ensureCapacity(maxIndexSize);
        segment.rollingBasedTimestampMs = segment.firstBatchTimestamp();
    }
}
