package io.runnel.storage;

import io.runnel.storage.cleaner.LogCleaner;
import io.runnel.storage.log.LogSegment;
import io.runnel.storage.log.SegmentFiles;
import io.runnel.storage.log.SegmentSwap;
import java.io.IOException;
import java.util.List;
import org.apache.kafka.common.errors.KafkaStorageException;

/**
 * What the cleaner ({@link LogCleaner}) works with in one {@link PartitionLog}: the segments to read, where the
 * part of the log no cleaner pass has seen starts (the first dirty offset, checkpointed by the {@link LogManager}),
 * and the swap that puts a cleaned copy in place. The cleaner rewrites closed segments off the log's lock and swaps
 * each cleaned copy in under it ({@link #replaceWithCleaned}), handing the old one back for delayed closing just as
 * retention does.
 *
 * <p>Thread safety: the first dirty offset and the truncation count are volatile, read by the cleaner without a
 * lock and changed under the log's append lock. Every truncation bumps the count, and a cleaning pass that saw
 * another count neither swaps its stale copies in nor moves the first dirty offset.
 */
public final class LogCleaning {

    private final PartitionLog log;
    /** Where the part of the log the cleaner has not seen yet starts. */
    private volatile long firstDirtyOffset;
    /** Bumped by every truncation, so a cleaning that began before one does not swap in stale copies. */
    private volatile long truncations;

    LogCleaning(final PartitionLog log) {
        this.log = log;
        this.firstDirtyOffset = log.logStartOffset;
    }

    /** The current segment array, for the cleaner to read (it never changes an array it was handed). */
    public LogSegment[] segmentsForCleaning() {
        return log.segments.array();
    }

    /** Where the part of the log no cleaner pass has seen starts, within [log start, log end]. */
    public long firstDirtyOffset() {
        return Math.min(Math.max(firstDirtyOffset, log.logStartOffset), log.logEndOffset);
    }

    /** How many times the log was truncated; a cleaning that saw another count must not swap anything in. */
    public long truncations() {
        return truncations;
    }

    /** The cleaner checkpoint read at open ({@code cleaner-offset-checkpoint}), held within [log start, log end]. */
    void restoreFirstDirtyOffset(final long checkpointed) {
        log.lock.lock();
        try {
            firstDirtyOffset = Math.min(Math.max(checkpointed, log.logStartOffset), log.logEndOffset);
        } finally {
            log.lock.unlock();
        }
    }

    /** A truncation begins, under the append lock. */
    void truncating() {
        truncations++;
    }

    /** A truncation ended the log at {@code end}, under the append lock. */
    void truncatedTo(final long end) {
        firstDirtyOffset = Math.min(firstDirtyOffset, end);
    }

    /** A cleaner pass covered everything below {@code offset}, unless the log was truncated since it began. */
    public void markCleanedUpTo(final long offset, final long truncationsAtStart) {
        log.lock.lock();
        try {
            if (truncations == truncationsAtStart) {
                firstDirtyOffset = Math.max(firstDirtyOffset, Math.min(offset, log.logEndOffset));
            }
        } finally {
            log.lock.unlock();
        }
    }

    /**
     * Puts the cleaned copy of the consecutive segments {@code group} (the {@code .swap} files of the first one's
     * base offset, see {@link SegmentSwap}) in their place, under the lock but doing only renames and an
     * index-trusting open. Readers that took the old array or a slice of an old segment keep reading it: its files
     * are renamed to {@code .deleted} and stay open.
     *
     * @return the replaced segments, for closing after {@code file.delete.delay.ms}; empty when they are no longer
     *         all in the log (retention removed some, the log was truncated or closed), the cleaned files then deleted
     * @throws KafkaStorageException disk failure (the log is then offline)
     */
    public List<LogSegment> replaceWithCleaned(final List<LogSegment> group, final long truncationsAtStart) {
        log.lock.lock();
        try {
            final int index = log.segments.indexOfClosed(group);
            final long base = group.get(0).baseOffset();
            return log.io.call("swapping in the cleaned segment " + base + " of " + log.topicPartition, () -> {
                if (log.closed || log.isOffline() || index < 0 || truncations != truncationsAtStart) {
                    SegmentSwap.discard(log.dir, base);
                    return List.of();
                }
                final LogConfig cfg = log.config;
                // the old files go first: a crash from here on finds the .swap log and completes the swap
                for (final LogSegment old : group) {
                    old.renameForDeletion();
                }
                SegmentSwap.install(log.dir, base);
                final LogSegment cleaned = SegmentFiles.open(log.dir, base, cfg.segmentIndexBytes(), false);
                cleaned.loadTrusted(cfg.indexIntervalBytes(), cfg.segmentIndexBytes(), false);
                log.segments.replace(index, group.size(), cleaned);
                return List.copyOf(group);
            });
        } finally {
            log.lock.unlock();
        }
    }

    /** A disk error the cleaner met while rewriting this log's files: takes the log offline, returns the exception. */
    public KafkaStorageException reportDiskError(final String what, final IOException cause) {
        return log.io.failure(what, cause);
    }
}
