package io.runnel.storage.flush;

import io.runnel.storage.PartitionLog;
import io.runnel.storage.StorageThread;
import java.time.InstantSource;
import java.util.Collection;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The broker's fsyncs, off the append path (Kafka flushes inline in {@code UnifiedLog.append} and after a roll on
 * its scheduler): a log asks for a flush when an append crosses {@code flush.messages}, when {@code flush.ms} has
 * passed since its last flush, or when it rolled a segment; this thread then fsyncs everything the log holds past
 * its recovery point ({@link PartitionLog#flushUnflushed}), advances the recovery point and completes the appends
 * waiting for it. Appends that arrive during an fsync are covered by the next one, which the log asks for as soon
 * as the running one has started: group commit, many batches per fsync.
 *
 * <p>Periodic passes, on the same thread: every {@code log.flush.scheduler.interval.ms} (Kafka's default,
 * {@link Long#MAX_VALUE}, means never) the logs whose last flush is older than their {@code flush.ms} are flushed,
 * and every {@code log.flush.offset.checkpoint.interval.ms} the recovery points are written to each log dir's
 * {@code recovery-point-offset-checkpoint}, so an unclean restart rescans only what was not yet fsync'd.
 *
 * <p>Threads: one daemon thread, {@value #THREAD_NAME}. A failed flush has taken its log offline and failed its
 * waiters; it is logged and the other logs go on.
 */
public final class LogFlusher implements PartitionLog.Flusher, AutoCloseable {

    public static final String THREAD_NAME = "runnel-log-flusher";
    /** Kafka's default {@code log.flush.scheduler.interval.ms}: no periodic flush.ms check. */
    public static final long DEFAULT_SCHEDULER_INTERVAL_MS = Long.MAX_VALUE;
    /** Kafka's default {@code log.flush.offset.checkpoint.interval.ms}. */
    public static final long DEFAULT_CHECKPOINT_INTERVAL_MS = 60_000L;

    private static final Logger LOG = LoggerFactory.getLogger(LogFlusher.class);

    private final Supplier<Collection<PartitionLog>> logs;
    private final InstantSource clock;
    private final LongAdder flushes = new LongAdder();
    private final StorageThread thread;

    /**
     * @param checkpointRecoveryPoints writes the recovery-point checkpoints of every log dir (run on this thread)
     */
    public LogFlusher(
            final Supplier<Collection<PartitionLog>> logs,
            final InstantSource clock,
            final long schedulerIntervalMs,
            final long checkpointIntervalMs,
            final Runnable checkpointRecoveryPoints) {
        if (schedulerIntervalMs < 1 || checkpointIntervalMs < 1) {
            throw new IllegalArgumentException(
                    "flush intervals must be positive, were " + schedulerIntervalMs + " and " + checkpointIntervalMs);
        }
        this.logs = logs;
        this.clock = clock;
        this.thread = new StorageThread(THREAD_NAME);
        if (schedulerIntervalMs != Long.MAX_VALUE) {
            thread.repeat(schedulerIntervalMs, this::flushDirtyLogs);
        }
        thread.repeat(checkpointIntervalMs, checkpointRecoveryPoints);
    }

    /** Called by a log (without its lock held): flushes it on this thread as soon as the thread is free. */
    @Override
    public void requestFlush(final PartitionLog log) {
        // When closing, the request is dropped: closing the log flushes everything and completes its waiters.
        thread.execute(() -> flush(log));
    }

    private void flush(final PartitionLog log) {
        try {
            if (log.flushUnflushed()) {
                flushes.increment();
            }
        } catch (final RuntimeException e) {
            LOG.error("Flushing {} failed; the other logs go on", log.topicPartition(), e);
        }
    }

    /**
     * Flushes every log whose last flush is older than its {@code flush.ms} (Kafka's {@code LogManager.flushDirtyLogs}).
     *
     * @return the number of logs that had something to fsync
     */
    public int flushDirtyLogs() {
        final long now = clock.millis();
        int flushed = 0;
        for (final PartitionLog log : logs.get()) {
            if (now - log.lastFlushMs() >= log.config().flushIntervalMs()) {
                final long before = flushes.sum();
                flush(log);
                flushed += (int) (flushes.sum() - before);
            }
        }
        return flushed;
    }

    /** How many log flushes fsync'd something so far: with group commit, fewer than the appends that asked. */
    public long flushCount() {
        return flushes.sum();
    }

    /** Runs {@code task} on the flusher thread; the future fails if the task does or the thread is closed. */
    public CompletableFuture<Void> runLater(final Runnable task) {
        return thread.runLater(task);
    }

    /** Stops the thread, waiting for a running flush; the logs' own close flushes what is left. */
    @Override
    public void close() {
        thread.close();
    }
}
