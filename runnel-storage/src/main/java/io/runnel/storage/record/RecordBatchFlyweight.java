package io.runnel.storage.record;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;

/**
 * Flyweight over the fixed 61-byte header of a magic v2 record batch, read and written in place with
 * absolute big-endian accesses (the buffer's position and limit are never changed, except briefly
 * and restored by {@link #computeCrc}).
 *
 * <pre>
 *  offset  size  field
 *       0     8  baseOffset            (rewritten by the broker, not covered by the CRC)
 *       8     4  batchLength           (bytes after this field, so batch size = batchLength + 12)
 *      12     4  partitionLeaderEpoch  (rewritten by the broker, not covered by the CRC)
 *      16     1  magic                 (2)
 *      17     4  crc                   (CRC-32C of attributes .. end of batch)
 *      21     2  attributes            (bits 0-2 compression, 3 timestamp type, 4 transactional, 5 control)
 *      23     4  lastOffsetDelta
 *      27     8  baseTimestamp
 *      35     8  maxTimestamp
 *      43     8  producerId
 *      51     2  producerEpoch
 *      53     4  baseSequence
 *      57     4  recordCount
 *      61     .. records
 * </pre>
 *
 * @see <a href="https://kafka.apache.org/documentation/#recordbatch">Kafka record batch format</a>
 */
public final class RecordBatchFlyweight {

    public static final int BASE_OFFSET_OFFSET = 0;
    public static final int BATCH_LENGTH_OFFSET = 8;
    public static final int PARTITION_LEADER_EPOCH_OFFSET = 12;
    public static final int MAGIC_OFFSET = 16;
    public static final int CRC_OFFSET = 17;
    public static final int ATTRIBUTES_OFFSET = 21;
    public static final int LAST_OFFSET_DELTA_OFFSET = 23;
    public static final int BASE_TIMESTAMP_OFFSET = 27;
    public static final int MAX_TIMESTAMP_OFFSET = 35;
    public static final int PRODUCER_ID_OFFSET = 43;
    public static final int PRODUCER_EPOCH_OFFSET = 51;
    public static final int BASE_SEQUENCE_OFFSET = 53;
    public static final int RECORD_COUNT_OFFSET = 57;
    public static final int HEADER_SIZE = 61;
    /** baseOffset + batchLength: the bytes not counted by batchLength. */
    public static final int LOG_OVERHEAD = 12;

    public static final byte MAGIC_V2 = 2;
    public static final short TIMESTAMP_TYPE_MASK = 0x08;
    public static final short TRANSACTIONAL_MASK = 0x10;
    public static final short CONTROL_MASK = 0x20;
    public static final int COMPRESSION_CODEC_MASK = 0x07;
    /** Where the records start: right after the header. */
    public static final int RECORDS_OFFSET = HEADER_SIZE;

    private ByteBuffer buffer;
    private int offset;

    /** Points this flyweight at the batch starting at absolute index {@code offset} of a big-endian buffer. */
    public RecordBatchFlyweight wrap(final ByteBuffer buffer, final int offset) {
        assert buffer.order() == ByteOrder.BIG_ENDIAN : "record batches are big-endian";
        this.buffer = buffer;
        this.offset = offset;
        return this;
    }

    public int offset() {
        return offset;
    }

    public long baseOffset() {
        return buffer.getLong(offset + BASE_OFFSET_OFFSET);
    }

    public RecordBatchFlyweight baseOffset(final long value) {
        buffer.putLong(offset + BASE_OFFSET_OFFSET, value);
        return this;
    }

    public int batchLength() {
        return buffer.getInt(offset + BATCH_LENGTH_OFFSET);
    }

    /** Whole batch size in bytes (batchLength + 12). */
    public int sizeInBytes() {
        return batchLength() + LOG_OVERHEAD;
    }

    public int partitionLeaderEpoch() {
        return buffer.getInt(offset + PARTITION_LEADER_EPOCH_OFFSET);
    }

    public RecordBatchFlyweight partitionLeaderEpoch(final int value) {
        buffer.putInt(offset + PARTITION_LEADER_EPOCH_OFFSET, value);
        return this;
    }

