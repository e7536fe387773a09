package io.runnel.storage.record;

import static io.runnel.storage.record.RecordBatchFlyweight.HEADER_SIZE;
import static io.runnel.storage.record.RecordBatchFlyweight.LOG_OVERHEAD;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.zip.CRC32C;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.errors.CorruptRecordException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.UnsupportedForMessageFormatException;

/**
 * Checks the magic v2 record batches of a request before anything of it is written: every batch's 61-byte header
 * through a flyweight (length, magic 2, size against {@code max.message.bytes}, CRC-32C, record count against the
 * last offset delta) and, for an uncompressed batch, that its records exactly fill it. Pure over the buffer: it
 * knows nothing of a log, so a leader's and a follower's append can both use it.
 *
 * <p>Not thread-safe: it keeps its scratch (the flyweight, the CRC and the batch start positions) between calls,
 * so each appender owns one and uses it under its own lock.
 */
public final class BatchValidator {

    private final RecordBatchFlyweight batch = new RecordBatchFlyweight();
    private final CRC32C crc = new CRC32C();
    private int[] batchStarts = new int[8];

    /**
     * Checks every batch in {@code buffer} (big-endian, position to limit); the buffer is not changed.
     *
     * @return the number of batches; {@link #batchStarts()} holds where each starts
     * @throws CorruptRecordException               short, inconsistent or trailing bytes, or a CRC mismatch
     * @throws UnsupportedForMessageFormatException magic other than 2
     * @throws RecordTooLargeException              a batch larger than {@code maxMessageBytes}
     * @throws InvalidRecordException               record count and last offset delta disagree
     */
    public int validate(final ByteBuffer buffer, final int maxMessageBytes) {
        final int limit = buffer.limit();
        int position = buffer.position();
        int count = 0;
        while (position < limit) {
            final int remaining = limit - position;
            if (remaining < LOG_OVERHEAD) {
                throw new CorruptRecordException("Record batch at byte " + (position - buffer.position())
                        + " is truncated: only " + remaining + " bytes left");
            }
            batch.wrap(buffer, position);
            final long size = (long) batch.batchLength() + LOG_OVERHEAD;
            if (size > remaining || size < RecordBatchFlyweight.MAGIC_OFFSET + 1) {
                throw new CorruptRecordException("Record batch length " + batch.batchLength() + " does not match the "
                        + remaining + " bytes left");
            }
            if (batch.magic() != RecordBatchFlyweight.MAGIC_V2) {
                throw new UnsupportedForMessageFormatException(
                        "Record batch magic " + batch.magic() + " is not supported; only magic 2 is accepted");
            }
            if (size < HEADER_SIZE) {
                throw new CorruptRecordException("Record batch of " + size + " bytes is shorter than its header");
            }
            if (size > maxMessageBytes) {
                throw new RecordTooLargeException(
                        "Record batch of " + size + " bytes exceeds max.message.bytes " + maxMessageBytes);
            }
            if (!batch.isCrcValid(crc)) {
                throw new CorruptRecordException(
                        "Record batch CRC mismatch (stored " + Integer.toUnsignedString(batch.crc()) + ")");
            }
            final int recordCount = batch.recordCount();
            if (recordCount < 1 || batch.lastOffsetDelta() != recordCount - 1) {
                throw new InvalidRecordException("Record batch has record count " + recordCount
                        + " but last offset delta " + batch.lastOffsetDelta());
            }
            // Uncompressed records are checked to add up to the batch (cheap: one varint each). Compressed ones
            // are not decompressed here: that is the cost Runnel's produce path avoids (docs/architecture.md).
            if (batch.compressionCodec() == 0 && !batch.recordsFillBatch()) {
                throw new CorruptRecordException("Record batch declares " + recordCount
                        + " records that do not exactly fill its " + size + " bytes");
            }
            if (count == batchStarts.length) {
                batchStarts = Arrays.copyOf(batchStarts, count * 2);
            }
            batchStarts[count++] = position;
            position += (int) size;
        }
        return count;
    }

    /**
     * Where each batch the last {@link #validate} passed starts (absolute buffer indexes, the first
     * {@code count} entries); the array is reused by the next call.
     */
    public int[] batchStarts() {
        return batchStarts;
    }
}
