package io.runnel.storage.log;

import static io.runnel.storage.log.LogSegment.INDEX_SUFFIX;
import static io.runnel.storage.log.LogSegment.LOG_SUFFIX;
import static io.runnel.storage.log.LogSegment.TIME_INDEX_SUFFIX;
import static io.runnel.storage.log.LogSegment.fileName;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The file steps that replace a segment by its cleaned copy, and their recovery after a crash (Kafka's
 * {@code .cleaned} / {@code .swap} protocol, for one segment replaced by one with the same base offset):
 * <ol>
 *   <li>the cleaner writes {@code X.log.cleaned} and its two indexes and fsyncs them;</li>
 *   <li>{@link #markForSwap} renames the indexes, then the log, to {@code .swap}: a {@code X.log.swap} is a
 *       complete replacement, the commit point;</li>
 *   <li>under the log's lock the old segment's files are renamed to {@code .deleted} (still open for readers)
 *       and {@link #install} renames the {@code .swap} files to the segment's own names.</li>
 * </ol>
 * {@link #recover}, run when a log is opened, finishes or undoes whatever a crash interrupted: {@code .cleaned}
 * files are incomplete and deleted; a {@code X.log.swap} replaces whatever {@code X.log} is there; index
 * {@code .swap} files without their log are deleted (indexes missing afterwards are rebuilt from the log).
 */
public final class SegmentSwap {

    public static final String CLEANED_SUFFIX = ".cleaned";
    public static final String SWAP_SUFFIX = ".swap";
    private static final Logger LOG = LoggerFactory.getLogger(SegmentSwap.class);
    private static final String[] SUFFIXES = {INDEX_SUFFIX, TIME_INDEX_SUFFIX, LOG_SUFFIX};

    private SegmentSwap() {
    }

    /** Step 2: the cleaned files of {@code baseOffset} become the swap files, the log file last. */
    public static void markForSwap(final Path dir, final long baseOffset) throws IOException {
        for (final String suffix : SUFFIXES) {
            move(dir.resolve(fileName(baseOffset, suffix) + CLEANED_SUFFIX),
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
                    swapped.add(LogSegment.parseBaseOffset(name.substring(0, name.length() - SWAP_SUFFIX.length()),
                            LOG_SUFFIX));
                } else if (name.endsWith(SWAP_SUFFIX)) {
                    leftovers.add(file);
                }
            }
        }
        for (final long base : swapped) {
            if (base < 0) {
                continue;
            }
            LOG.info("Completing the interrupted swap of the cleaned segment {} in {}", base, dir);
            Files.deleteIfExists(dir.resolve(fileName(base, INDEX_SUFFIX)));
            Files.deleteIfExists(dir.resolve(fileName(base, TIME_INDEX_SUFFIX)));
            Files.deleteIfExists(dir.resolve(fileName(base, INDEX_SUFFIX) + SWAP_SUFFIX));
            Files.deleteIfExists(dir.resolve(fileName(base, TIME_INDEX_SUFFIX) + SWAP_SUFFIX));
            // the old log file, if still there, is replaced; its indexes are rebuilt from the new one
            move(dir.resolve(fileName(base, LOG_SUFFIX) + SWAP_SUFFIX), dir.resolve(fileName(base, LOG_SUFFIX)));
            leftovers.remove(dir.resolve(fileName(base, INDEX_SUFFIX) + SWAP_SUFFIX));
            leftovers.remove(dir.resolve(fileName(base, TIME_INDEX_SUFFIX) + SWAP_SUFFIX));
        }
        for (final Path leftover : leftovers) {
            LOG.info("Removing {} left by an interrupted cleaning", leftover);
            Files.deleteIfExists(leftover);
        }
    }

    private static void move(final Path from, final Path to) throws IOException {
        Files.move(from, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
