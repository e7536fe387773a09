package io.runnel.storage;

import java.io.IOException;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.Supplier;

import org.apache.kafka.common.record.Record;
import org.apache.kafka.common.utils.BufferSupplier;
import org.apache.kafka.common.utils.CloseableIterator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.runnel.storage.log.LogSegment;
import io.runnel.storage.log.SegmentBatches;
import io.runnel.storage.log.SegmentSwap;

/**
 * Log compaction for logs whose {@code cleanup.policy} contains {@code compact} (Kafka's {@code LogCleaner}, with
 * one cleaner thread): every {@code log.cleaner.backoff.ms} each such log that is due ({@link CleanableRange}) gets
 * an offset map of its dirty segments ({@link CleanerOffsetMap}), then every cleanable segment is rewritten without
 * its superseded records and expired tombstones ({@link SegmentCleaner}) and swapped in ({@link SegmentSwap},
 * {@link PartitionLog#replaceWithCleaned}); the old segment is closed and deleted {@code file.delete.delay.ms} later
 * ({@link RetiredSegments}), so readers that hold it finish undisturbed.
 *
 * <p>Threads: one daemon thread, {@value #THREAD_NAME}, runs the passes and the delayed deletions. Appends and
 * fetches never wait for it except for the swap of one segment, a few renames under the log's lock. A log that
 * fails is logged and skipped; the others and later passes go on.
 */
final class LogCleaner implements AutoCloseable {

    static final String THREAD_NAME = "runnel-log-cleaner";
    /** Kafka's default {@code log.cleaner.backoff.ms}. */
    static final long DEFAULT_BACKOFF_MS = 15_000L;
    private static final Logger LOG = LoggerFactory.getLogger(LogCleaner.class);

    private final Supplier<Collection<PartitionLog>> logs;
    private final InstantSource clock;
    private final RetiredSegments retired = new RetiredSegments();
    private final StorageThread thread;

    LogCleaner(final Supplier<Collection<PartitionLog>> logs, final InstantSource clock, final long backoffMs) {
        if (backoffMs < 1) {
            throw new IllegalArgumentException("log.cleaner.backoff.ms must be positive, was " + backoffMs);
        }
        this.logs = logs;
        this.clock = clock;
        this.thread = new StorageThread(THREAD_NAME, backoffMs, this::runOnce);
    }

    /**
     * One pass over every compacted log: deletes replaced segments whose delay has passed, then cleans each due log.
     *
     * @return the number of segments replaced by cleaned copies
     */
    int runOnce() {
        final long now = clock.millis();
        retired.deleteDue(now);
        int replaced = 0;
        for (final PartitionLog log : logs.get()) {
            if (!log.config().compacted() || log.isOffline()) {
                continue;
            }
            try {
                replaced += clean(log, now);
            } catch (final IOException e) {
                // reading the segments or writing their cleaned copies: the disk of this log failed (logged there)
                log.reportDiskError("cleaning " + log.topicPartition(), e);
            } catch (final RuntimeException e) {
                LOG.error("Cleaning {} failed; the other logs go on", log.topicPartition(), e);
            }
        }
        return replaced;
    }

    /** Cleans one log if it is due; returns the number of segments replaced. */
    static int clean(final PartitionLog log, final long now, final RetiredSegments retired,
                     final Runnable scheduleDeletion) throws IOException {
        final LogConfig config = log.config();
        final CleanableRange range = CleanableRange.select(log.segmentsForCleaning(), log.firstDirtyOffset(),
                config.compaction(), now);
        if (range == null) {
            return 0;
        }
        final CleanerOffsetMap map = new CleanerOffsetMap();
        for (int i = range.firstDirty(); i < range.end(); i++) {
            SegmentBatches.forEach(range.segments()[i], (batch, bytes) -> {
                try (CloseableIterator<Record> records = batch.streamingIterator(BufferSupplier.NO_CACHING)) {
                    while (records.hasNext()) {
                        final Record record = records.next();
                        if (record.hasKey() && !batch.isControlBatch()) {
                            map.put(record);
                        }
                    }
                }
            });
        }
        final long tombstoneHorizon = now - config.compaction().deleteRetentionMs();
        final List<LogSegment> replaced = new ArrayList<>();
        long read = 0;
        long kept = 0;
        for (int i = 0; i < range.end(); i++) {
            final LogSegment source = range.segments()[i];
            // tombstones survive their first cleaning, so consumers get delete.retention.ms to see them
            final long dropTombstonesBefore = i < range.firstDirty() ? tombstoneHorizon : Long.MIN_VALUE;
            final SegmentCleaner.Outcome outcome = SegmentCleaner.rewrite(source, map, dropTombstonesBefore, config, now);
            read += outcome.recordsRead();
            kept += outcome.recordsKept();
            if (!outcome.changed()) {
                continue;
            }
            SegmentSwap.markForSwap(source.dir(), source.baseOffset());
            final LogSegment old = log.replaceWithCleaned(source);
            if (old != null) {
                replaced.add(old);
            }
        }
        log.markCleanedUpTo(range.cleanedUpTo());
        LOG.info("Cleaned {} up to offset {}: {} keys in the dirty part, kept {} of {} records, replaced {} segment(s)",
                log.topicPartition(), range.cleanedUpTo(), map.size(), kept, read, replaced.size());
        if (!replaced.isEmpty()) {
            retired.add(replaced, now + config.fileDeleteDelayMs());
            scheduleDeletion.run();
        }
        return replaced.size();
    }

    private int clean(final PartitionLog log, final long now) throws IOException {
        final long delayMs = log.config().fileDeleteDelayMs();
        // when the thread is closing, close deletes whatever is still waiting
        return clean(log, now, retired, () -> thread.schedule(() -> retired.deleteDue(clock.millis()), delayMs));
    }

    /** Replaced segments whose files are not deleted yet. */
    int pendingDeletions() {
        return retired.size();
    }

    /** Stops the thread (waiting for a running pass) and deletes every replaced segment still waiting. */
    @Override
    public void close() {
        thread.close();
        retired.deleteAll();
    }
}