    public byte magic() {
        return buffer.get(offset + MAGIC_OFFSET);
    }

    public int crc() {
        return buffer.getInt(offset + CRC_OFFSET);
    }

    public RecordBatchFlyweight crc(final int value) {
        buffer.putInt(offset + CRC_OFFSET, value);
        return this;
    }

    public short attributes() {
        return buffer.getShort(offset + ATTRIBUTES_OFFSET);
    }

    public RecordBatchFlyweight attributes(final short value) {
        buffer.putShort(offset + ATTRIBUTES_OFFSET, value);
        return this;
    }

    public int lastOffsetDelta() {
        return buffer.getInt(offset + LAST_OFFSET_DELTA_OFFSET);
    }

    public long lastOffset() {
        return baseOffset() + lastOffsetDelta();
    }

    public long baseTimestamp() {
        return buffer.getLong(offset + BASE_TIMESTAMP_OFFSET);
    }

    public long maxTimestamp() {
        return buffer.getLong(offset + MAX_TIMESTAMP_OFFSET);
    }

    public RecordBatchFlyweight maxTimestamp(final long value) {
        buffer.putLong(offset + MAX_TIMESTAMP_OFFSET, value);
        return this;
    }

    public long producerId() {
        return buffer.getLong(offset + PRODUCER_ID_OFFSET);
    }

    public short producerEpoch() {
        return buffer.getShort(offset + PRODUCER_EPOCH_OFFSET);
    }

    public int baseSequence() {
        return buffer.getInt(offset + BASE_SEQUENCE_OFFSET);
    }

    /** Last sequence of the batch, wrapping past {@link Integer#MAX_VALUE} to 0 as producers do. */
    public int lastSequence() {
        return incrementSequence(baseSequence(), lastOffsetDelta());
    }

    public int recordCount() {
        return buffer.getInt(offset + RECORD_COUNT_OFFSET);
    }

    /** CRC-32C of attributes .. end of batch; the batch must lie wholly inside the buffer. */
    public int computeCrc(final CRC32C crc) {
        return crc32c(crc, buffer, offset + ATTRIBUTES_OFFSET, offset + sizeInBytes());
    }

    public boolean isCrcValid(final CRC32C crc) {
        return computeCrc(crc) == crc();
    }

    public int compressionCodec() {
        return attributes() & COMPRESSION_CODEC_MASK;
    }

    /**
     * For an uncompressed batch: whether its records, each a varint length and that many bytes, are exactly
     * {@link #recordCount()} and exactly fill the batch. Reads one varint per record and allocates nothing.
     */
    public boolean recordsFillBatch() {
        final int end = offset + sizeInBytes();
        int position = offset + RECORDS_OFFSET;
        for (int i = recordCount(); i > 0; i--) {
            // zig-zag varint, at most 5 bytes
            int raw = 0;
            int shift = 0;
            byte b;
            do {
                if (position >= end || shift > 28) {
                    return false;
                }
                b = buffer.get(position++);
                raw |= (b & 0x7f) << shift;
                shift += 7;
            } while (b < 0);
            final int length = (raw >>> 1) ^ -(raw & 1);
            if (length < 0 || length > end - position) {
                return false;
            }
            position += length;
        }
        return position == end;
    }

    public static int incrementSequence(final int sequence, final int increment) {
        if (sequence > Integer.MAX_VALUE - increment) {
            return increment - (Integer.MAX_VALUE - sequence) - 1;
        }
        return sequence + increment;
    }

    /** CRC-32C of buffer[from, to); the buffer's position and limit are restored before returning. */
    public static int crc32c(final CRC32C crc, final ByteBuffer buffer, final int from, final int to) {
        final int position = buffer.position();
        final int limit = buffer.limit();
        try {
            buffer.limit(to);
            buffer.position(from);
            crc.reset();
            crc.update(buffer);
            return (int) crc.getValue();
        } finally {
            buffer.limit(limit);
            buffer.position(position);
        }
    }
}
