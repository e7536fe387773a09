package io.runnel.storage.log;

import static io.runnel.storage.record.RecordBatchFlyweight.HEADER_SIZE;
import static io.runnel.storage.record.RecordBatchFlyweight.LOG_OVERHEAD;

import io.runnel.storage.TimestampAndOffset;
import io.runnel.storage.record.BoundedRecords;
import io.runnel.storage.record.RecordBatchFlyweight;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.Optional;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.utils.internals.CloseableIterator;

/**
 * The searches of one {@link LogSegment}'s log file: the batch that holds an offset (from the offset index's floor
 * entry on), how much of the file a fetch sends from there, and the records ListOffsets asks for by timestamp. They
 * step from batch header to batch header and only decode a batch's records when a timestamp search needs them.
 *
 * <p>Thread safety: the batch searches are safe beside an append, since they only look at bytes below the segment's
 * published size; the timestamp searches read its max timestamp, which appends change, so they run under the
 * partition's append lock.
 */
final class SegmentReads {

    private SegmentReads() {}

    /** See {@link LogSegment#findBatchPosition}. */
    static int findBatchPosition(final LogSegment segment, final long offset, final ByteBuffer scratch)
            throws IOException {
        final int end = segment.size();
        int position = segment.offsetIndex().lookup(offset);
        while (position + HEADER_SIZE <= end) {
            if (!readFully(segment.channel(), scratch, position, HEADER_SIZE)) {
                return -1;
            }
            final long batchBase = scratch.getLong(RecordBatchFlyweight.BASE_OFFSET_OFFSET);
            final int batchSize = scratch.getInt(RecordBatchFlyweight.BATCH_LENGTH_OFFSET) + LOG_OVERHEAD;
            final int delta = scratch.getInt(RecordBatchFlyweight.LAST_OFFSET_DELTA_OFFSET);
            if (batchBase + delta >= offset) {
                return position;
            }
            position += batchSize;
        }
        return -1;
    }

    /** See {@link LogSegment#sliceLength}. */
    static int sliceLength(
            final LogSegment segment,
            final int position,
            final int maxBytes,
            final long maxOffsetExclusive,
            final boolean minOneBatch,
            final ByteBuffer scratch)
            throws IOException {
        final int end = segment.size();
        int length = 0;
        int cursor = position;
        while (cursor + HEADER_SIZE <= end) {
            if (!readFully(segment.channel(), scratch, cursor, HEADER_SIZE)) {
                break;
            }
            final long batchBase = scratch.getLong(RecordBatchFlyweight.BASE_OFFSET_OFFSET);
            final int batchSize = scratch.getInt(RecordBatchFlyweight.BATCH_LENGTH_OFFSET) + LOG_OVERHEAD;
            if (batchBase >= maxOffsetExclusive || cursor + batchSize > end) {
                break;
            }
            if ((long) length + batchSize > maxBytes) {
                if (length == 0 && minOneBatch) {
                    length = batchSize;
                } else if (length > 0) {
                    // Fill the budget with the start of the next batch, as Kafka does: clients keep the whole
                    // batches and fetch the cut one again, so each round trip carries the full maxBytes. The
                    // batch is wholly in the file and below the bound, so these bytes are committed data.
                    length = maxBytes;
                }
                break;
            }
            length += batchSize;
            cursor += batchSize;
        }
        return length;
    }

