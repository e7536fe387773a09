package io.runnel.storage.record;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.NoSuchElementException;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.internal.CompressionType;
import org.apache.kafka.common.record.internal.DefaultRecord;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.utils.internals.BufferSupplier;
import org.apache.kafka.common.utils.internals.ByteUtils;
import org.apache.kafka.common.utils.internals.CloseableIterator;

/**
 * The records of one magic v2 batch, each compressed record refused before it is read if its size exceeds
 * {@code max.decompressed.message.bytes} (Kafka 4.4's per-record limit, enforced where the broker decompresses:
 * the compacted-key check of produce, compaction and lookups by timestamp).
 *
 * <p>kafka-clients' own streaming iterator allocates whatever size a record declares before reading it, so a
 * batch of a few hundred kilobytes can make the broker allocate gigabytes (gzip expands zeros a thousandfold).
 * Here records come out of the decompressing stream one at a time: each one's size is read, checked against the
 * limit and only then allocated, so at most one record of at most the limit is held, whatever the batch expands
 * to. The message is Kafka 4.4's ({@code DefaultRecord.readFrom}), the exception its {@link InvalidRecordException}
 * (INVALID_RECORD). Uncompressed records are not limited, as in Kafka: their batch, already in memory, bounds them.
 */
public final class BoundedRecords {

    private BoundedRecords() {}

    /**
     * @param batch the batch's bytes, from its position (the batch's first byte) to its limit (its last)
     * @param maxRecordBytes the largest record body a compressed batch may hold
     */
    public static CloseableIterator<Record> iterator(final ByteBuffer batch, final int maxRecordBytes) {
        final RecordBatchFlyweight header = new RecordBatchFlyweight().wrap(batch, batch.position());
        if (header.compressionCodec() == CompressionType.NONE.id) {
            return MemoryRecords.readableRecords(batch.duplicate())
                    .batches()
                    .iterator()
                    .next()
                    .streamingIterator(BufferSupplier.NO_CACHING);
        }
        return new Decompressing(header, batch, maxRecordBytes);
    }

    private static final class Decompressing implements CloseableIterator<Record> {
        private final InputStream in;
        private final int maxRecordBytes;
        private final long baseOffset;
        private final long baseTimestamp;
        private final int baseSequence;
        private final Long logAppendTime;
        private int remaining;

        Decompressing(final RecordBatchFlyweight header, final ByteBuffer batch, final int maxRecordBytes) {
            this.maxRecordBytes = maxRecordBytes;
            baseOffset = header.baseOffset();
            baseTimestamp = header.baseTimestamp();
            baseSequence = header.baseSequence();
            logAppendTime = (header.attributes() & RecordBatchFlyweight.TIMESTAMP_TYPE_MASK) != 0
                    ? header.maxTimestamp()
                    : null;
            remaining = header.recordCount();
            final ByteBuffer records = batch.duplicate();
            records.position(batch.position() + RecordBatchFlyweight.RECORDS_OFFSET);
            in = Compression.of(CompressionType.forId(header.compressionCodec()))
                    .build()
                    .wrapForInput(records.slice(), RecordBatch.MAGIC_VALUE_V2, BufferSupplier.NO_CACHING);
        }

        @Override
        public boolean hasNext() {
            return remaining > 0;
        }

        @Override
        public Record next() {
            if (remaining <= 0) {
                throw new NoSuchElementException();
            }
            try {
                final Record record = read();
                // as Kafka's streaming iterator: a batch holding more than its declared records is corrupt
                if (--remaining == 0 && in.read() != -1) {
                    throw new InvalidRecordException("Incorrect declared batch size, records still remaining in file");
                }
                return record;
            } catch (final IOException e) {
                throw new KafkaException("Failed to decompress record stream", e);
            }
        }

        private Record read() throws IOException {
            final int size = ByteUtils.readVarint(in);
            if (size < 0) {
                throw new InvalidRecordException("Invalid record size: " + size + " is negative.");
            }
            if (size > maxRecordBytes) {
                throw new InvalidRecordException("Invalid record size: " + size
                        + " exceeds the configured maximum record size of " + maxRecordBytes + ".");
            }
            final ByteBuffer record = ByteBuffer.allocate(ByteUtils.sizeOfVarint(size) + size);
            ByteUtils.writeVarint(size, record);
            final int read = in.readNBytes(record.array(), record.position(), size);
            if (read < size) {
                throw new InvalidRecordException("Invalid record size: expected " + size
                        + " bytes in record payload, but the record payload reached EOF.");
            }
            record.rewind();
            return DefaultRecord.readFrom(record, baseOffset, baseTimestamp, baseSequence, logAppendTime);
        }

        @Override
        public void close() {
            try {
                in.close();
            } catch (final IOException e) {
                throw new KafkaException("Failed to close record stream", e);
            }
        }
    }
}
