package io.runnel.coordinator.runtime;

/**
 * Time and the owner thread of a coordinator (the group coordinator today, the transaction coordinator next). Every task given to {@link #execute} or {@link #schedule}
 * runs on one thread, one at a time, so the coordinator's state needs no locks. The production implementation
 * is {@link ExecutorScheduler}; tests drive a ManualScheduler (in the test tree) by hand.
 */
public interface Scheduler extends AutoCloseable {
    /** Wall-clock time in milliseconds (it is persisted in commit and state timestamps). */
    long nowMs();

    /** Runs {@code task} on the owner thread, after the tasks already queued. */
    void execute(Runnable task);

    /** Runs {@code task} on the owner thread once {@code delayMs} have passed, unless cancelled first. */
    Timeout schedule(long delayMs, Runnable task);

    /** Stops running tasks; queued and delayed tasks are dropped. */
    @Override
    void close();

    /** A scheduled task that may still be cancelled. Cancelling one that already ran does nothing. */
    interface Timeout {
        void cancel();
    }
}
