package io.runnel.quorum;

import io.runnel.metadata.record.MetadataCorruptionException;
import io.runnel.metadata.record.MetadataRecord;
import java.io.IOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * One snapshot of the metadata state, in the file Ratis names {@code snapshot.<term>_<index>} (in the group's
 * {@code sm/} directory, beside Ratis' {@code .md5}). Big-endian:
 *
 * <pre>
 * snapshot := magic:int32 version:int8 lastOffset:int64 term:int64 index:int64 records crc:int32
 * </pre>
 *
 * {@code magic} is {@value #MAGIC_HEX}; {@code records} is {@link RecordsCodec}'s form, the state as records that
 * rebuild it; {@code lastOffset} is the Runnel offset those records stand for; {@code term} and {@code index} are
 * the Raft entry the snapshot ends at; {@code crc} is the CRC-32C of everything before it. Ratis copies the file
 * as it is to a lagging follower, so the Runnel offset travels with it.
 *
 * <p>A write goes to {@code <file>.tmp}, is forced, then renamed over {@code file}, so a crash leaves the old
 * snapshot or the new one, never half of one.
 */
record SnapshotFile(long lastOffset, long term, long index, List<MetadataRecord> records) {
    static final int MAGIC = 0x524E534E; // "RNSN"
    static final String MAGIC_HEX = "0x524E534E";
    static final byte VERSION = 0;

    private static final int HEADER_BYTES = 4 + 1 + 8 + 8 + 8;

    SnapshotFile {
        records = List.copyOf(records);
    }

    void writeTo(final Path file) throws IOException {
        final ByteBuffer buffer = ByteBuffer.allocate(HEADER_BYTES + RecordsCodec.sizeOf(records) + 4);
        buffer.putInt(MAGIC).put(VERSION).putLong(lastOffset).putLong(term).putLong(index);
        RecordsCodec.write(records, buffer);
        final CRC32C crc = new CRC32C();
        crc.update(buffer.array(), 0, buffer.position());
        buffer.putInt((int) crc.getValue());
        buffer.flip();
        final Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (FileChannel channel = FileChannel.open(
                tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            channel.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        forceDirectory(file.toAbsolutePath().getParent());
    }

    /**
     * @throws MetadataCorruptionException if the file is not a whole, valid snapshot
     */
    static SnapshotFile readFrom(final Path file) throws IOException {
        final ByteBuffer buffer = ByteBuffer.wrap(Files.readAllBytes(file));
        try {
            if (buffer.remaining() < HEADER_BYTES + 4 + 4) {
                throw new MetadataCorruptionException(
                        "Snapshot " + file + " is truncated: " + buffer.remaining() + " bytes");
            }
            final int crcAt = buffer.limit() - 4;
            final CRC32C crc = new CRC32C();
            crc.update(buffer.array(), 0, crcAt);
            if ((int) crc.getValue() != buffer.getInt(crcAt)) {
                throw new MetadataCorruptionException("Snapshot " + file + " fails its checksum");
            }
            if (buffer.getInt() != MAGIC) {
                throw new MetadataCorruptionException("Snapshot " + file + " does not start with " + MAGIC_HEX);
            }
            final byte version = buffer.get();
            if (version != VERSION) {
                throw new MetadataCorruptionException("Snapshot " + file + " has unknown version " + version);
            }
            final long lastOffset = buffer.getLong();
            final long term = buffer.getLong();
            final long index = buffer.getLong();
            final List<MetadataRecord> records =
                    RecordsCodec.decode(buffer.slice(buffer.position(), crcAt - buffer.position()));
            return new SnapshotFile(lastOffset, term, index, records);
        } catch (final BufferUnderflowException e) {
            throw new MetadataCorruptionException("Snapshot " + file + " is truncated", e);
        }
    }

    private static void forceDirectory(final Path dir) throws IOException {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }
}
