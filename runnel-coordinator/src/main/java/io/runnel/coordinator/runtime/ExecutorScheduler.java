package io.runnel.coordinator.runtime;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The production {@link Scheduler}: one thread named {@value #THREAD_NAME} runs both the queued commands and the
 * timers (session, rebalance, sync, offset expiry), so it is the owner of all group and offset state.
 */
public final class ExecutorScheduler implements Scheduler {
    public static final String THREAD_NAME = "runnel-group-coordinator";
    private static final Logger LOG = LoggerFactory.getLogger(ExecutorScheduler.class);

    private final ScheduledThreadPoolExecutor executor;

    public ExecutorScheduler() {
        executor = new ScheduledThreadPoolExecutor(1, runnable -> {
            final Thread thread = new Thread(runnable, THREAD_NAME);
            thread.setDaemon(true);
            return thread;
        });
        executor.setRemoveOnCancelPolicy(true);
        executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    }

    @Override
    public long nowMs() {
        return System.currentTimeMillis();
    }

    @Override
    public void execute(final Runnable task) {
        executor.execute(() -> runGuarded(task));
    }

    @Override
    public Timeout schedule(final long delayMs, final Runnable task) {
        final ScheduledFuture<?> future =
                executor.schedule(() -> runGuarded(task), Math.max(0, delayMs), TimeUnit.MILLISECONDS);
        return () -> future.cancel(false);
    }

    @Override
    public void close() {
        executor.shutdown();
        try {
            if (!executor.awaitTermination(5, TimeUnit.SECONDS)) {
                executor.shutdownNow();
            }
        } catch (final InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    /** A failing task must not stop the owner thread; it is logged and the next task runs. */
    private static void runGuarded(final Runnable task) {
        try {
            task.run();
        } catch (final Throwable t) {
            LOG.error("Group coordinator task failed", t);
            if (t instanceof Error error) {
                throw error;
            }
        }
    }
}
