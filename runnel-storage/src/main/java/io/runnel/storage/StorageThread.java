package io.runnel.storage;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one daemon thread of a storage background job (retention, cleaning, flushing). It runs the job's passes
 * every interval and keeps going when a pass fails. It also runs the job's delayed and requested tasks, such as
 * deleting retired segments or fsyncing a log. At close it waits for a running pass instead of interrupting it,
 * because an interrupt during file IO closes the channel.
 */
public final class StorageThread implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StorageThread.class);

    private final String name;
    private final ScheduledThreadPoolExecutor executor;

    /** Starts the thread; the first pass runs {@code intervalMs} from now. */
    public StorageThread(final String name, final long intervalMs, final Runnable pass) {
        this(name);
        repeat(intervalMs, pass);
    }

    /** Starts the thread with no periodic pass yet. */
    public StorageThread(final String name) {
        this.name = name;
        this.executor = new ScheduledThreadPoolExecutor(1, r -> {
            final Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
        executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        executor.setContinueExistingPeriodicTasksAfterShutdownPolicy(false);
        executor.setRemoveOnCancelPolicy(true);
    }

    /** Runs {@code pass} every {@code intervalMs}, the first time {@code intervalMs} from now. */
    public void repeat(final long intervalMs, final Runnable pass) {
        executor.scheduleWithFixedDelay(
                () -> {
                    try {
                        pass.run();
                    } catch (final RuntimeException e) {
                        // an exception would cancel the periodic task; the next pass may well succeed
                        LOG.error("A pass of {} failed", name, e);
                    }
                },
                intervalMs,
                intervalMs,
                TimeUnit.MILLISECONDS);
    }

    /** Runs {@code task} after {@code delayMs}; false when the thread is closing (the task will not run). */
    public boolean schedule(final Runnable task, final long delayMs) {
        try {
            executor.schedule(task, delayMs, TimeUnit.MILLISECONDS);
            return true;
        } catch (final RejectedExecutionException closing) {
            return false;
        }
    }

    /** Runs {@code task} on the thread as soon as it is free; false when the thread is closing. */
    public boolean execute(final Runnable task) {
        try {
            executor.execute(task);
            return true;
        } catch (final RejectedExecutionException closing) {
            return false;
        }
    }

    /** Runs {@code task} on the thread; the future fails if the task does or the thread is closed. */
    public CompletableFuture<Void> runLater(final Runnable task) {
        try {
            return CompletableFuture.runAsync(task, executor);
        } catch (final RejectedExecutionException closing) {
            return CompletableFuture.failedFuture(closing);
        }
    }

    /** Stops the thread, waiting up to 30 s for a running pass. */
    @Override
    public void close() {
        executor.shutdown();
        try {
            if (!executor.awaitTermination(30, TimeUnit.SECONDS)) {
                LOG.warn("The pass of {} did not finish within 30 s of close", name);
            }
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