    /** See {@link LogSegment#findByTimestamp}. */
    static Optional<TimestampAndOffset> findByTimestamp(
            final LogSegment segment, final long timestamp, final long minOffset, final int maxRecordBytes)
            throws IOException {
        if (segment.maxTimestamp() < timestamp) {
            return Optional.empty();
        }
        final long startOffset = Math.max(segment.timeIndex().lookup(timestamp), minOffset);
        int position = segment.offsetIndex().lookup(startOffset);
        final int end = segment.size();
        final ByteBuffer header = ByteBuffer.allocate(HEADER_SIZE);
        while (position + HEADER_SIZE <= end) {
            if (!readFully(segment.channel(), header, position, HEADER_SIZE)) {
                break;
            }
            final int batchSize = header.getInt(RecordBatchFlyweight.BATCH_LENGTH_OFFSET) + LOG_OVERHEAD;
            final long lastOffset = header.getLong(RecordBatchFlyweight.BASE_OFFSET_OFFSET)
                    + header.getInt(RecordBatchFlyweight.LAST_OFFSET_DELTA_OFFSET);
            if (lastOffset >= minOffset && header.getLong(RecordBatchFlyweight.MAX_TIMESTAMP_OFFSET) >= timestamp) {
                final Optional<TimestampAndOffset> found =
                        scanBatch(segment, position, batchSize, timestamp, minOffset, false, maxRecordBytes);
                if (found.isPresent()) {
                    return found;
                }
            }
            position += batchSize;
        }
        return Optional.empty();
    }

    /** See {@link LogSegment#maxTimestampRecord}. */
    static Optional<TimestampAndOffset> maxTimestampRecord(final LogSegment segment, final int maxRecordBytes)
            throws IOException {
        final long offsetOfMaxTimestamp = segment.offsetOfMaxTimestamp();
        if (offsetOfMaxTimestamp < 0) {
            return Optional.empty();
        }
        final int position = findBatchPosition(segment, offsetOfMaxTimestamp, ByteBuffer.allocate(HEADER_SIZE));
        if (position < 0) {
            return Optional.empty();
        }
        final ByteBuffer header = ByteBuffer.allocate(HEADER_SIZE);
        readFully(segment.channel(), header, position, HEADER_SIZE);
        final int batchSize = header.getInt(RecordBatchFlyweight.BATCH_LENGTH_OFFSET) + LOG_OVERHEAD;
        return scanBatch(segment, position, batchSize, segment.maxTimestamp(), Long.MIN_VALUE, true, maxRecordBytes);
    }

    private static Optional<TimestampAndOffset> scanBatch(
            final LogSegment segment,
            final int position,
            final int batchSize,
            final long timestamp,
            final long minOffset,
            final boolean exact,
            final int maxRecordBytes)
            throws IOException {
        final ByteBuffer bytes = ByteBuffer.allocate(batchSize);
        if (!readFully(segment.channel(), bytes, position, batchSize)) {
            return Optional.empty();
        }
        final int leaderEpoch = bytes.getInt(RecordBatchFlyweight.PARTITION_LEADER_EPOCH_OFFSET);
        // a record at a time, each within max.decompressed.message.bytes: Kafka's iterator would hold them all
        try (CloseableIterator<Record> records = BoundedRecords.iterator(bytes, maxRecordBytes)) {
            while (records.hasNext()) {
                final Record record = records.next();
                final boolean match = record.offset() >= minOffset
                        && (exact ? record.timestamp() == timestamp : record.timestamp() >= timestamp);
                if (match) {
                    return Optional.of(new TimestampAndOffset(record.timestamp(), record.offset(), leaderEpoch));
                }
            }
        }
        return Optional.empty();
    }

    /** The max timestamp of the segment's first batch, or -1 when it has none (below {@code size} bytes). */
    static long firstBatchMaxTimestamp(
            final FileChannel channel, final int size, final ByteBuffer header, final RecordBatchFlyweight batch)
            throws IOException {
        if (size < HEADER_SIZE || !readFully(channel, header, 0, HEADER_SIZE)) {
            return -1;
        }
        return batch.wrap(header, 0).maxTimestamp();
    }

    /** Reads exactly {@code length} bytes at {@code position} into {@code buffer[0, length)}; false at EOF. */
    static boolean readFully(final FileChannel channel, final ByteBuffer buffer, final int position, final int length)
            throws IOException {
        buffer.clear().limit(length);
        long filePosition = position;
        while (buffer.hasRemaining()) {
            final int read = channel.read(buffer, filePosition);
            if (read < 0) {
                return false;
            }
            filePosition += read;
        }
        buffer.flip();
        return true;
    }
}
