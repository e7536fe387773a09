package io.runnel.storage;

/**
 * The log cleaner's settings of one log, named after the Kafka topic configs they mirror.
 *
 * @param enabled                whether {@code cleanup.policy} contains {@code compact}
 * @param minCleanableDirtyRatio {@code min.cleanable.dirty.ratio}: clean once the bytes after the cleaned point
 *                               are at least this share of the log
 * @param deleteRetentionMs      {@code delete.retention.ms}: how long a tombstone (null value) stays after the
 *                               first cleaning that kept it (KIP-534), so consumers that read the key see its
 *                               deletion
 * @param minCompactionLagMs     {@code min.compaction.lag.ms}: a record younger than this is never cleaned away
 * @param maxCompactionLagMs     {@code max.compaction.lag.ms}: a log whose oldest dirty record is older than this
 *                               is cleaned whatever its dirty ratio
 */
public record CompactionConfig(
        boolean enabled,
        double minCleanableDirtyRatio,
        long deleteRetentionMs,
        long minCompactionLagMs,
        long maxCompactionLagMs) {

    public CompactionConfig {
        if (minCleanableDirtyRatio < 0 || minCleanableDirtyRatio > 1) {
            throw new IllegalArgumentException(
                    "minCleanableDirtyRatio must be within [0, 1], was " + minCleanableDirtyRatio);
        }
        if (deleteRetentionMs < 0 || minCompactionLagMs < 0 || maxCompactionLagMs < 1) {
            throw new IllegalArgumentException("compaction lags and delete retention must not be negative");
        }
    }

    /** Kafka's defaults, with compaction off ({@code cleanup.policy=delete}). */
    public static CompactionConfig defaults() {
        return new CompactionConfig(false, 0.5, 86_400_000L, 0, Long.MAX_VALUE);
    }

    public CompactionConfig withEnabled(final boolean on) {
        return new CompactionConfig(
                on, minCleanableDirtyRatio, deleteRetentionMs, minCompactionLagMs, maxCompactionLagMs);
    }
}
