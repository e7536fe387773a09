package io.runnel.storage.record;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.CompressionType;
import org.apache.kafka.common.record.internal.DefaultRecordBatch;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.utils.internals.ByteUtils;
import org.apache.kafka.common.utils.internals.CloseableIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Records of a compressed batch come out one at a time, each refused past the limit before it is allocated. */
class BoundedRecordsTest {

    private static final int MIB = 1024 * 1024;
    private static final long T0 = 1_700_000_000_000L;

    @ParameterizedTest
    @EnumSource(
            value = CompressionType.class,
            names = {"GZIP", "LZ4", "ZSTD", "SNAPPY"})
    void shouldRefuseARecordWhenItDecompressesPastTheLimit(final CompressionType compression) {
        final ByteBuffer batch = batch(compression, new SimpleRecord(T0, "k".getBytes(), new byte[10 * MIB]));
        assertThat(batch.remaining()).isLessThan(MIB);

        assertThatThrownBy(() -> readAll(batch, MIB))
                .isInstanceOf(InvalidRecordException.class)
                .hasMessageStartingWith("Invalid record size: ")
                .hasMessageEndingWith(" exceeds the configured maximum record size of " + MIB + ".");
    }

    @ParameterizedTest
    @EnumSource(
            value = CompressionType.class,
            names = {"NONE", "GZIP", "LZ4", "ZSTD", "SNAPPY"})
    void shouldReadEveryRecordAsKafkaDoesWhenEachIsWithinTheLimit(final CompressionType compression) {
        final ByteBuffer batch = batch(
                compression,
                new SimpleRecord(T0, "a".getBytes(), "1".getBytes()),
                new SimpleRecord(T0 + 5, null, new byte[1000]),
                new SimpleRecord(T0 + 9, "c".getBytes(), null));

        final List<Record> records = readAll(batch, 1024);

        final List<Record> expected = new ArrayList<>();
        MemoryRecords.readableRecords(batch.duplicate()).records().forEach(expected::add);
        assertThat(records).containsExactlyElementsOf(expected);
        assertThat(records).extracting(Record::offset).containsExactly(100L, 101L, 102L);
        assertThat(records).extracting(Record::timestamp).containsExactly(T0, T0 + 5, T0 + 9);
    }

    @Test
    void shouldNotLimitUncompressedRecordsWhenTheBatchHoldsThem() {
        final ByteBuffer batch = batch(CompressionType.NONE, new SimpleRecord(T0, "k".getBytes(), new byte[2048]));

        assertThat(readAll(batch, 1024)).hasSize(1);
    }

    @Test
    void shouldFailFastWithoutAllocatingItWhenARecordWouldExpandToAGibibyte() throws IOException {
        final ByteBuffer bomb = gzipBombOfOneRecord(1024L * MIB);
        assertThat(bomb.remaining()).isLessThan(8 * MIB);
        final com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        final long before = threads.getCurrentThreadAllocatedBytes();
        final long started = System.nanoTime();

        assertThatThrownBy(() -> readAll(bomb, MIB))
                .isInstanceOf(InvalidRecordException.class)
                .hasMessage("Invalid record size: " + (1024 * MIB + 10)
                        + " exceeds the configured maximum record size of " + MIB + ".");

        assertThat(threads.getCurrentThreadAllocatedBytes() - before).isLessThan(4L * MIB);
        assertThat(System.nanoTime() - started).isLessThan(2_000_000_000L);
    }

    private static List<Record> readAll(final ByteBuffer batch, final int maxRecordBytes) {
        final List<Record> records = new ArrayList<>();
        try (CloseableIterator<Record> it = BoundedRecords.iterator(batch.duplicate(), maxRecordBytes)) {
            it.forEachRemaining(records::add);
        }
        return records;
    }

    private static ByteBuffer batch(final CompressionType compression, final SimpleRecord... records) {
        return MemoryRecords.withRecords(100L, Compression.of(compression).build(), records)
                .buffer();
    }

    /**
     * A gzip batch of one record whose value is {@code valueBytes} zeros, streamed through the compressor so the
     * test never holds it either: the record header, then the zeros a mebibyte at a time.
     */
    private static ByteBuffer gzipBombOfOneRecord(final long valueBytes) throws IOException {
        final ByteArrayOutputStream compressed = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(compressed, 64 * 1024) {
            {
                def.setLevel(Deflater.BEST_SPEED);
            }
        }) {
            final ByteBuffer head = ByteBuffer.allocate(32);
            head.put((byte) 0); // attributes
            ByteUtils.writeVarlong(0, head); // timestamp delta
            ByteUtils.writeVarint(0, head); // offset delta
            ByteUtils.writeVarint(-1, head); // no key
            ByteUtils.writeVarint((int) valueBytes, head);
            final int bodySize = head.position() + (int) valueBytes + 1; // + header count
            final ByteBuffer record = ByteBuffer.allocate(40);
            ByteUtils.writeVarint(bodySize, record);
            record.put(head.flip());
            gzip.write(record.array(), 0, record.position());
            final byte[] zeros = new byte[MIB];
            for (long written = 0; written < valueBytes; written += zeros.length) {
                gzip.write(zeros);
            }
            gzip.write(0); // no headers
        }
        final ByteBuffer batch = ByteBuffer.allocate(RecordBatchFlyweight.RECORDS_OFFSET + compressed.size());
        batch.position(RecordBatchFlyweight.RECORDS_OFFSET);
        batch.put(compressed.toByteArray());
        DefaultRecordBatch.writeHeader(
                batch.flip(),
                0L,
                0,
                batch.limit(),
                RecordBatch.MAGIC_VALUE_V2,
                CompressionType.GZIP,
                TimestampType.CREATE_TIME,
                T0,
                T0,
                RecordBatch.NO_PRODUCER_ID,
                RecordBatch.NO_PRODUCER_EPOCH,
                RecordBatch.NO_SEQUENCE,
                false,
                false,
                false,
                0,
                1);
        return batch.rewind();
    }
}
