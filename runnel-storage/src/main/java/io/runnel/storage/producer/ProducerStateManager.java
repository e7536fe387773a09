package io.runnel.storage.producer;

import io.runnel.storage.record.RecordBatchFlyweight;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Idempotent-producer state of one partition: producer id to {@link ProducerEntry}.
 *
 * <p>Validation rules (what Kafka's {@code ProducerAppendInfo} enforces for client appends, with an
 * unknown producer required to start at sequence 0):
 * <ul>
 *   <li>epoch lower than the producer's current epoch: {@link InvalidProducerEpochException};</li>
 *   <li>higher epoch, or a producer we know nothing about: the batch must start at sequence 0;</li>
 *   <li>same epoch: base sequence must be last sequence + 1 (wrapping from {@link Integer#MAX_VALUE} to 0);</li>
 *   <li>otherwise {@link OutOfOrderSequenceException}.</li>
 * </ul>
 * Duplicate detection ({@link ProducerEntry#findDuplicate}) happens before these checks.
 *
 * <p>Snapshots: file {@code <20-digit offset>.snapshot} in the partition directory holds the state of every
 * producer after all batches below {@code offset}. Layout, big-endian:
 * <pre>
 *   int   magic        0x524E5053 ("RNPS")
 *   short version      1
 *   int   crc          CRC-32C of every byte after this field
 *   int   producerCount
 *   producerCount x {
 *     long  producerId
 *     short epoch
 *     int   batchCount  (at most 5, oldest first)
 *     batchCount x { int firstSeq, int lastSeq, long firstOffset, long lastOffset, long timestamp }
 *   }
 * </pre>
 * A snapshot that fails its CRC is ignored (and deleted); the state is then rebuilt from older snapshots
 * or by replaying batch headers from the start of the log.
 *
 * <p>Not thread-safe: owned by the partition's append lock.
 */
public final class ProducerStateManager {

    private static final Logger LOG = LoggerFactory.getLogger(ProducerStateManager.class);

    public static final String SNAPSHOT_SUFFIX = ".snapshot";
    private static final int MAGIC = 0x524E5053;
    private static final short VERSION = 1;
    private static final int PREAMBLE = 4 + 2 + 4;
    private static final int SNAPSHOTS_RETAINED = 3;

    private final Path dir;
    private final Map<Long, ProducerEntry> producers = new HashMap<>();

    public ProducerStateManager(final Path dir) {
        this.dir = dir;
    }

    public ProducerEntry get(final long producerId) {
        return producers.get(producerId);
    }

    public Collection<ProducerEntry> entries() {
        return producers.values();
    }

    public void clear() {
        producers.clear();
    }

    /**
     * Forgets every producer and deletes every snapshot, for a log that restarts empty (Kafka's
     * {@code truncateFullyAndStartAt}).
     */
    public void truncateFully() throws IOException {
        producers.clear();
        for (final long offset : snapshotOffsets()) {
            Files.deleteIfExists(snapshotFile(dir, offset));
        }
    }

    /**
     * Checks a client batch against the producer's current state.
     *
     * @param known          whether the producer has any batch on record (in the log or earlier in the request)
     * @param currentEpoch   the producer's current epoch (ignored when not known)
     * @param currentLastSeq the last sequence of its newest batch (ignored when not known)
     */
    public static void checkSequence(
            final long producerId,
            final boolean known,
            final short currentEpoch,
            final int currentLastSeq,
            final short epoch,
            final int firstSeq) {
        if (!known) {
            if (firstSeq != 0) {
                throw new OutOfOrderSequenceException(
                        "Unknown producer " + producerId + " must start at sequence 0, got " + firstSeq);
            }
            return;
        }
        if (epoch < currentEpoch) {
            throw new InvalidProducerEpochException(
                    "Producer " + producerId + " epoch " + epoch + " is older than the current epoch " + currentEpoch);
        }
        if (epoch > currentEpoch) {
            if (firstSeq != 0) {
                throw new OutOfOrderSequenceException("Producer " + producerId + " new epoch " + epoch
                        + " must start at sequence 0, got " + firstSeq);
            }
            return;
        }
        if (firstSeq != RecordBatchFlyweight.incrementSequence(currentLastSeq, 1)) {
            throw new OutOfOrderSequenceException("Out of order sequence for producer " + producerId + " epoch " + epoch
                    + ": expected " + RecordBatchFlyweight.incrementSequence(currentLastSeq, 1) + ", got " + firstSeq);
        }
    }

    /** Records an appended batch (also used to replay the log; no validation). */
    public void update(
            final long producerId,
            final short epoch,
            final int firstSeq,
            final int lastSeq,
            final long firstOffset,
            final long lastOffset,
            final long timestamp) {
        ProducerEntry entry = producers.get(producerId);
        if (entry == null) {
            entry = new ProducerEntry(producerId, epoch);
            producers.put(producerId, entry);
        } else if (epoch != entry.epoch()) {
            entry.bumpEpoch(epoch);
        }
        entry.addBatch(firstSeq, lastSeq, firstOffset, lastOffset, timestamp);
    }

    // ------------------------------------------------------------------------------------------- snapshots

    public static Path snapshotFile(final Path dir, final long offset) {
        return dir.resolve(String.format("%020d", offset) + SNAPSHOT_SUFFIX);
    }

    /** Writes the current state as the snapshot at {@code offset} (temp file, fsync, atomic rename). */
    public void writeSnapshot(final long offset) throws IOException {
        int bytes = PREAMBLE + 4;
        for (final ProducerEntry e : producers.values()) {
            bytes += 8 + 2 + 4 + e.batchCount() * (4 + 4 + 8 + 8 + 8);
        }
        final ByteBuffer buffer = ByteBuffer.allocate(bytes);
        buffer.putInt(MAGIC).putShort(VERSION).putInt(0).putInt(producers.size());
        for (final ProducerEntry e : producers.values()) {
            buffer.putLong(e.producerId()).putShort(e.epoch()).putInt(e.batchCount());
            for (int i = 0; i < e.batchCount(); i++) {
                buffer.putInt(e.firstSeqAt(i))
                        .putInt(e.lastSeqAt(i))
                        .putLong(e.firstOffsetAt(i))
                        .putLong(e.lastOffsetAt(i))
                        .putLong(e.timestampAt(i));
            }
        }
        buffer.putInt(6, RecordBatchFlyweight.crc32c(new CRC32C(), buffer, PREAMBLE, bytes));
        buffer.flip();
        final Path target = snapshotFile(dir, offset);
        final Path temp = target.resolveSibling(target.getFileName() + ".tmp");
        try (FileChannel channel = FileChannel.open(
                temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            channel.force(true);
        }
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (final AtomicMoveNotSupportedException e) {
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
        }
        retainLatestSnapshots();
    }

    /** Snapshot offsets found in the directory, ascending. */
    public List<Long> snapshotOffsets() throws IOException {
        final List<Long> offsets = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + SNAPSHOT_SUFFIX)) {
            for (final Path file : files) {
                final String name = file.getFileName().toString();
                if (name.length() == 20 + SNAPSHOT_SUFFIX.length()) {
                    try {
                        offsets.add(Long.parseLong(name.substring(0, 20)));
                    } catch (final NumberFormatException ignored) {
                        // not one of ours
                    }
                }
            }
        }
        offsets.sort(null);
        return offsets;
    }

    /**
     * Replaces the in-memory state with the newest valid snapshot at or below {@code maxOffset}; deletes
     * snapshots above it (they describe a log we no longer have) and any that fail their CRC.
     *
     * @return the offset of the loaded snapshot, or -1 when none was usable (state is then empty)
     */
    public long loadLatestSnapshot(final long maxOffset) throws IOException {
        producers.clear();
        final List<Long> offsets = snapshotOffsets();
        for (int i = offsets.size() - 1; i >= 0; i--) {
            final long offset = offsets.get(i);
            final Path file = snapshotFile(dir, offset);
            if (offset > maxOffset) {
                Files.deleteIfExists(file);
                continue;
            }
            if (readSnapshot(file)) {
                return offset;
            }
            LOG.warn("Ignoring corrupt producer state snapshot {}", file);
            producers.clear();
            Files.deleteIfExists(file);
        }
        return -1;
    }

    private boolean readSnapshot(final Path file) throws IOException {
        final ByteBuffer buffer = ByteBuffer.wrap(Files.readAllBytes(file));
        if (buffer.remaining() < PREAMBLE + 4 || buffer.getInt(0) != MAGIC || buffer.getShort(4) != VERSION) {
            return false;
        }
        if (buffer.getInt(6) != RecordBatchFlyweight.crc32c(new CRC32C(), buffer, PREAMBLE, buffer.limit())) {
            return false;
        }
        try {
            buffer.position(PREAMBLE);
            final int producerCount = buffer.getInt();
            for (int p = 0; p < producerCount; p++) {
                final long producerId = buffer.getLong();
                final short epoch = buffer.getShort();
                final int batches = buffer.getInt();
                if (batches < 0 || batches > ProducerEntry.MAX_BATCHES) {
                    return false;
                }
                final ProducerEntry entry = new ProducerEntry(producerId, epoch);
                for (int b = 0; b < batches; b++) {
                    entry.addBatch(
                            buffer.getInt(), buffer.getInt(), buffer.getLong(), buffer.getLong(), buffer.getLong());
                }
                producers.put(producerId, entry);
            }
            return !buffer.hasRemaining();
        } catch (final RuntimeException e) {
            return false;
        }
    }

    private void retainLatestSnapshots() throws IOException {
        final List<Long> offsets = snapshotOffsets();
        for (int i = 0; i < offsets.size() - SNAPSHOTS_RETAINED; i++) {
            Files.deleteIfExists(snapshotFile(dir, offsets.get(i)));
        }
    }
}
