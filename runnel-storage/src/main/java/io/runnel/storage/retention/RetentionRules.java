package io.runnel.storage.retention;

import io.runnel.storage.LogConfig;
import io.runnel.storage.log.LogSegment;
import java.io.IOException;

/**
 * Kafka's retention rules ({@code UnifiedLog.deleteOldSegments}): how many of a log's oldest segments may be
 * deleted. Deletion always takes whole segments from the front, and each rule continues where the one before
 * it stopped, in Kafka's order:
 * <ol>
 *   <li>log start offset: a segment whose successor starts at or below the log start offset holds nothing a
 *       reader may fetch. This applies to every topic, compacted ones included;</li>
 *   <li>{@code retention.bytes}: a segment goes while the segments after it still hold at least that many
 *       bytes, so the log keeps at least {@code retention.bytes} and less than that plus one segment;</li>
 *   <li>{@code retention.ms}: a segment goes when its largest timestamp
 *       ({@link LogSegment#largestTimestamp}) is more than {@code retention.ms} before now. A segment holding
 *       a timestamp from the future therefore stays, and so does everything after it.</li>
 * </ol>
 * The last two apply only when {@code cleanup.policy} contains {@code delete}. An empty last segment is never
 * counted: a log that lost everything else keeps it as its active segment.
 *
 * <p>Stateless; the caller holds the log's lock, which makes the segments' sizes and timestamps stable.
 */
public final class RetentionRules {

    private RetentionRules() {}

    /** The number of leading segments of {@code segments} (oldest first, last one active) that may be deleted. */
    public static int deletableCount(
            final LogSegment[] segments, final LogConfig config, final long logStartOffset, final long nowMs)
            throws IOException {
        int count = 0;
        while (count < segments.length - 1 && segments[count + 1].baseOffset() <= logStartOffset) {
            count++;
        }
        if (!config.cleanupPolicyDelete()) {
            return count;
        }
        if (config.retentionBytes() >= 0) {
            long excess = -config.retentionBytes();
            for (int i = count; i < segments.length; i++) {
                excess += segments[i].size();
            }
            while (deletable(segments, count) && excess - segments[count].size() >= 0) {
                excess -= segments[count].size();
                count++;
            }
        }
        if (config.retentionMs() >= 0) {
            while (deletable(segments, count) && nowMs - segments[count].largestTimestamp() > config.retentionMs()) {
                count++;
            }
        }
        return count;
    }

    private static boolean deletable(final LogSegment[] segments, final int index) {
        if (index >= segments.length) {
            return false;
        }
        return index < segments.length - 1 || !segments[index].isEmpty();
    }
}
