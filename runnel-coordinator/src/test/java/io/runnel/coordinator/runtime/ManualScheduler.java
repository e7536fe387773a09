package io.runnel.coordinator.runtime;

import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.PriorityQueue;

/**
 * A {@link Scheduler} for tests whose clock moves only through {@link #advance}, like Aeron's
 * {@code CachedNanoClock}. The calling thread is the owner thread: {@link #execute} runs the task at once (after
 * any task already running), and {@link #advance} fires the due timers in deadline order, each at its deadline.
 */
public final class ManualScheduler implements Scheduler {
    private final ArrayDeque<Runnable> ready = new ArrayDeque<>();
    private final PriorityQueue<Entry> timers =
            new PriorityQueue<>(Comparator.comparingLong(Entry::deadlineMs).thenComparingLong(Entry::sequence));
    private long nowMs;
    private long sequence;
    private boolean draining;
    private boolean closed;

    public ManualScheduler(final long startMs) {
        this.nowMs = startMs;
    }

    @Override
    public long nowMs() {
        return nowMs;
    }

    @Override
    public void execute(final Runnable task) {
        if (closed) {
            throw new java.util.concurrent.RejectedExecutionException("closed");
        }
        ready.add(task);
        drain();
    }

    @Override
    public Timeout schedule(final long delayMs, final Runnable task) {
        final Entry entry = new Entry(nowMs + Math.max(0, delayMs), sequence++, task);
        timers.add(entry);
        return entry;
    }

    /** Moves the clock forward by {@code deltaMs}, running every timer that falls due on the way. */
    public void advance(final long deltaMs) {
        final long targetMs = nowMs + deltaMs;
        drain();
        while (!timers.isEmpty() && timers.peek().deadlineMs() <= targetMs) {
            final Entry entry = timers.poll();
            if (entry.cancelled) {
                continue;
            }
            nowMs = Math.max(nowMs, entry.deadlineMs());
            ready.add(entry.task());
            drain();
        }
        nowMs = targetMs;
    }

    /** Timers not yet run nor cancelled. */
    public int pendingTimers() {
        return (int) timers.stream().filter(entry -> !entry.cancelled).count();
    }

    @Override
    public void close() {
        closed = true;
        ready.clear();
        timers.clear();
    }

    private void drain() {
        if (draining) {
            return;
        }
        draining = true;
        try {
            Runnable task;
            while ((task = ready.poll()) != null) {
                task.run();
            }
        } finally {
            draining = false;
        }
    }

    private static final class Entry implements Timeout {
        private final long deadlineMs;
        private final long sequence;
        private final Runnable task;
        private boolean cancelled;

        Entry(final long deadlineMs, final long sequence, final Runnable task) {
            this.deadlineMs = deadlineMs;
            this.sequence = sequence;
            this.task = task;
        }

        long deadlineMs() {
            return deadlineMs;
        }

        long sequence() {
            return sequence;
        }

        Runnable task() {
            return task;
        }

        @Override
        public void cancel() {
            cancelled = true;
        }
    }
}
