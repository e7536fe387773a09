package io.runnel.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.utils.Utils;

/**
 * Decodes slices read back from a log (record batches to append come from
 * {@link io.runnel.testsupport.RecordBatches}).
 */
public final class TestBatches {

    private TestBatches() {}

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
        for (final RecordBatch batch :
                MemoryRecords.readableRecords(bytesOf(slice)).batches()) {
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
        final String key =
                record.hasKey() ? StandardCharsets.UTF_8.decode(record.key()).toString() : "(no key)";
        return key + "="
                + (record.hasValue() ? new String(Utils.toArray(record.value()), StandardCharsets.UTF_8) : "null");
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
}
