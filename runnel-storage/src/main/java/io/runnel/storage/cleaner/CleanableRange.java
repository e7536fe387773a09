package io.runnel.storage.cleaner;

import io.runnel.storage.CompactionConfig;
import io.runnel.storage.log.LogSegment;
import java.io.IOException;

/**
 * Which segments of a compacted log the cleaner may rewrite now, and whether it should (Kafka's
 * {@code LogCleanerManager}): segments {@code [0, end)} are cleanable (never the active one, none holding records
 * younger than {@code min.compaction.lag.ms}), of which {@code [firstDirty, end)} hold records at or above the
 * log's first dirty offset (the first of them may start below it, when the last pass stopped inside it). The log is
 * due when the dirty bytes are at least {@code min.cleanable.dirty.ratio} of the cleanable ones, or when its
 * oldest dirty record is older than {@code max.compaction.lag.ms}.
 *
 * @param segments   the log's segment array when the range was chosen
 * @param firstDirty index of the first segment not cleaned yet
 * @param end        index of the first segment that may not be cleaned (exclusive end)
 */
record CleanableRange(LogSegment[] segments, int firstDirty, int end) {

    /** The range to clean now, or null when the log is not due. */
    static CleanableRange select(
            final LogSegment[] segments, final long firstDirtyOffset, final CompactionConfig config, final long nowMs)
            throws IOException {
        int end = segments.length - 1;
        for (int i = 0; i < segments.length - 1; i++) {
            // an empty segment (all cleaned away) holds nothing young; its file time says nothing about records
            if (!segments[i].isEmpty() && nowMs - segments[i].largestTimestamp() < config.minCompactionLagMs()) {
                end = i;
                break;
            }
        }
        int firstDirty = end;
        for (int i = 0; i < end; i++) {
            if (segments[i].nextOffset() > firstDirtyOffset) {
                firstDirty = i;
                break;
            }
        }
        if (firstDirty == end) {
            return null;
        }
        long cleanBytes = 0;
        long dirtyBytes = 0;
        for (int i = 0; i < end; i++) {
            if (i < firstDirty) {
                cleanBytes += segments[i].size();
            } else {
                dirtyBytes += segments[i].size();
            }
        }
        final boolean ratioReached =
                dirtyBytes > 0 && (double) dirtyBytes / (cleanBytes + dirtyBytes) >= config.minCleanableDirtyRatio();
        final long oldestDirty = segments[firstDirty].firstBatchTimestamp();
        final boolean lagExceeded = config.maxCompactionLagMs() != Long.MAX_VALUE
                && oldestDirty >= 0
                && nowMs - oldestDirty > config.maxCompactionLagMs();
        return ratioReached || lagExceeded ? new CleanableRange(segments, firstDirty, end) : null;
    }

    /** Where the next dirty part starts once this whole range is cleaned. */
    long cleanedUpTo() {
        return segments[end].baseOffset();
    }
}
