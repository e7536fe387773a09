package io.runnel.testsupport;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.CompressionType;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MemoryRecordsBuilder;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.record.internal.SimpleRecord;

/** Client-style record batches (v2, as a producer sends them), built with kafka-clients. */
public final class RecordBatches {

    /** The producer id of a batch from a producer that is not idempotent. */
    public static final long NO_PID = RecordBatch.NO_PRODUCER_ID;

    private RecordBatches() {}

    /** One uncompressed batch of {@code records} records keyed {@code k0, k1, ...}, timestamps from {@code timestamp}. */
    public static ByteBuffer batch(final int records, final long timestamp) {
        return batch(CompressionType.NONE, records, timestamp, NO_PID, (short) -1, -1, 10);
    }

    /** A batch of records {@code ki -> vi} padded to {@code valueSize} bytes, with the given producer fields. */
    public static ByteBuffer batch(
            final CompressionType compression,
            final int records,
            final long timestamp,
            final long producerId,
            final short epoch,
            final int baseSequence,
            final int valueSize) {
        final ByteBuffer buffer = ByteBuffer.allocate(256 + records * (valueSize + 64));
        final MemoryRecordsBuilder builder = MemoryRecords.builder(
                buffer,
                RecordBatch.MAGIC_VALUE_V2,
                Compression.of(compression).build(),
                TimestampType.CREATE_TIME,
                0L,
                RecordBatch.NO_TIMESTAMP,
                producerId,
                epoch,
                baseSequence,
                false,
                RecordBatch.NO_PARTITION_LEADER_EPOCH);
        for (int i = 0; i < records; i++) {
            final byte[] value = new byte[valueSize];
            final byte[] text = ("v" + i).getBytes(StandardCharsets.UTF_8);
            System.arraycopy(text, 0, value, 0, Math.min(text.length, valueSize));
            builder.append(timestamp + i, ("k" + i).getBytes(StandardCharsets.UTF_8), value);
        }
        return builder.build().buffer();
    }

    /** A batch whose records carry no timestamp (-1), as old clients may send. */
    public static ByteBuffer withoutTimestamps(final int records) {
        final ByteBuffer buffer = ByteBuffer.allocate(256 + records * 64);
        final MemoryRecordsBuilder builder = MemoryRecords.builder(
                buffer, RecordBatch.MAGIC_VALUE_V2, Compression.NONE, TimestampType.CREATE_TIME, 0L);
        for (int i = 0; i < records; i++) {
            builder.append(RecordBatch.NO_TIMESTAMP, ("k" + i).getBytes(StandardCharsets.UTF_8), new byte[10]);
        }
        return builder.build().buffer();
    }

    /** One record per entry, {@code keyValues} alternating key and value; a null key or value is written as null. */
    public static ByteBuffer keyed(final CompressionType compression, final long timestamp, final String... keyValues) {
        final ByteBuffer buffer = ByteBuffer.allocate(256 + keyValues.length * 64);
        final MemoryRecordsBuilder builder = MemoryRecords.builder(
                buffer, RecordBatch.MAGIC_VALUE_V2, Compression.of(compression).build(), TimestampType.CREATE_TIME, 0L);
        for (int i = 0; i < keyValues.length; i += 2) {
            builder.append(timestamp, bytes(keyValues[i]), bytes(keyValues[i + 1]));
        }
        return builder.build().buffer();
    }

    /** A batch from an idempotent producer: its id, epoch and the sequence of its first record. */
    public static ByteBuffer idempotent(
            final int records, final long timestamp, final long producerId, final short epoch, final int baseSequence) {
        return batch(CompressionType.NONE, records, timestamp, producerId, epoch, baseSequence, 10);
    }

    /** One uncompressed batch of records without keys, one per value (UTF-8). */
    public static MemoryRecords values(final String... values) {
        final SimpleRecord[] records = new SimpleRecord[values.length];
        for (int i = 0; i < values.length; i++) {
            records[i] = new SimpleRecord(values[i].getBytes(StandardCharsets.UTF_8));
        }
        return MemoryRecords.withRecords(Compression.NONE, records);
    }

    /** The bytes of {@code buffers} one after the other (several batches in one buffer). */
    public static ByteBuffer concat(final ByteBuffer... buffers) {
        int size = 0;
        for (final ByteBuffer b : buffers) {
            size += b.remaining();
        }
        final ByteBuffer out = ByteBuffer.allocate(size);
        for (final ByteBuffer b : buffers) {
            out.put(b.duplicate());
        }
        return out.flip();
    }

    private static byte[] bytes(final String text) {
        return text == null ? null : text.getBytes(StandardCharsets.UTF_8);
    }
}
