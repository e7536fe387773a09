package io.runnel.storage.cleaner;

import io.runnel.storage.LogCleaning;
import io.runnel.storage.LogConfig;
import io.runnel.storage.PartitionLog;
import io.runnel.storage.StorageThread;
import io.runnel.storage.log.LogSegment;
import io.runnel.storage.log.SegmentBatches;
import io.runnel.storage.log.SegmentSwap;
import io.runnel.storage.record.BoundedRecords;
import io.runnel.storage.retention.RetiredSegments;
import java.io.IOException;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.utils.internals.CloseableIterator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Log compaction for logs whose {@code cleanup.policy} contains {@code compact} (Kafka's {@code LogCleaner}): every
 * {@code log.cleaner.backoff.ms} each cleaner thread takes each such log that is due ({@link CleanableRange}) and no
 * other thread is cleaning; the log gets
 * an offset map of its dirty part ({@link CleanerOffsetMap}, bounded by {@code log.cleaner.dedupe.buffer.size}: a
 * pass whose map fills covers the dirty part only up to that point), then the segments below that point are grouped
 * ({@link SegmentGroups}), each group rewritten into one segment without its superseded records and expired
 * tombstones ({@link SegmentCleaner}) and swapped in ({@link SegmentSwap}, {@link LogCleaning#replaceWithCleaned});
 * the old segments are closed and deleted {@code file.delete.delay.ms} later ({@link RetiredSegments}), so readers
 * that hold them finish undisturbed. Where the next dirty part starts is then checkpointed
 * ({@code cleaner-offset-checkpoint}, written by the {@code LogManager}), so a restart does not clean it all again.
 *
 * <p>Threads: {@code log.cleaner.threads} daemon threads, {@value #THREAD_PREFIX}N, run the passes and the delayed
 * deletions of what they replaced; a log is cleaned by one of them at a time, and each has its share of
 * {@code log.cleaner.dedupe.buffer.size}. Appends and fetches never wait for them except for the swap of one group,
 * a few renames under the log's lock. A log that fails is logged and skipped; the others and later passes go on.
 */
public final class LogCleaner implements AutoCloseable {

    public static final String THREAD_PREFIX = "runnel-log-cleaner-";
    private static final Logger LOG = LoggerFactory.getLogger(LogCleaner.class);

    private final Supplier<Collection<PartitionLog>> logs;
    private final InstantSource clock;
    private final CleanerConfig config;
    private final Runnable checkpoint;
    private final RetiredSegments retired = new RetiredSegments();
    /** Shared by the threads: the IO limit is for the cleaner as a whole. */
    private final CleanerThrottle throttle;
    /** The logs a thread is cleaning right now: no other thread takes them. */
    private final Set<PartitionLog> inProgress = ConcurrentHashMap.newKeySet();

    private final List<StorageThread> threads = new ArrayList<>();

    /**
     * @param checkpoint writes the first dirty offsets of the logs; run after every pass that cleaned a log
     */
    public LogCleaner(
            final Supplier<Collection<PartitionLog>> logs,
            final InstantSource clock,
            final CleanerConfig config,
            final Runnable checkpoint) {
        this.logs = logs;
        this.clock = clock;
        this.config = config;
        this.checkpoint = checkpoint;
        this.throttle = new CleanerThrottle(config.ioMaxBytesPerSecond());
        for (int i = 0; i < config.threads(); i++) {
            final StorageThread thread = new StorageThread(THREAD_PREFIX + i);
            thread.repeat(Math.max(1, config.backoffMs()), () -> runOnce(thread));
            threads.add(thread);
        }
    }

    /**
     * One pass over every compacted log, as the first cleaner thread makes it: deletes replaced segments whose delay
     * has passed, then cleans each due log that no thread is cleaning.
     *
     * @return the number of segments replaced by cleaned copies
     */
    public int runOnce() {
        return runOnce(threads.isEmpty() ? null : threads.get(0));
    }

    /** A pass of {@code owner}, which deletes what it replaces once the delay has passed (null: the next pass). */
    private int runOnce(final StorageThread owner) {
        final long now = clock.millis();
        retired.deleteDue(now);
        int replaced = 0;
        boolean cleanedAny = false;
        for (final PartitionLog log : logs.get()) {
            if (!log.config().compacted() || log.isOffline() || !inProgress.add(log)) {
                continue;
            }
            try {
                final Result result = clean(log, now, owner);
                replaced += result.replaced();
                cleanedAny |= result.cleaned();
            } catch (final IOException e) {
                // reading the segments or writing their cleaned copies: the disk of this log failed (logged there)
                log.cleaning().reportDiskError("cleaning " + log.topicPartition(), e);
            } catch (final RuntimeException e) {
                LOG.error("Cleaning {} failed; the other logs go on", log.topicPartition(), e);
            } finally {
                inProgress.remove(log);
            }
        }
        if (cleanedAny) {
            checkpoint.run();
        }
        return replaced;
    }

    /** What one log's cleaning did: whether it ran (and moved the first dirty offset), and segments replaced. */
    record Result(boolean cleaned, int replaced) {
        static final Result NOT_DUE = new Result(false, 0);
    }

    /**
     * Cleans one log if it is due, with an offset map of at most {@code mapCapacityBytes}, its reads and writes
     * paced by {@code throttle}.
     */
    static Result clean(
            final PartitionLog log,
            final long now,
            final long mapCapacityBytes,
            final CleanerThrottle throttle,
            final RetiredSegments retired,
            final Runnable scheduleDeletion)
            throws IOException {
        final LogConfig config = log.config();
        final LogCleaning cleaning = log.cleaning();
        final long truncations = cleaning.truncations();
        final long firstDirtyOffset = cleaning.firstDirtyOffset();
        final CleanableRange range =
                CleanableRange.select(cleaning.segmentsForCleaning(), firstDirtyOffset, config.compaction(), now);
        if (range == null) {
            return Result.NOT_DUE;
        }
        final CleanerOffsetMap map = new CleanerOffsetMap(mapCapacityBytes);
        final long cleanedUpTo = fill(map, range, firstDirtyOffset, config.maxDecompressedMessageBytes(), throttle);
        int end = 0;
        while (end < range.end() && range.segments()[end].baseOffset() < cleanedUpTo) {
            end++;
        }
        final List<LogSegment> replaced = new ArrayList<>();
        long read = 0;
        long kept = 0;
        int groups = 0;
        for (final List<LogSegment> group :
                SegmentGroups.bySize(range.segments(), end, config.segmentBytes(), config.segmentIndexBytes())) {
            final SegmentCleaner.Outcome outcome =
                    SegmentCleaner.rewrite(group, map, cleanedUpTo, config, now, throttle);
            read += outcome.recordsRead();
            kept += outcome.recordsKept();
            if (!outcome.changed()) {
                continue;
            }
            final LogSegment first = group.get(0);
            SegmentSwap.markForSwap(first.dir(), first.baseOffset());
            final List<LogSegment> old = cleaning.replaceWithCleaned(group, truncations);
            replaced.addAll(old);
            groups += old.isEmpty() ? 0 : 1;
        }
        cleaning.markCleanedUpTo(cleanedUpTo, truncations);
        LOG.info(
                "Cleaned {} up to offset {}{}: {} keys in the dirty part ({} bytes of map), kept {} of {} records, "
                        + "replaced {} segment(s) by {}",
                log.topicPartition(),
                cleanedUpTo,
                cleanedUpTo < range.cleanedUpTo() ? " (offset map full)" : "",
                map.size(),
                map.usedBytes(),
                kept,
                read,
                replaced.size(),
                groups);
        if (!replaced.isEmpty()) {
            retired.add(replaced, now + config.fileDeleteDelayMs());
            scheduleDeletion.run();
        }
        return new Result(true, replaced.size());
    }

    /**
     * Puts every keyed record of the dirty part in the map, from {@code firstDirtyOffset} until the map refuses a
     * key; returns the first offset the map does not cover.
     */
    private static long fill(
            final CleanerOffsetMap map,
            final CleanableRange range,
            final long firstDirtyOffset,
            final int maxRecordBytes,
            final CleanerThrottle throttle)
            throws IOException {
        final long[] stoppedAt = {-1};
        for (int i = range.firstDirty(); i < range.end() && stoppedAt[0] < 0; i++) {
            SegmentBatches.forEach(range.segments()[i], (batch, bytes) -> {
                throttle.maybeThrottle(bytes.remaining());
                if (stoppedAt[0] >= 0 || batch.lastOffset() < firstDirtyOffset || batch.isControlBatch()) {
                    return;
                }
                try (CloseableIterator<Record> records = BoundedRecords.iterator(bytes, maxRecordBytes)) {
                    while (records.hasNext() && stoppedAt[0] < 0) {
                        final Record record = records.next();
                        if (record.offset() >= firstDirtyOffset && record.hasKey() && !map.put(record)) {
                            stoppedAt[0] = record.offset();
                        }
                    }
                }
            });
        }
        return stoppedAt[0] >= 0 ? stoppedAt[0] : range.cleanedUpTo();
    }

    private Result clean(final PartitionLog log, final long now, final StorageThread owner) throws IOException {
        final long delayMs = log.config().fileDeleteDelayMs();
        // when the thread is closing, close deletes whatever is still waiting
        return clean(log, now, config.mapCapacityBytes(), throttle, retired, () -> {
            if (owner != null) {
                owner.schedule(() -> retired.deleteDue(clock.millis()), delayMs);
            }
        });
    }

    /** Replaced segments whose files are not deleted yet. */
    public int pendingDeletions() {
        return retired.size();
    }

    /** Stops the threads (waiting for their running passes) and deletes every replaced segment still waiting. */
    @Override
    public void close() {
        threads.forEach(StorageThread::close);
        retired.deleteAll();
    }
}
