package io.runnel.metadata.log;

import io.runnel.metadata.Nullable;
import io.runnel.metadata.record.MetadataCorruptionException;
import io.runnel.metadata.record.MetadataRecord;
import io.runnel.metadata.record.MetadataRecordSerde;
import java.io.IOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.zip.CRC32C;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link MetadataLog} in one file, {@code <dir>/metadata.log}, for a single-node cluster.
 *
 * <h2>Format</h2>
 * The file is a sequence of batches, one per {@link #propose}, all integers big-endian:
 * <pre>
 * batch   := length:int32 crc:int32 payload            (length = payload bytes)
 * payload := baseOffset:int64 count:int32 (recordSize:int32 record)*count
 * </pre>
 * {@code crc} is the CRC-32C of the payload; {@code record} is {@link MetadataRecordSerde}'s form.
 * {@code baseOffset} is the offset of the batch's first record and equals the number of records
 * in all earlier batches.
 *
 * <h2>Recovery</h2>
 * Each append writes a whole batch and forces it to disk before returning, so after a crash only
 * the last batch can be incomplete. On open the file is scanned from the start; at the first batch
 * that is short, has an impossible length or fails its CRC, everything from that batch on is
 * truncated (and the truncation forced) with a warning: that batch was never acknowledged. A batch
 * whose CRC is good but whose content does not decode, or whose base offset is wrong, is real
 * corruption, not a torn write, and fails the open with {@link MetadataCorruptionException}.
 *
 * <h2>Threading</h2>
 * Methods are {@code synchronized}; in practice only the controller thread calls them. A batch is
 * committed when it is forced to disk, so {@link #propose} hands it to the {@link CommitListener}
 * right then, on the proposing thread and under the monitor, which keeps the listener's calls in
 * offset order, and returns a completed future. An IO failure during append rolls the file back to
 * the previous batch boundary; if even that fails the log is marked failed and every later call
 * fails with {@link KafkaStorageException}.
 */
public final class LocalMetadataLog implements MetadataLog {
    public static final String FILE_NAME = "metadata.log";
    /** A batch larger than this is treated as garbage on recovery and refused on append. */
    public static final int MAX_BATCH_BYTES = 64 * 1024 * 1024;

    static final int BATCH_HEADER_BYTES = 8;
    static final int PAYLOAD_HEADER_BYTES = 12;

    private static final Logger LOG = LoggerFactory.getLogger(LocalMetadataLog.class);

    private final Path file;
    private final FileChannel channel;
    private long endPosition;
    private long nextOffset;
    private @Nullable CommitListener listener;
    private boolean failed;
    private boolean closed;

    private LocalMetadataLog(
            final Path file, final FileChannel channel, final long endPosition, final long nextOffset) {
        this.file = file;
        this.channel = channel;
        this.endPosition = endPosition;
        this.nextOffset = nextOffset;
    }

    /**
     * Opens (creating if needed) {@code dir/metadata.log}, truncating a torn tail.
     *
     * @throws KafkaStorageException if the file cannot be read or written
     * @throws MetadataCorruptionException if a checksummed batch is corrupt
     */
    public static LocalMetadataLog open(final Path dir) {
        final Path file = dir.resolve(FILE_NAME);
        FileChannel channel = null;
        try {
            Files.createDirectories(dir);
            channel = FileChannel.open(
                    file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            final long size = channel.size();
            final long[] scanned = scan(channel, size, null);
            final long validBytes = scanned[0];
            if (validBytes < size) {
                LOG.warn(
                        "Truncating {} from {} to {} bytes: torn or corrupt batch at position {}",
                        file,
                        size,
                        validBytes,
                        validBytes);
                channel.truncate(validBytes);
                channel.force(true);
            }
            return new LocalMetadataLog(file, channel, validBytes, scanned[1]);
        } catch (final IOException e) {
            closeQuietly(channel);
            throw new KafkaStorageException("Cannot open metadata log " + file, e);
        } catch (final RuntimeException e) {
            closeQuietly(channel);
            throw e;
        }
    }

    @Override
    public synchronized CompletableFuture<Long> propose(final List<MetadataRecord> batch) {
        ensureOpen();
        if (batch.isEmpty()) {
            throw new IllegalArgumentException("Cannot append an empty batch");
        }
        final List<MetadataRecord> records = List.copyOf(batch);
        final long lastOffset;
        try {
            lastOffset = append(records);
        } catch (final KafkaStorageException e) {
            return CompletableFuture.failedFuture(e);
        }
        if (listener != null) {
            try {
                listener.onCommit(records, lastOffset);
            } catch (final RuntimeException e) {
                return CompletableFuture.failedFuture(e);
            }
        }
        return CompletableFuture.completedFuture(lastOffset);
    }

    @Override
    public synchronized void replay(final CommitListener listener) {
        ensureUsable();
        if (this.listener != null) {
            throw new IllegalStateException("Metadata log " + file + " already has a commit listener");
        }
        try {
            scan(channel, endPosition, listener);
        } catch (final IOException e) {
            throw new KafkaStorageException("Cannot read metadata log " + file, e);
        }
        this.listener = listener;
    }

    @Override
    public synchronized long lastOffset() {
        return nextOffset - 1;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            channel.close();
        } catch (final IOException e) {
            throw new KafkaStorageException("Cannot close metadata log " + file, e);
        }
    }

    /** Writes and forces one batch; the log's end moves only once the whole batch is on disk. */
    private long append(final List<MetadataRecord> batch) {
        ensureUsable();
        final ByteBuffer buffer = encode(nextOffset, batch);
        final long startPosition = endPosition;
        try {
            long position = startPosition;
            while (buffer.hasRemaining()) {
                position += channel.write(buffer, position);
            }
            channel.force(true);
        } catch (final IOException e) {
            rollBack(startPosition, e);
            throw new KafkaStorageException("Cannot append to metadata log " + file, e);
        }
        endPosition = startPosition + buffer.limit();
        nextOffset += batch.size();
        return nextOffset - 1;
    }

    /** The bytes of valid batches, for tests and tools. */
    synchronized long sizeInBytes() {
        return endPosition;
    }

    static ByteBuffer encode(final long baseOffset, final List<MetadataRecord> batch) {
        long payloadSize = PAYLOAD_HEADER_BYTES;
        for (final MetadataRecord record : batch) {
            payloadSize += 4 + MetadataRecordSerde.sizeOf(record);
        }
        if (payloadSize > MAX_BATCH_BYTES) {
            throw new IllegalArgumentException(
                    "Metadata batch of " + payloadSize + " bytes exceeds " + MAX_BATCH_BYTES);
        }
        final ByteBuffer buffer = ByteBuffer.allocate(BATCH_HEADER_BYTES + (int) payloadSize);
        buffer.putInt((int) payloadSize);
        buffer.putInt(0); // crc, filled in below
        buffer.putLong(baseOffset);
        buffer.putInt(batch.size());
        for (final MetadataRecord record : batch) {
            buffer.putInt(MetadataRecordSerde.sizeOf(record));
            MetadataRecordSerde.write(record, buffer);
        }
        final CRC32C crc = new CRC32C();
        crc.update(buffer.array(), BATCH_HEADER_BYTES, (int) payloadSize);
        buffer.putInt(4, (int) crc.getValue());
        buffer.flip();
        return buffer;
    }

    /**
     * Reads batches from position 0 up to {@code limit}, feeding each to {@code listener} if it is
     * not null. Stops at the first torn or checksum-failing batch.
     *
     * @return {bytes of valid batches, offset after the last valid record}
     */
    private static long[] scan(final FileChannel channel, final long limit, final @Nullable CommitListener listener)
            throws IOException {
        long position = 0;
        long nextOffset = 0;
        final ByteBuffer header = ByteBuffer.allocate(BATCH_HEADER_BYTES);
        while (position < limit) {
            if (limit - position < BATCH_HEADER_BYTES) {
                break;
            }
            header.clear();
            readFully(channel, header, position);
            final int length = header.getInt(0);
            final int expectedCrc = header.getInt(4);
            if (length < PAYLOAD_HEADER_BYTES
                    || length > MAX_BATCH_BYTES
                    || limit - position - BATCH_HEADER_BYTES < length) {
                break;
            }
            final ByteBuffer payload = ByteBuffer.allocate(length);
            readFully(channel, payload, position + BATCH_HEADER_BYTES);
            final CRC32C crc = new CRC32C();
            crc.update(payload.array(), 0, length);
            if ((int) crc.getValue() != expectedCrc) {
                break;
            }
            final List<MetadataRecord> records = decodePayload(payload, nextOffset, position);
            if (listener != null) {
                listener.onCommit(records, nextOffset + records.size() - 1);
            }
            nextOffset += records.size();
            position += BATCH_HEADER_BYTES + length;
        }
        return new long[] {position, nextOffset};
    }

    private static List<MetadataRecord> decodePayload(
            final ByteBuffer payload, final long expectedBaseOffset, final long position) {
        try {
            payload.flip();
            final long baseOffset = payload.getLong();
            final int count = payload.getInt();
            if (baseOffset != expectedBaseOffset) {
                throw new MetadataCorruptionException("Batch at position " + position + " has base offset " + baseOffset
                        + ", expected " + expectedBaseOffset);
            }
            if (count <= 0 || count > payload.remaining() / 6) {
                throw new MetadataCorruptionException(
                        "Batch at position " + position + " has invalid record count " + count);
            }
            final List<MetadataRecord> records = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                final int size = payload.getInt();
                if (size < 2 || size > payload.remaining()) {
                    throw new MetadataCorruptionException(
                            "Record " + i + " of batch at position " + position + " has invalid size " + size);
                }
                final ByteBuffer slice = payload.slice(payload.position(), size);
                payload.position(payload.position() + size);
                records.add(MetadataRecordSerde.deserialize(slice));
            }
            if (payload.hasRemaining()) {
                throw new MetadataCorruptionException(
                        "Batch at position " + position + " has " + payload.remaining() + " byte(s) after its records");
            }
            return records;
        } catch (final BufferUnderflowException e) {
            throw new MetadataCorruptionException(
                    "Batch at position " + position + " is truncated inside its checksum", e);
        }
    }

    private static void readFully(final FileChannel channel, final ByteBuffer buffer, final long position)
            throws IOException {
        long at = position;
        while (buffer.hasRemaining()) {
            final int read = channel.read(buffer, at);
            if (read < 0) {
                throw new IOException("Unexpected end of file at position " + at);
            }
            at += read;
        }
    }

    private void rollBack(final long position, final IOException cause) {
        try {
            channel.truncate(position);
            channel.force(true);
        } catch (final IOException e) {
            cause.addSuppressed(e);
            failed = true;
            LOG.error("Cannot roll metadata log {} back to {}; the log is failed until restart", file, position, e);
        }
    }

    private void ensureUsable() {
        ensureOpen();
        if (failed) {
            throw new KafkaStorageException("Metadata log " + file + " failed earlier and is unusable until restart");
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("Metadata log " + file + " is closed");
        }
    }

    private static void closeQuietly(final FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (final IOException e) {
                LOG.warn("Cannot close metadata log channel", e);
            }
        }
    }
}
