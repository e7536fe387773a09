package io.runnel.storage;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs one task per log, {@code num.recovery.threads.per.data.dir} at a time in each log directory: Kafka opens
 * (and after a crash recovers) the logs at start, and flushes and closes them at shutdown, that way, so the work
 * uses more than one core and keeps more than one IO in flight per disk. The threads, named
 * {@code <prefix>N}, exist only for one call.
 */
final class LogDirWorkers {

    /** The work for one log. */
    @FunctionalInterface
    interface Task<K, R> {
        R run(K key) throws IOException;
    }

    private LogDirWorkers() {}

    /**
     * Runs {@code task} for every key of {@code dirOf}, grouped by its directory, and returns once all have
     * finished.
     *
     * @return per key, what its task returned, or the exception it threw (an IOException in a CompletionException)
     */
    static <K, R> Map<K, CompletableFuture<R>> runAll(
            final String threadPrefix, final int threadsPerDir, final Map<K, Path> dirOf, final Task<K, R> task) {
        final Map<Path, ExecutorService> pools = new HashMap<>();
        final Map<K, CompletableFuture<R>> results = new HashMap<>();
        final AtomicInteger threadIds = new AtomicInteger();
        try {
            dirOf.forEach((key, dir) -> {
                final ExecutorService pool = pools.computeIfAbsent(
                        dir,
                        d -> Executors.newFixedThreadPool(threadsPerDir, runnable -> {
                            final Thread thread = new Thread(runnable, threadPrefix + threadIds.getAndIncrement());
                            thread.setDaemon(true);
                            return thread;
                        }));
                results.put(
                        key,
                        CompletableFuture.supplyAsync(
                                () -> {
                                    try {
                                        return task.run(key);
                                    } catch (final IOException e) {
                                        throw new CompletionException(e);
                                    }
                                },
                                pool));
            });
            CompletableFuture.allOf(results.values().toArray(CompletableFuture[]::new))
                    .exceptionally(failure -> null)
                    .join();
        } finally {
            pools.values().forEach(ExecutorService::shutdown);
            awaitThreads(pools.values());
        }
        return results;
    }

    /** Waits for the idle threads to end, so that none outlives the call. */
    private static void awaitThreads(final Iterable<ExecutorService> pools) {
        try {
            for (final ExecutorService pool : pools) {
                pool.awaitTermination(10, TimeUnit.SECONDS);
            }
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
