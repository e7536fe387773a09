package io.runnel.storage.log;

import io.runnel.storage.index.OffsetIndex;
import io.runnel.storage.index.TimeIndex;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Creates and opens the files of a {@link LogSegment}, named as its Javadoc describes: a new active segment, the
 * replacement the cleaner writes into, an existing segment to load or recover, and an inactive segment trusted
 * after a clean shutdown, whose indexes are mapped and whose max timestamp is read only when first needed.
 *
 * <p>Thread safety: each call works on files no other thread uses yet; the log that gets the segment owns it.
 */
public final class SegmentFiles {

    private SegmentFiles() {}

    /** Parses the base offset out of {@code <20 digits>.<suffix>}, or -1 if the name is not such a file. */
    static long parseBaseOffset(final String fileName, final String suffix) {
        if (!fileName.endsWith(suffix) || fileName.length() != 20 + suffix.length()) {
            return -1;
        }
        try {
            return Long.parseLong(fileName.substring(0, 20));
        } catch (final NumberFormatException e) {
            return -1;
        }
    }

    /** Creates a new empty segment (the new active segment). */
    public static LogSegment create(final Path dir, final long baseOffset, final int maxIndexSize, final long nowMs)
            throws IOException {
        final Path log = file(dir, baseOffset, LogSegment.LOG_SUFFIX);
        final Path index = file(dir, baseOffset, LogSegment.INDEX_SUFFIX);
        final Path timeIndex = file(dir, baseOffset, LogSegment.TIME_INDEX_SUFFIX);
        Files.deleteIfExists(index);
        Files.deleteIfExists(timeIndex);
        final FileChannel channel = FileChannel.open(
                log,
                StandardOpenOption.CREATE,
                StandardOpenOption.READ,
                StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING);
        return new LogSegment(
                dir,
                baseOffset,
                channel,
                new OffsetIndex(index, baseOffset, maxIndexSize, true),
                new TimeIndex(timeIndex, baseOffset, maxIndexSize, true),
                0,
                nowMs);
    }

    /**
     * Creates the empty replacement the log cleaner writes a cleaned segment into: the usual three files with
     * {@code suffix} ({@code .cleaned}) appended to their names, so nothing of them is mistaken for a segment of the
     * log until {@link SegmentSwap} renames them.
     */
    public static LogSegment createReplacement(
            final Path dir, final long baseOffset, final int maxIndexSize, final String suffix) throws IOException {
        final Path log = dir.resolve(LogSegment.fileName(baseOffset, LogSegment.LOG_SUFFIX) + suffix);
        final Path index = dir.resolve(LogSegment.fileName(baseOffset, LogSegment.INDEX_SUFFIX) + suffix);
        final Path timeIndex = dir.resolve(LogSegment.fileName(baseOffset, LogSegment.TIME_INDEX_SUFFIX) + suffix);
        Files.deleteIfExists(index);
        Files.deleteIfExists(timeIndex);
        final FileChannel channel = FileChannel.open(
                log,
                StandardOpenOption.CREATE,
                StandardOpenOption.READ,
                StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING);
        return new LogSegment(
                dir,
                baseOffset,
                suffix,
                channel,
                new OffsetIndex(index, baseOffset, maxIndexSize, true),
                new TimeIndex(timeIndex, baseOffset, maxIndexSize, true),
                0,
                -1);
    }

    /**
     * Opens an existing segment without looking at its contents; follow with {@link LogSegment#loadTrusted} or
     * {@link LogSegment#recover}. Indexes of the active segment are opened with room for appends.
     */
    public static LogSegment open(final Path dir, final long baseOffset, final int maxIndexSize, final boolean active)
            throws IOException {
        final FileChannel channel = openExisting(file(dir, baseOffset, LogSegment.LOG_SUFFIX));
        final long fileSize = channel.size();
        final Path index = file(dir, baseOffset, LogSegment.INDEX_SUFFIX);
        final Path timeIndex = file(dir, baseOffset, LogSegment.TIME_INDEX_SUFFIX);
        final boolean indexesExist = Files.exists(index) && Files.exists(timeIndex);
        final LogSegment segment = new LogSegment(
                dir,
                baseOffset,
                channel,
                new OffsetIndex(index, baseOffset, maxIndexSize, active),
                new TimeIndex(timeIndex, baseOffset, maxIndexSize, active),
                (int) fileSize,
                -1);
        segment.indexFilesExisted = indexesExist;
        return segment;
    }

    /**
     * Opens an inactive segment after a clean shutdown without reading it or mapping its indexes: they are mapped
     * and checked at their first use, and the max timestamp is read from the time index then. The segment ends
     * where the next one begins ({@code nextBaseOffset}); a compacted segment may stop short of that, which reads
     * handle as they handle any gap. Missing indexes are rebuilt now, as in {@link LogSegment#loadTrusted}.
     */
    public static LogSegment openTrusted(
            final Path dir,
            final long baseOffset,
            final long nextBaseOffset,
            final int indexIntervalBytes,
            final int maxIndexSize)
            throws IOException {
        final Path index = file(dir, baseOffset, LogSegment.INDEX_SUFFIX);
        final Path timeIndex = file(dir, baseOffset, LogSegment.TIME_INDEX_SUFFIX);
        if (!Files.exists(index) || !Files.exists(timeIndex)) {
            final LogSegment segment = open(dir, baseOffset, maxIndexSize, false);
            segment.loadTrusted(indexIntervalBytes, maxIndexSize, false);
            return segment;
        }
        final FileChannel channel = openExisting(file(dir, baseOffset, LogSegment.LOG_SUFFIX));
        final long fileSize = channel.size();
        final LogSegment segment = new LogSegment(
                dir,
                baseOffset,
                channel,
                OffsetIndex.lazy(index, baseOffset, fileSize),
                TimeIndex.lazy(timeIndex, baseOffset, nextBaseOffset),
                (int) fileSize,
                -1);
        segment.lastOffset = nextBaseOffset - 1;
        segment.timestampsLoaded = false;
        return segment;
    }

    private static FileChannel openExisting(final Path log) throws IOException {
        final FileChannel channel = FileChannel.open(log, StandardOpenOption.READ, StandardOpenOption.WRITE);
        if (channel.size() > Integer.MAX_VALUE) {
            channel.close();
            throw new IOException("segment " + log + " is larger than 2 GiB");
        }
        return channel;
    }

    private static Path file(final Path dir, final long baseOffset, final String suffix) {
        return dir.resolve(LogSegment.fileName(baseOffset, suffix));
    }
}
