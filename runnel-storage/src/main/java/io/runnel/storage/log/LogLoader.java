package io.runnel.storage.log;

import static io.runnel.storage.record.RecordBatchFlyweight.HEADER_SIZE;

import io.runnel.storage.producer.ProducerStateManager;
import io.runnel.storage.record.RecordBatchFlyweight;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens a partition directory at startup.
 *
 * <p>After a clean shutdown the files are trusted: inactive segments are opened without reading them, their indexes
 * mapped at first use ({@link SegmentFiles#openTrusted}), so opening a log costs about the same whatever it holds;
 * the active segment steps over the batch headers after its last index entry; an index that is missing, or the
 * active segment's that does not match the log, is rebuilt. After an unclean
 * shutdown every segment from the one holding the recovery point onwards is scanned batch by batch (length,
 * magic, increasing offsets, CRC-32C); the first bad byte truncates its segment, every later segment is
 * deleted, and the scanned segments' indexes are rebuilt. Producer state is then loaded from the newest
 * snapshot at or below the log end offset and brought up to date by replaying batch headers after it. Segments
 * that end below the checkpointed log start offset are all deleted and the log restarts empty there, as in Kafka.
 *
 * <p>Leftovers of interrupted work are removed first: {@code .tmp} files of unfinished atomic writes and
 * {@code .deleted} files of segments that retention or the cleaner removed but did not get to delete, and the
 * files of an interrupted cleaning ({@link SegmentSwap#recover}).
 *
 * <p>Runs on the opening thread before the log is published, so it needs no locking; IO errors propagate as
 * {@link IOException} and the caller turns them into a storage error.
 */
public final class LogLoader {

    private static final Logger LOG = LoggerFactory.getLogger(LogLoader.class);

    /** The opened segments (ascending, last one active) and the log end offset. */
    public record LoadedLog(List<LogSegment> segments, long logEndOffset) {}

    private LogLoader() {}

    public static LoadedLog load(
            final Path dir,
            final long logStartOffset,
            final long recoveryPoint,
            final boolean cleanShutdown,
            final int indexIntervalBytes,
            final int maxIndexSize,
            final long nowMs,
            final ProducerStateManager producers)
            throws IOException {
        SegmentSwap.recover(dir);
        final List<Long> baseOffsets = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (final Path file : files) {
                final String name = file.getFileName().toString();
                // .deleted: segments retention removed, whose delayed deletion a crash or a close cut short
                if (name.endsWith(".tmp") || name.endsWith(LogSegment.DELETED_SUFFIX)) {
                    Files.deleteIfExists(file);
                    continue;
                }
                final long base = SegmentFiles.parseBaseOffset(name, LogSegment.LOG_SUFFIX);
                if (base >= 0) {
                    baseOffsets.add(base);
                }
            }
        }
        baseOffsets.sort(null);
        final List<LogSegment> segments = new ArrayList<>();
        try {
            if (baseOffsets.isEmpty()) {
                segments.add(SegmentFiles.create(dir, logStartOffset, maxIndexSize, nowMs));
            } else {
                final int firstToRecover = firstToRecover(baseOffsets, recoveryPoint, cleanShutdown);
                final int last = baseOffsets.size() - 1;
                for (int i = 0; i <= last; i++) {
                    final long base = baseOffsets.get(i);
                    final boolean lazy = i < firstToRecover && i < last;
                    segments.add(
                            lazy
                                    ? SegmentFiles.openTrusted(
                                            dir, base, baseOffsets.get(i + 1), indexIntervalBytes, maxIndexSize)
                                    : SegmentFiles.open(dir, base, maxIndexSize, i == last));
                }
                loadSegments(segments, firstToRecover, cleanShutdown, indexIntervalBytes, maxIndexSize);
                if (segments.get(segments.size() - 1).nextOffset() < logStartOffset) {
                    startEmptyAt(dir, logStartOffset, segments, maxIndexSize, nowMs, producers);
                }
            }
            final long logEndOffset = segments.get(segments.size() - 1).nextOffset();
            rebuildProducerState(segments, logEndOffset, producers);
            return new LoadedLog(segments, logEndOffset);
        } catch (final IOException | RuntimeException e) {
            for (final LogSegment segment : segments) {
                try {
                    segment.channel().close();
                } catch (final IOException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw e;
        }
    }

    /**
     * The segments end below the log start offset, so nothing in them can be read: they all go, with the producer
     * state, and the log restarts empty at its start offset, as Kafka's {@code LogLoader} does
     * ({@code deleteSegmentsIfLogStartGreaterThanLogEnd}). A truncation into a gap the cleaner left ends the log
     * above its last record, and DeleteRecords may have moved the log start offset up to that end; the segments
     * alone then end below it. Nothing above the last segment's end needs to be kept, and the log start offset
     * must not come down, or offsets below it would be handed out again.
     */
    private static void startEmptyAt(
            final Path dir,
            final long logStartOffset,
            final List<LogSegment> segments,
            final int maxIndexSize,
            final long nowMs,
            final ProducerStateManager producers)
            throws IOException {
        LOG.warn(
                "Deleting every segment of {}: they end at {}, below the log start offset {}",
                dir,
                segments.get(segments.size() - 1).nextOffset(),
                logStartOffset);
        // oldest first: a crash half way leaves segments that still end below the log start offset
        while (!segments.isEmpty()) {
            final LogSegment segment = segments.remove(0);
            segment.closeWithoutWriting();
            segment.closeAndDelete();
        }
        producers.truncateFully();
        segments.add(SegmentFiles.create(dir, logStartOffset, maxIndexSize, nowMs));
    }

    /** Index of the first segment to scan: none after a clean shutdown, else the one holding the recovery point. */
    private static int firstToRecover(
            final List<Long> baseOffsets, final long recoveryPoint, final boolean cleanShutdown) {
        if (cleanShutdown) {
            return baseOffsets.size();
        }
        int first = 0;
        for (int i = 0; i < baseOffsets.size(); i++) {
            if (baseOffsets.get(i) <= recoveryPoint) {
                first = i;
            }
        }
        return first;
    }

    /** Segments before {@code firstToRecover} are trusted (the inactive ones were opened lazily), the rest scanned. */
    private static void loadSegments(
            final List<LogSegment> segments,
            final int firstToRecover,
            final boolean cleanShutdown,
            final int indexIntervalBytes,
            final int maxIndexSize)
            throws IOException {
        for (int i = 0; i < segments.size(); i++) {
            final LogSegment segment = segments.get(i);
            final boolean active = i == segments.size() - 1;
            if (i < firstToRecover) {
                if (active) {
                    segment.loadTrusted(indexIntervalBytes, maxIndexSize, true);
                }
                continue;
            }
            final int truncated = segment.recover(Integer.MAX_VALUE, indexIntervalBytes, maxIndexSize, active, true);
            if (truncated > 0 && !active) {
                LOG.warn("Deleting {} segments after the corruption in {}", segments.size() - i - 1, segment);
                while (segments.size() > i + 1) {
                    segments.remove(segments.size() - 1).closeAndDelete();
                }
                SegmentRecovery.reactivate(segment, maxIndexSize);
                break;
            }
        }
        if (!cleanShutdown) {
            segments.get(segments.size() - 1).flush();
        }
    }

    /** Loads the newest usable snapshot and replays batch headers (no decompression) from it to the end. */
    public static void rebuildProducerState(
            final List<LogSegment> segments, final long logEndOffset, final ProducerStateManager producers)
            throws IOException {
        final long snapshotOffset = producers.loadLatestSnapshot(logEndOffset);
        final long from = Math.max(snapshotOffset, 0);
        final ByteBuffer header = ByteBuffer.allocate(HEADER_SIZE);
        final RecordBatchFlyweight batch = new RecordBatchFlyweight();
        for (final LogSegment segment : segments) {
            if (segment.nextOffset() <= from) {
                continue;
            }
            int position = from > segment.baseOffset() ? Math.max(segment.findBatchPosition(from, header), 0) : 0;
            final int end = segment.size();
            while (position + HEADER_SIZE <= end) {
                header.clear();
                long filePosition = position;
                while (header.hasRemaining()) {
                    if (segment.channel().read(header, filePosition) < 0) {
                        return;
                    }
                    filePosition = position + header.position();
                }
                batch.wrap(header, 0);
                if (batch.baseOffset() >= from && batch.producerId() >= 0) {
                    producers.update(
                            batch.producerId(),
                            batch.producerEpoch(),
                            batch.baseSequence(),
                            batch.lastSequence(),
                            batch.baseOffset(),
                            batch.lastOffset(),
                            batch.maxTimestamp());
                }
                position += batch.sizeInBytes();
            }
        }
    }
}
