package io.runnel.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SerialExecutorTest {
    private final ExecutorService pool = Executors.newFixedThreadPool(4);

    @AfterEach
    void stopPool() throws InterruptedException {
        pool.shutdownNow();
        assertThat(pool.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void shouldRunEachLanesTasksOneAtATimeInSubmissionOrderWhileLanesShareThePool() throws InterruptedException {
        final int lanes = 8;
        final int tasksPerLane = 2_000;
        final List<List<Integer>> ran = new ArrayList<>();
        final AtomicInteger overlaps = new AtomicInteger();
        final CountDownLatch finished = new CountDownLatch(lanes * tasksPerLane);
        final List<SerialExecutor> executors = new ArrayList<>();
        final List<AtomicInteger> running = new ArrayList<>();
        for (int lane = 0; lane < lanes; lane++) {
            ran.add(Collections.synchronizedList(new ArrayList<>()));
            executors.add(new SerialExecutor(pool));
            running.add(new AtomicInteger());
        }
        for (int i = 0; i < tasksPerLane; i++) {
            for (int lane = 0; lane < lanes; lane++) {
                final int task = i;
                final int l = lane;
                executors.get(lane).execute(() -> {
                    if (running.get(l).incrementAndGet() > 1) {
                        overlaps.incrementAndGet();
                    }
                    ran.get(l).add(task);
                    running.get(l).decrementAndGet();
                    finished.countDown();
                });
            }
        }
        assertThat(finished.await(30, TimeUnit.SECONDS)).isTrue();
        assertThat(overlaps).as("tasks of one lane that ran at the same time").hasValue(0);
        final List<Integer> expected = new ArrayList<>();
        for (int i = 0; i < tasksPerLane; i++) {
            expected.add(i);
        }
        for (final List<Integer> lane : ran) {
            assertThat(lane).containsExactlyElementsOf(expected);
        }
    }

    @Test
    void shouldLetOtherLanesRunWhileOneLanesTaskBlocksAThread() throws InterruptedException {
        final SerialExecutor blocked = new SerialExecutor(pool);
        final SerialExecutor other = new SerialExecutor(pool);
        final CountDownLatch release = new CountDownLatch(1);
        final CountDownLatch secondOfBlockedLane = new CountDownLatch(1);
        final CountDownLatch otherRan = new CountDownLatch(1);
        blocked.execute(() -> awaitQuietly(release));
        blocked.execute(secondOfBlockedLane::countDown);
        other.execute(otherRan::countDown);

        assertThat(otherRan.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(secondOfBlockedLane.await(100, TimeUnit.MILLISECONDS))
                .as("the blocked lane's next task waits for the one before it")
                .isFalse();
        release.countDown();
        assertThat(secondOfBlockedLane.await(5, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void shouldRunTheNextTaskAfterOneThatThrows() throws InterruptedException {
        final SerialExecutor lane = new SerialExecutor(pool);
        final CountDownLatch next = new CountDownLatch(1);
        lane.execute(() -> {
            throw new IllegalStateException("a handler bug");
        });
        lane.execute(next::countDown);
        assertThat(next.await(5, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void shouldRefuseTasksOnceThePoolHasStopped() {
        pool.shutdown();
        final SerialExecutor lane = new SerialExecutor(pool);
        assertThatThrownBy(() -> lane.execute(() -> {})).isInstanceOf(RejectedExecutionException.class);
    }

    @Test
    void shouldRunTheTasksQueuedBehindARunningOneWhenThePoolStopsMeanwhile() throws InterruptedException {
        final SerialExecutor lane = new SerialExecutor(pool);
        final CountDownLatch running = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final List<Integer> ran = Collections.synchronizedList(new ArrayList<>());
        lane.execute(() -> {
            running.countDown();
            awaitQuietly(release);
            ran.add(0);
        });
        assertThat(running.await(5, TimeUnit.SECONDS)).isTrue();
        lane.execute(() -> ran.add(1));
        lane.execute(() -> ran.add(2));

        pool.shutdown();
        release.countDown();
        assertThat(pool.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
        assertThat(ran).as("each queued request runs, so it releases its frame").containsExactly(0, 1, 2);
    }

    private static void awaitQuietly(final CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
