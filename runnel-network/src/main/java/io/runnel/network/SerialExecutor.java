package io.runnel.network;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs its tasks one at a time, in submission order, on a shared pool: one connection's requests must not run
 * concurrently (a producer's pipelined appends to one partition would otherwise race each other out of order),
 * but no connection owns a thread.
 *
 * <p>It runs one task per turn and then queues itself behind the pool's other work, so a connection with many
 * requests in flight takes turns with the others instead of holding a thread.
 */
final class SerialExecutor implements Executor {
    private static final Logger LOG = LoggerFactory.getLogger(SerialExecutor.class);

    private final Executor pool;
    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    /** True while a turn is queued on or running in the pool; only that turn polls {@link #tasks}. */
    private final AtomicBoolean scheduled = new AtomicBoolean();

    private final Runnable turn = this::runOne;

    SerialExecutor(final Executor pool) {
        this.pool = pool;
    }

    /**
     * Queues {@code task} behind this executor's earlier ones.
     *
     * @throws RejectedExecutionException when the pool has shut down and the task will never run
     */
    @Override
    public void execute(final Runnable task) {
        tasks.add(task);
        schedule();
    }

    private void schedule() {
        if (scheduled.compareAndSet(false, true)) {
            try {
                pool.execute(turn);
            } catch (RejectedExecutionException e) {
                scheduled.set(false);
                tasks.clear();
                throw e;
            }
        }
    }

    private void runOne() {
        run(tasks.poll());
        scheduled.set(false);
        // Loops only when the pool refused the next turn and a task arrived while this one drained the lane.
        while (!tasks.isEmpty() && scheduled.compareAndSet(false, true)) {
            try {
                pool.execute(turn);
                return;
            } catch (RejectedExecutionException e) {
                // The pool is stopping: it takes no new turns but still runs this thread, so the lane's queued
                // requests run here, in order. Dropped, each would keep its request frame (and whatever else it
                // holds) until the garbage collector found it.
                Runnable next;
                while ((next = tasks.poll()) != null) {
                    run(next);
                }
                scheduled.set(false);
            }
        }
    }

    private static void run(final Runnable task) {
        try {
            if (task != null) {
                task.run();
            }
        } catch (RuntimeException e) {
            LOG.error("A request task failed", e);
        }
    }
}
