package io.runnel.storage;

import static io.runnel.storage.record.RecordBatchFlyweight.HEADER_SIZE;

import io.runnel.storage.log.LogSegment;
import io.runnel.storage.log.SegmentFiles;
import io.runnel.storage.record.RecordBatchFlyweight;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The segments of one {@link PartitionLog}, oldest first, the last one active: a copy-on-write array, so a reader
 * takes the array once ({@link #array}) and keeps reading it however the log changes meanwhile. Finds segments by
 * offset, decides and makes rolls, and builds every changed array: retention takes segments from the front,
 * truncation from the back, the cleaner swaps cleaned copies in between.
 *
 * <p>Thread safety: changed only by the owning log under its append lock, each change published with one volatile
 * write of a new array. The reads over an array ({@link #read}) take no lock.
 */
final class SegmentList {

    /** What a truncation removed, and where the log now ends. */
    record Truncated(List<LogSegment> removed, long endOffset) {}

    private volatile LogSegment[] segments;

    SegmentList(final List<LogSegment> loaded) {
        this.segments = loaded.toArray(new LogSegment[0]);
    }

    /** The current array; never changed once published. */
    LogSegment[] array() {
        return segments;
    }

    int count() {
        return segments.length;
    }

    LogSegment first() {
        return segments[0];
    }

    LogSegment active() {
        final LogSegment[] segs = segments;
        return segs[segs.length - 1];
    }

    /** Bytes in all segments' log files (what {@code retention.bytes} limits). */
    long sizeInBytes() {
        long size = 0;
        for (final LogSegment segment : segments) {
            size += segment.size();
        }
        return size;
    }

    /** Index of the segment that holds {@code offset}: the last one based at or below it (the first if none is). */
    static int floor(final LogSegment[] segs, final long offset) {
        int low = 0;
        int high = segs.length - 1;
        int found = 0;
        while (low <= high) {
            final int mid = (low + high) >>> 1;
            if (segs[mid].baseOffset() <= offset) {
                found = mid;
                low = mid + 1;
            } else {
                high = mid - 1;
            }
        }
        return found;
    }

    /** The segments from the one holding {@code offset} to the active one. */
    LogSegment[] from(final long offset) {
        final LogSegment[] segs = segments;
        return Arrays.copyOfRange(segs, floor(segs, offset), segs.length);
    }

    // ------------------------------------------------------------------------------------------------ rolls

    /**
     * Whether an append of {@code bytes} up to {@code lastOffset} needs a new active segment: the active one would
     * pass {@code segment.bytes}, is older than {@code segment.ms}, has a full index, or could not index the offset
     * relative to its base. An empty active segment is never rolled.
     */
    boolean rollDue(final int bytes, final long lastOffset, final long now, final LogConfig cfg) {
        final LogSegment active = active();
        if (active.isEmpty()) {
            return false;
        }
        final long rollBase = active.rollingBasedTimestampMs();
        return active.wouldExceed(bytes, cfg.segmentBytes())
                || (rollBase >= 0 && now - rollBase > cfg.segmentMs())
                || active.indexesFull()
                || lastOffset - active.baseOffset() > Integer.MAX_VALUE;
    }

    /** Publishes a new empty active segment at {@code baseOffset}; the old one must be sealed already. */
    LogSegment roll(final Path dir, final long baseOffset, final int maxIndexSize, final long nowMs)
            throws IOException {
        final LogSegment fresh = SegmentFiles.create(dir, baseOffset, maxIndexSize, nowMs);
        final LogSegment[] next = Arrays.copyOf(segments, segments.length + 1);
        next[next.length - 1] = fresh;
        segments = next;
        return fresh;
    }

    // -------------------------------------------------------------------------------- retention, truncation

    /**
     * Takes the {@code count} oldest segments out (some must stay) and renames their files for deletion. The caller
     * publishes the new log start offset first, see {@link PartitionLog#read}.
     */
    List<LogSegment> removeOldest(final int count) throws IOException {
        final LogSegment[] all = segments;
        segments = Arrays.copyOfRange(all, count, all.length);
        final List<LogSegment> removed = List.of(Arrays.copyOfRange(all, 0, count));
        renameForDeletion(removed);
        return removed;
    }

    /**
     * Drops every batch from the one holding {@code offset} on, see {@link PartitionLog#truncateTo}: the segments
     * above it are renamed for deletion, the one holding it is cut there and made active with its indexes rebuilt.
     * When the first segment starts at or above {@code offset}, every segment goes and a new empty one starts there.
     */
    Truncated truncateTo(final Path dir, final long offset, final LogConfig cfg, final long nowMs) throws IOException {
        final LogSegment[] all = segments;
        if (offset <= all[0].baseOffset()) {
            final List<LogSegment> removed = List.of(all);
            // renamed before the new segment of the same base offset is created
            renameForDeletion(removed);
            segments = new LogSegment[] {SegmentFiles.create(dir, offset, cfg.segmentIndexBytes(), nowMs)};
            return new Truncated(removed, offset);
        }
        final int keep = floor(all, offset);
        final List<LogSegment> removed = List.of(Arrays.copyOfRange(all, keep + 1, all.length));
        renameForDeletion(removed);
        final LogSegment active = all[keep];
        long end = offset;
        final ByteBuffer header = ByteBuffer.allocate(HEADER_SIZE);
        final int position = active.findBatchPosition(offset, header);
        if (position >= 0) {
            // the batch holding the offset, or the first after it when the cleaner left a gap there
            end = Math.min(offset, header.getLong(RecordBatchFlyweight.BASE_OFFSET_OFFSET));
            active.truncateTo(position);
        }
        active.recover(Integer.MAX_VALUE, cfg.indexIntervalBytes(), cfg.segmentIndexBytes(), true, false);
        segments = Arrays.copyOf(all, keep + 1);
        return new Truncated(removed, end);
    }

    private static void renameForDeletion(final List<LogSegment> removed) throws IOException {
        for (final LogSegment segment : removed) {
            segment.renameForDeletion();
        }
    }

    // ---------------------------------------------------------------------------------------------- cleaning

    /**
     * Where the consecutive segments {@code group} start among the closed segments (never the active one), or -1
     * when they are no longer all there in that order (retention removed some, the log was truncated).
     */
    int indexOfClosed(final List<LogSegment> group) {
        final LogSegment[] current = segments;
        int index = -1;
        for (int i = 0; i < current.length - 1; i++) {
            if (current[i] == group.get(0)) {
                index = i;
            }
        }
        boolean intact = index >= 0 && index + group.size() <= current.length - 1;
        for (int i = 0; intact && i < group.size(); i++) {
            intact = current[index + i] == group.get(i);
        }
        return intact ? index : -1;
    }

    /** Publishes the array with {@code cleaned} in place of the {@code count} segments at {@code index}. */
    void replace(final int index, final int count, final LogSegment cleaned) {
        final LogSegment[] current = segments;
        final LogSegment[] next = new LogSegment[current.length - count + 1];
        System.arraycopy(current, 0, next, 0, index);
        next[index] = cleaned;
        System.arraycopy(current, index + count, next, index + 1, current.length - index - count);
        segments = next;
    }

    // ------------------------------------------------------------------------------------------------- reads

    /**
     * Whole batches starting with the one that holds {@code fetchOffset}, from one segment of {@code segs}, only
     * those based below {@code bound}; see {@link PartitionLog#read}.
     */
    static LogSlice read(
            final LogSegment[] segs,
            final long fetchOffset,
            final int maxBytes,
            final long bound,
            final boolean minOneBatch,
            final ByteBuffer scratch)
            throws IOException {
        for (int i = floor(segs, fetchOffset); i < segs.length; i++) {
            final LogSegment segment = segs[i];
            final int position = segment.findBatchPosition(fetchOffset, scratch);
            if (position < 0) {
                continue;
            }
            final int length = segment.sliceLength(position, maxBytes, bound, minOneBatch, scratch);
            return length == 0 ? LogSlice.empty() : new LogSlice(segment.channel(), position, length);
        }
        return LogSlice.empty();
    }

    /** The first record at or after {@code minOffset} whose timestamp is &gt;= {@code timestamp}. */
    Optional<TimestampAndOffset> findByTimestamp(final long timestamp, final long minOffset, final int maxRecordBytes)
            throws IOException {
        for (final LogSegment segment : segments) {
            if (segment.maxTimestamp() >= timestamp) {
                final Optional<TimestampAndOffset> found =
                        segment.findByTimestamp(timestamp, minOffset, maxRecordBytes);
                if (found.isPresent()) {
                    return found;
                }
            }
        }
        return Optional.empty();
    }

    /** The first record carrying the largest timestamp of all segments. */
    Optional<TimestampAndOffset> maxTimestampRecord(final int maxRecordBytes) throws IOException {
        LogSegment best = null;
        for (final LogSegment segment : segments) {
            if (segment.offsetOfMaxTimestamp() >= 0 && (best == null || segment.maxTimestamp() > best.maxTimestamp())) {
                best = segment;
            }
        }
        return best == null ? Optional.empty() : best.maxTimestampRecord(maxRecordBytes);
    }

    // ------------------------------------------------------------------------------------------ flush, close

    /**
     * fsyncs {@code segs}. A segment that retention or compaction removed meanwhile may be closed already; it needs
     * no fsync.
     */
    static void flush(final LogSegment[] segs) throws IOException {
        for (final LogSegment segment : segs) {
            try {
                segment.flush();
            } catch (final IOException e) {
                if (!segment.isRenamedForDeletion()) {
                    throw e;
                }
            }
        }
    }

    /** Closes every segment (final index entries, trim, fsync), all of them even after one failed. */
    void close() throws IOException {
        IOException failure = null;
        for (final LogSegment segment : segments) {
            try {
                segment.close();
            } catch (final IOException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    /** Closes every segment's files without writing (the log is offline or about to be deleted). */
    void closeWithoutWriting() {
        for (final LogSegment segment : segments) {
            segment.closeWithoutWriting();
        }
    }
}
