package io.runnel.storage.log;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;

/**
 * A per-log-directory file of one offset per partition, in Kafka's text checkpoint format, used for
 * {@value #RECOVERY_POINT} (where recovery after a crash starts) and {@value #LOG_START_OFFSET} (the first offset
 * each log still serves, so a crash between deleting segments and the next start cannot move it back) and
 * {@value #CLEANER_OFFSET} (where the part of each compacted log the cleaner has not seen starts):
 * <pre>
 *   0                         (version)
 *   N                         (number of entries)
 *   topic partition offset    (N lines, space separated)
 * </pre>
 * Written to a temp file, fsync'd, then atomically renamed over the old one.
 */
public final class OffsetCheckpointFile {

    public static final String RECOVERY_POINT = "recovery-point-offset-checkpoint";
    public static final String LOG_START_OFFSET = "log-start-offset-checkpoint";
    public static final String CLEANER_OFFSET = "cleaner-offset-checkpoint";

    private OffsetCheckpointFile() {}

    /** Reads the checkpoint {@code fileName} of {@code logDir}; a missing file is empty, a malformed one an {@link IOException}. */
    public static Map<TopicPartition, Long> read(final Path logDir, final String fileName) throws IOException {
        final Path file = logDir.resolve(fileName);
        final Map<TopicPartition, Long> offsets = new HashMap<>();
        if (!Files.exists(file)) {
            return offsets;
        }
        final List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        try {
            if (lines.size() < 2 || Integer.parseInt(lines.get(0).trim()) != 0) {
                throw new IOException("Unsupported or malformed checkpoint file " + file);
            }
            final int count = Integer.parseInt(lines.get(1).trim());
            if (lines.size() < 2 + count) {
                throw new IOException("Checkpoint file " + file + " promises " + count + " entries");
            }
            for (int i = 0; i < count; i++) {
                final String[] parts = lines.get(2 + i).trim().split(" ");
                if (parts.length != 3) {
                    throw new IOException("Malformed line '" + lines.get(2 + i) + "' in " + file);
                }
                offsets.put(new TopicPartition(parts[0], Integer.parseInt(parts[1])), Long.parseLong(parts[2]));
            }
        } catch (final NumberFormatException e) {
            throw new IOException("Malformed checkpoint file " + file, e);
        }
        return offsets;
    }

    public static void write(final Path logDir, final String fileName, final Map<TopicPartition, Long> offsets)
            throws IOException {
        final StringBuilder text =
                new StringBuilder().append("0\n").append(offsets.size()).append('\n');
        offsets.forEach((tp, offset) -> text.append(tp.topic())
                .append(' ')
                .append(tp.partition())
                .append(' ')
                .append(offset)
                .append('\n'));
        writeAtomically(logDir.resolve(fileName), text.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** Temp file, fsync, atomic rename, fsync of the directory. */
    public static void writeAtomically(final Path file, final byte[] bytes) throws IOException {
        final Path temp = file.resolveSibling(file.getFileName() + ".tmp");
        try (FileChannel channel = FileChannel.open(
                temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            final java.nio.ByteBuffer buffer = java.nio.ByteBuffer.wrap(bytes);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            channel.force(true);
        }
        try {
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (final AtomicMoveNotSupportedException e) {
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
        }
        fsyncDirectory(file.getParent());
    }

    public static void fsyncDirectory(final Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (final IOException ignored) {
            // not every platform can open a directory; the rename itself is still atomic
        }
    }
}
