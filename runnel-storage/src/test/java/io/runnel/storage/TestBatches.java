package io.runnel.storage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.CompressionType;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.MemoryRecordsBuilder;
import org.apache.kafka.common.record.Record;
import org.apache.kafka.common.record.RecordBatch;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.utils.Utils;

/** Builds client-style record batches with kafka-clients and decodes slices read back from a log. */
public final class TestBatches {

    public static final long NO_PID = RecordBatch.NO_PRODUCER_ID;

    private TestBatches() {
    }

    /** A clock the test moves by hand. */
    public static final class ManualClock implements InstantSource {
        private volatile long millis;

        public ManualClock(final long millis) {
            this.millis = millis;
        }

        public void advance(final long ms) {
            millis += ms;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis);
        }

        @Override
        public long millis() {
            return millis;
        }
    }

    public static ByteBuffer batch(final int records, final long timestamp) {
        return batch(CompressionType.NONE, records, timestamp, NO_PID, (short) -1, -1, 10);
    }

    public static ByteBuffer batch(final CompressionType compression, final int records, final long timestamp,
                            final long producerId, final short epoch, final int baseSequence, final int valueSize) {
        final ByteBuffer buffer = ByteBuffer.allocate(256 + records * (valueSize + 64));
        final MemoryRecordsBuilder builder = MemoryRecords.builder(buffer, RecordBatch.MAGIC_VALUE_V2,
                Compression.of(compression).build(), TimestampType.CREATE_TIME, 0L, RecordBatch.NO_TIMESTAMP,
                producerId, epoch, baseSequence, false, RecordBatch.NO_PARTITION_LEADER_EPOCH);
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
        final MemoryRecordsBuilder builder = MemoryRecords.builder(buffer, RecordBatch.MAGIC_VALUE_V2,
                Compression.NONE, TimestampType.CREATE_TIME, 0L);
        for (int i = 0; i < records; i++) {
            builder.append(RecordBatch.NO_TIMESTAMP, ("k" + i).getBytes(StandardCharsets.UTF_8), new byte[10]);
        }
        return builder.build().buffer();
    }

    /** One record per entry, {@code keyValues} alternating key and value; a null key or value is written as null. */
    public static ByteBuffer keyed(final CompressionType compression, final long timestamp, final String... keyValues) {
        final ByteBuffer buffer = ByteBuffer.allocate(256 + keyValues.length * 64);
        final MemoryRecordsBuilder builder = MemoryRecords.builder(buffer, RecordBatch.MAGIC_VALUE_V2,
                Compression.of(compression).build(), TimestampType.CREATE_TIME, 0L);
        for (int i = 0; i < keyValues.length; i += 2) {
            builder.append(timestamp, bytes(keyValues[i]), bytes(keyValues[i + 1]));
        }
        return builder.build().buffer();
    }

    private static byte[] bytes(final String text) {
        return text == null ? null : text.getBytes(StandardCharsets.UTF_8);
    }

    public static ByteBuffer idempotent(final int records, final long timestamp, final long producerId, final short epoch,
                                 final int baseSequence) {
        return batch(CompressionType.NONE, records, timestamp, producerId, epoch, baseSequence, 10);
    }

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

    public static ByteBuffer bytesOf(final LogSlice slice) throws IOException {
        final ByteBuffer buffer = ByteBuffer.allocate(slice.sizeInBytes());
        long position = slice.position();
        while (buffer.hasRemaining()) {
            final int read = slice.channel().read(buffer, position);
            if (read < 0) {
                throw new IOException("EOF");
            }
            position += read;
        }
        return buffer.flip();
    }

    /** Decodes a slice, checking every batch's CRC. */
    public static List<RecordBatch> batchesOf(final LogSlice slice) throws IOException {
        final List<RecordBatch> batches = new ArrayList<>();
        if (slice.sizeInBytes() == 0) {
            return batches;
        }
        for (final RecordBatch batch : MemoryRecords.readableRecords(bytesOf(slice)).batches()) {
            batch.ensureValid();
            batches.add(batch);
        }
        return batches;
    }

    public static List<Long> offsetsOf(final LogSlice slice) throws IOException {
        final List<Long> offsets = new ArrayList<>();
        for (final RecordBatch batch : batchesOf(slice)) {
            for (final Record record : batch) {
                offsets.add(record.offset());
            }
        }
        return offsets;
    }

    /** Every record of the log as {@code offset:key=value} ({@code null} for a tombstone, {@code (no key)}). */
    public static List<String> contents(final PartitionLog log) throws IOException {
        final List<String> out = new ArrayList<>();
        long next = log.logStartOffset();
        while (next < log.logEndOffset()) {
            final List<RecordBatch> batches = batchesOf(log.read(next, Integer.MAX_VALUE, Long.MAX_VALUE, true));
            if (batches.isEmpty()) {
                break;
            }
            for (final RecordBatch batch : batches) {
                for (final Record record : batch) {
                    out.add(record.offset() + ":" + text(record));
                }
                next = batch.nextOffset();
            }
        }
        return out;
    }

    /** A record as {@code key=value}. */
    public static String text(final Record record) {
        final String key = record.hasKey() ? StandardCharsets.UTF_8.decode(record.key()).toString() : "(no key)";
        return key + "=" + (record.hasValue() ? new String(Utils.toArray(record.value()), StandardCharsets.UTF_8)
                : "null");
    }

    /** Reads the whole log from offset 0 through repeated reads, returning every record offset. */
    public static List<Long> allOffsets(final PartitionLog log) throws IOException {
        final List<Long> offsets = new ArrayList<>();
        long next = log.logStartOffset();
        while (next < log.logEndOffset()) {
            final LogSlice slice = log.read(next, Integer.MAX_VALUE, Long.MAX_VALUE, true);
            final List<RecordBatch> batches = batchesOf(slice);
            if (batches.isEmpty()) {
                break;
            }
            for (final RecordBatch batch : batches) {
                for (final Record record : batch) {
                    offsets.add(record.offset());
                }
                next = batch.nextOffset();
            }
        }
        return offsets;
    }

    /** Removes a directory tree (the property tests make one per try). */
    public static void deleteRecursively(final Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (final IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}
