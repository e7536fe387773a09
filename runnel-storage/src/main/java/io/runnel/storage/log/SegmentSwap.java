package io.runnel.storage.log;

import static io.runnel.storage.log.LogSegment.INDEX_SUFFIX;
import static io.runnel.storage.log.LogSegment.LOG_SUFFIX;
import static io.runnel.storage.log.LogSegment.TIME_INDEX_SUFFIX;
import static io.runnel.storage.log.LogSegment.fileName;
import static io.runnel.storage.record.RecordBatchFlyweight.HEADER_SIZE;
import static io.runnel.storage.record.RecordBatchFlyweight.LOG_OVERHEAD;

import io.runnel.storage.record.RecordBatchFlyweight;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The file steps that replace a group of consecutive segments by their cleaned copy, and their recovery after a
 * crash (Kafka's {@code .cleaned} / {@code .swap} protocol; the copy has the first segment's base offset X):
 * <ol>
 *   <li>the cleaner writes {@code X.log.cleaned} and its two indexes and fsyncs them;</li>
 *   <li>{@link #markForSwap} renames the indexes, then the log, to {@code .swap}: a {@code X.log.swap} is a
 *       complete replacement, the commit point;</li>
 *   <li>under the log's lock the files of every old segment of the group are renamed to {@code .deleted} (still
 *       open for readers) and {@link #install} renames the {@code .swap} files to the segment's own names.</li>
 * </ol>
 * {@link #recover}, run when a log is opened, finishes or undoes whatever a crash interrupted: {@code .cleaned}
 * files are incomplete and deleted; a {@code X.log.swap} replaces every segment whose base offset lies in
 * {@code [X, end of the swap log)} (as Kafka's loader does: the old segments it covers, including an old
 * {@code X.log}), then takes its own name; index {@code .swap} files without their log are deleted (indexes
 * missing afterwards are rebuilt from the log). An old segment of the group whose records all went starts at or
 * after that end and survives such a recovery with its superseded records: harmless, the next pass cleans it again.
 */
public final class SegmentSwap {

    public static final String CLEANED_SUFFIX = ".cleaned";
    public static final String SWAP_SUFFIX = ".swap";
    private static final Logger LOG = LoggerFactory.getLogger(SegmentSwap.class);
    private static final String[] SUFFIXES = {INDEX_SUFFIX, TIME_INDEX_SUFFIX, LOG_SUFFIX};

    private SegmentSwap() {}

    /** Step 2: the cleaned files of {@code baseOffset} become the swap files, the log file last. */
    public static void markForSwap(final Path dir, final long baseOffset) throws IOException {
        for (final String suffix : SUFFIXES) {
            move(
                    dir.resolve(fileName(baseOffset, suffix) + CLEANED_SUFFIX),
                    dir.resolve(fileName(baseOffset, suffix) + SWAP_SUFFIX));
        }
        OffsetCheckpointFile.fsyncDirectory(dir);
    }

    /** Step 3, once the old segment's files are out of the way: the swap files take the segment's names. */
    public static void install(final Path dir, final long baseOffset) throws IOException {
        for (final String suffix : SUFFIXES) {
            move(dir.resolve(fileName(baseOffset, suffix) + SWAP_SUFFIX), dir.resolve(fileName(baseOffset, suffix)));
        }
        OffsetCheckpointFile.fsyncDirectory(dir);
    }

    /** Deletes the cleaned or swap files of {@code baseOffset} (a cleaning that was abandoned). */
    public static void discard(final Path dir, final long baseOffset) throws IOException {
        for (final String suffix : SUFFIXES) {
            Files.deleteIfExists(dir.resolve(fileName(baseOffset, suffix) + CLEANED_SUFFIX));
            Files.deleteIfExists(dir.resolve(fileName(baseOffset, suffix) + SWAP_SUFFIX));
        }
    }

    /** At open, before the segments are listed: completes committed swaps and removes everything else. */
    public static void recover(final Path dir) throws IOException {
        final List<Long> swapped = new ArrayList<>();
        final List<Path> leftovers = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (final Path file : files) {
                final String name = file.getFileName().toString();
                if (name.endsWith(CLEANED_SUFFIX)) {
                    leftovers.add(file);
                } else if (name.endsWith(LOG_SUFFIX + SWAP_SUFFIX)) {
                    final String logName = name.substring(0, name.length() - SWAP_SUFFIX.length());
                    final long base = SegmentFiles.parseBaseOffset(logName, LOG_SUFFIX);
                    if (base >= 0) {
                        swapped.add(base);
                    }
                } else if (name.endsWith(SWAP_SUFFIX)) {
                    leftovers.add(file);
                }
            }
        }
        for (final long base : swapped) {
            final long end =
                    Math.max(nextOffset(dir.resolve(fileName(base, LOG_SUFFIX) + SWAP_SUFFIX), base), base + 1);
            LOG.info(
                    "Completing the interrupted swap of the cleaned segment {} in {} (replacing segments below {})",
                    base,
                    dir,
                    end);
            deleteSegmentsIn(dir, base, end);
            // the indexes of the swap may be incomplete if the crash came while they were renamed; rebuilt at load
            Files.deleteIfExists(dir.resolve(fileName(base, INDEX_SUFFIX) + SWAP_SUFFIX));
            Files.deleteIfExists(dir.resolve(fileName(base, TIME_INDEX_SUFFIX) + SWAP_SUFFIX));
            move(dir.resolve(fileName(base, LOG_SUFFIX) + SWAP_SUFFIX), dir.resolve(fileName(base, LOG_SUFFIX)));
            leftovers.remove(dir.resolve(fileName(base, INDEX_SUFFIX) + SWAP_SUFFIX));
            leftovers.remove(dir.resolve(fileName(base, TIME_INDEX_SUFFIX) + SWAP_SUFFIX));
        }
        for (final Path leftover : leftovers) {
            LOG.info("Removing {} left by an interrupted cleaning", leftover);
            Files.deleteIfExists(leftover);
        }
        if (!swapped.isEmpty() || !leftovers.isEmpty()) {
            OffsetCheckpointFile.fsyncDirectory(dir);
        }
    }

    /** Deletes the log and index files of every segment whose base offset is in {@code [from, to)}. */
    private static void deleteSegmentsIn(final Path dir, final long from, final long to) throws IOException {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (final Path file : files) {
                final String name = file.getFileName().toString();
                for (final String suffix : SUFFIXES) {
                    final long base = SegmentFiles.parseBaseOffset(name, suffix);
                    if (base >= from && base < to) {
                        Files.deleteIfExists(file);
                    }
                }
            }
        }
    }

    /** The offset after the last batch of a complete (fsync'd) log file: a walk over its batch headers. */
    private static long nextOffset(final Path log, final long baseOffset) throws IOException {
        long next = baseOffset;
        try (FileChannel channel = FileChannel.open(log, StandardOpenOption.READ)) {
            final long size = channel.size();
            final ByteBuffer header = ByteBuffer.allocate(HEADER_SIZE);
            long position = 0;
            while (position + HEADER_SIZE <= size) {
                header.clear();
                int read;
                do {
                    read = channel.read(header, position + header.position());
                } while (read >= 0 && header.hasRemaining());
                if (header.hasRemaining()) {
                    break;
                }
                final long batchBase = header.getLong(RecordBatchFlyweight.BASE_OFFSET_OFFSET);
                next = batchBase + header.getInt(RecordBatchFlyweight.LAST_OFFSET_DELTA_OFFSET) + 1;
                position += header.getInt(RecordBatchFlyweight.BATCH_LENGTH_OFFSET) + (long) LOG_OVERHEAD;
            }
        }
        return next;
    }

    private static void move(final Path from, final Path to) throws IOException {
        Files.move(from, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
