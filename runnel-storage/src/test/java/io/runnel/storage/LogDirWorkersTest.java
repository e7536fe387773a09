package io.runnel.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The start and shutdown workers: so many at a time per log directory, each task's outcome its own. */
class LogDirWorkersTest {

    private static final Path D1 = Path.of("/data/d1");
    private static final Path D2 = Path.of("/data/d2");

    @Test
    void shouldRunTheTasksOfADirectorySoManyAtATimeAndNoMore() throws Exception {
        final Map<Integer, Path> dirOf = new HashMap<>();
        for (int i = 0; i < 6; i++) {
            dirOf.put(i, D1);
        }
        final CyclicBarrier pairs = new CyclicBarrier(2);
        final AtomicInteger running = new AtomicInteger();
        final AtomicInteger mostAtOnce = new AtomicInteger();
        final Set<String> threads = ConcurrentHashMap.newKeySet();

        final Map<Integer, CompletableFuture<Integer>> results = LogDirWorkers.runAll("test-worker-", 2, dirOf, key -> {
            mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
            threads.add(Thread.currentThread().getName());
            try {
                pairs.await(10, TimeUnit.SECONDS); // only returns when two tasks run at once
            } catch (final Exception e) {
                throw new IllegalStateException(e);
            } finally {
                running.decrementAndGet();
            }
            return key * 10;
        });

        for (int i = 0; i < 6; i++) {
            assertThat(results.get(i).get()).isEqualTo(i * 10);
        }
        assertThat(mostAtOnce.get()).isEqualTo(2);
        assertThat(threads).containsExactlyInAnyOrder("test-worker-0", "test-worker-1");
    }

    @Test
    void shouldGiveEachDirectoryItsOwnThreads() throws Exception {
        final CyclicBarrier bothDirs = new CyclicBarrier(2);

        final Map<String, CompletableFuture<String>> results =
                LogDirWorkers.runAll("test-worker-", 1, Map.of("a", D1, "b", D2), key -> {
                    try {
                        bothDirs.await(10, TimeUnit.SECONDS);
                    } catch (final Exception e) {
                        throw new IllegalStateException(e);
                    }
                    return key;
                });

        assertThat(results.get("a").get()).isEqualTo("a");
        assertThat(results.get("b").get()).isEqualTo("b");
    }

    @Test
    void shouldKeepOneTasksFailureToItsOwnKey() throws Exception {
        final Map<String, CompletableFuture<String>> results =
                LogDirWorkers.runAll("test-worker-", 2, Map.of("disk", D1, "bug", D1, "fine", D1), key -> switch (key) {
                    case "disk" -> throw new IOException("EIO");
                    case "bug" -> throw new IllegalStateException("oops");
                    default -> key;
                });

        assertThat(results.get("fine").get()).isEqualTo("fine");
        assertThatThrownBy(() -> results.get("disk").get())
                .isInstanceOf(ExecutionException.class)
                .cause()
                .isInstanceOf(IOException.class)
                .hasMessage("EIO");
        assertThatThrownBy(() -> results.get("bug").get())
                .isInstanceOf(ExecutionException.class)
                .cause()
                .isInstanceOf(IllegalStateException.class);
    }
}
