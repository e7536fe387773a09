package io.runnel.quorum;

import io.runnel.metadata.record.MetadataCorruptionException;
import io.runnel.metadata.record.MetadataRecord;
import io.runnel.metadata.record.MetadataRecordSerde;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * A list of records in binary form: the data of one Ratis log entry (one Runnel batch), and the body of a
 * snapshot. Big-endian:
 *
 * <pre>
 * records := count:int32 (size:int32 record)*count       record = {@link MetadataRecordSerde}'s form
 * </pre>
 *
 * There is no checksum: Ratis checksums log entries, and {@link SnapshotFile} checksums the whole snapshot.
 */
final class RecordsCodec {
    private RecordsCodec() {}

    static int sizeOf(final List<MetadataRecord> records) {
        long size = 4;
        for (final MetadataRecord record : records) {
            size += 4 + MetadataRecordSerde.sizeOf(record);
        }
        if (size > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(records.size() + " metadata records take more than 2 GiB");
        }
        return (int) size;
    }

    static byte[] encode(final List<MetadataRecord> records) {
        final ByteBuffer buffer = ByteBuffer.allocate(sizeOf(records));
        write(records, buffer);
        return buffer.array();
    }

    static void write(final List<MetadataRecord> records, final ByteBuffer out) {
        out.putInt(records.size());
        for (final MetadataRecord record : records) {
            out.putInt(MetadataRecordSerde.sizeOf(record));
            MetadataRecordSerde.write(record, out);
        }
    }

    /** Reads one list at the buffer's position, advancing past it. */
    static List<MetadataRecord> read(final ByteBuffer in) {
        try {
            final int count = in.getInt();
            if (count < 0 || count > in.remaining() / 6) {
                throw new MetadataCorruptionException(
                        "Invalid record count " + count + " with " + in.remaining() + " byte(s) left");
            }
            final List<MetadataRecord> records = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                final int size = in.getInt();
                if (size < 2 || size > in.remaining()) {
                    throw new MetadataCorruptionException("Record " + i + " has invalid size " + size);
                }
                records.add(MetadataRecordSerde.deserialize(in.slice(in.position(), size)));
                in.position(in.position() + size);
            }
            return records;
        } catch (final BufferUnderflowException e) {
            throw new MetadataCorruptionException("Truncated list of metadata records", e);
        }
    }

    /** Reads a list that fills the buffer exactly. */
    static List<MetadataRecord> decode(final ByteBuffer in) {
        final List<MetadataRecord> records = read(in);
        if (in.hasRemaining()) {
            throw new MetadataCorruptionException(in.remaining() + " byte(s) after the metadata records");
        }
        return records;
    }
}
