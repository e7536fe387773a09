package io.runnel.network;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The {@code num.io.threads} threads ("runnel-io-N") that run the API handlers, as Kafka's request handler pool
 * does. Handlers append to and read from the logs, and a {@code write(2)} or a read that has to wait for the
 * disk (a page read back after it left the page cache, writeback throttling) would otherwise stall the event
 * loop that called it, and with it every connection of that loop. The event loops only decode, order and send.
 *
 * <p>Each connection hands its requests over through its own {@link SerialExecutor}, so one connection's
 * requests still run one at a time, in the order they arrived.
 */
final class RequestHandlerPool implements AutoCloseable {
    private final ThreadPoolExecutor threads;

    /** @param threadPrefix the threads' names, each followed by its number */
    RequestHandlerPool(final int size, final String threadPrefix) {
        final AtomicInteger next = new AtomicInteger();
        threads = new ThreadPoolExecutor(size, size, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), r -> {
            final Thread thread = new Thread(r, threadPrefix + next.getAndIncrement());
            thread.setDaemon(true);
            return thread;
        });
        threads.prestartAllCoreThreads();
    }

    /** A new ordered lane for one connection's requests. */
    SerialExecutor newLane() {
        return new SerialExecutor(threads);
    }

    /** Runs what is queued (the connections are closed by then, so their answers are dropped) and stops. */
    @Override
    public void close() {
        threads.shutdown();
        try {
            if (!threads.awaitTermination(5, TimeUnit.SECONDS)) {
                threads.shutdownNow();
            }
        } catch (InterruptedException e) {
            threads.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
