package io.runnel.storage.cleaner;

import io.runnel.storage.log.LogSegment;
import java.util.ArrayList;
import java.util.List;

/**
 * Which consecutive segments the cleaner rewrites into one (Kafka's {@code Cleaner.groupSegmentsBySize}), so a
 * compacted log does not end up as a long run of tiny segments: a group grows while its segments' bytes stay within
 * {@code segment.bytes}, their offset and time index entries within {@code segment.index.bytes}, and every offset
 * in it stays within an int of the first segment's base offset (the relative offsets of the indexes). Sizes are
 * those before cleaning, so the cleaned segment can only be smaller.
 */
final class SegmentGroups {

    private SegmentGroups() {}

    /** Groups {@code segments[0, end)} in order; every segment is in exactly one group. */
    static List<List<LogSegment>> bySize(
            final LogSegment[] segments, final int end, final int maxBytes, final int maxIndexBytes) {
        final List<List<LogSegment>> groups = new ArrayList<>();
        int i = 0;
        while (i < end) {
            final List<LogSegment> group = new ArrayList<>();
            final LogSegment first = segments[i];
            group.add(first);
            long bytes = first.size();
            long offsetIndexBytes = first.offsetIndex().sizeInBytes();
            long timeIndexBytes = first.timeIndex().sizeInBytes();
            i++;
            while (i < end) {
                final LogSegment next = segments[i];
                final long nextBytes = bytes + next.size();
                final long nextOffsetIndex =
                        offsetIndexBytes + next.offsetIndex().sizeInBytes();
                final long nextTimeIndex = timeIndexBytes + next.timeIndex().sizeInBytes();
                if (nextBytes > maxBytes
                        || nextOffsetIndex > maxIndexBytes
                        || nextTimeIndex > maxIndexBytes
                        || next.lastOffset() - first.baseOffset() > Integer.MAX_VALUE) {
                    break;
                }
                group.add(next);
                bytes = nextBytes;
                offsetIndexBytes = nextOffsetIndex;
                timeIndexBytes = nextTimeIndex;
                i++;
            }
            groups.add(group);
        }
        return groups;
    }
}
