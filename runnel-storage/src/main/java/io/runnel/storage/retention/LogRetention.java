package io.runnel.storage.retention;

import io.runnel.storage.PartitionLog;
import io.runnel.storage.StorageThread;
import io.runnel.storage.log.LogSegment;
import java.time.InstantSource;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The retention pass over every log of the broker (Kafka's {@code LogManager.cleanupLogs}): every
 * {@code log.retention.check.interval.ms} each log deletes the old segments its config allows
 * ({@link PartitionLog#deleteOldSegments}), and the segments it removed are closed and deleted
 * {@code file.delete.delay.ms} later ({@link RetiredSegments}).
 *
 * <p>Threads: one daemon thread, {@value #THREAD_NAME}, runs both the passes and the delayed deletions. A log that
 * fails (a disk error takes it offline) is logged and skipped; the others and later passes go on.
 */
public final class LogRetention implements AutoCloseable {

    public static final String THREAD_NAME = "runnel-log-retention";
    private static final Logger LOG = LoggerFactory.getLogger(LogRetention.class);

    private final Supplier<Collection<PartitionLog>> logs;
    private final InstantSource clock;
    private final Runnable onLogStartOffsetsMoved;
    private final RetiredSegments retired = new RetiredSegments();
    private final StorageThread thread;

    /**
     * @param onLogStartOffsetsMoved called on the retention thread after a pass that deleted segments (to write
     *                               the log start offset checkpoints)
     */
    public LogRetention(
            final Supplier<Collection<PartitionLog>> logs,
            final InstantSource clock,
            final long checkIntervalMs,
            final Runnable onLogStartOffsetsMoved) {
        if (checkIntervalMs < 1) {
            throw new IllegalArgumentException("the retention check interval must be positive, was " + checkIntervalMs);
        }
        this.logs = logs;
        this.clock = clock;
        this.onLogStartOffsetsMoved = onLogStartOffsetsMoved;
        this.thread = new StorageThread(THREAD_NAME, checkIntervalMs, this::runOnce);
    }

    /**
     * One pass: deletes retired segments whose delay has passed, then applies retention to every log.
     *
     * @return the number of segments removed from their logs
     */
    public int runOnce() {
        final long now = clock.millis();
        retired.deleteDue(now);
        int removed = 0;
        for (final PartitionLog log : logs.get()) {
            try {
                removed += retire(log, log.deleteOldSegments(now), now);
            } catch (final RuntimeException e) {
                LOG.error("Retention of {} failed; the other logs go on", log.topicPartition(), e);
            }
        }
        if (removed > 0) {
            onLogStartOffsetsMoved.run();
        }
        return removed;
    }

    private int retire(final PartitionLog log, final List<LogSegment> removed, final long now) {
        if (removed.isEmpty()) {
            return 0;
        }
        final long delayMs = log.config().fileDeleteDelayMs();
        LOG.info(
                "Deleted {} segment(s) of {} by retention; it now starts at offset {}; files go in {} ms",
                removed.size(),
                log.topicPartition(),
                log.logStartOffset(),
                delayMs);
        retired.add(removed, now + delayMs);
        if (!thread.schedule(() -> retired.delete(removed), delayMs)) {
            // closing: the network is already down, so no reader is left to wait for
            retired.delete(removed);
        }
        return removed.size();
    }

    /** Runs {@code task} on the retention thread; the future fails if the task does or the thread is closed. */
    public CompletableFuture<Void> runLater(final Runnable task) {
        return thread.runLater(task);
    }

    /** Segments removed from their logs whose files are not deleted yet. */
    public int pendingDeletions() {
        return retired.size();
    }

    /** Stops the thread (waiting for a running pass) and deletes every retired segment still waiting. */
    @Override
    public void close() {
        thread.close();
        retired.deleteAll();
    }
}
