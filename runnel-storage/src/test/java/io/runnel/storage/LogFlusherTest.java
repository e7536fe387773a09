package io.runnel.storage;

import static io.runnel.testsupport.RecordBatches.batch;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.runnel.storage.flush.LogFlusher;
import io.runnel.storage.log.LogSegment;
import io.runnel.storage.log.OffsetCheckpointFile;
import io.runnel.testsupport.Await;
import io.runnel.testsupport.ManualClock;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The log flusher: appends never fsync; the flusher thread does, for many appends at once, and only then moves the
 * recovery point and acknowledges the appends that crossed {@code flush.messages}. Tests that must see the state
 * before a flush keep the flusher thread busy with a task that waits for a gate: whatever the logs ask for queues
 * behind it, so nothing here depends on timing.
 */
@Timeout(60)
class LogFlusherTest {

    private static final long T0 = 1_700_000_000_000L;
    private static final TopicPartition A0 = new TopicPartition("a", 0);
    private static final LogConfig FSYNC_EACH = LogConfig.defaults().withFlushInterval(1, Long.MAX_VALUE);

    @TempDir
    Path tmp;

    private final ManualClock clock = new ManualClock(T0);
    private final CompletableFuture<Void> gate = new CompletableFuture<>();
    private LogManager manager;

    private LogManager open(final Path dir, final long checkpointIntervalMs) throws IOException {
        return LogManager.open(
                List.of(dir),
                clock,
                LogManager.Settings.defaults()
                        .withFlush(new LogManager.FlushIntervals(Long.MAX_VALUE, checkpointIntervalMs)));
    }

    /** Keeps the flusher thread busy until {@link #gate} completes. */
    private void holdFlusher() {
        manager.flusher().runLater(gate::join);
    }

    /** Returns once everything asked of the flusher before this call is done. */
    private void awaitFlusher() throws Exception {
        manager.flusher().runLater(() -> {}).get();
    }

    @AfterEach
    void tearDown() {
        gate.complete(null);
        if (manager != null) {
            manager.close();
        }
    }

    @Test
    void shouldAcknowledgeAFlushMessagesAppendOnlyAfterTheFlusherFsyncedPastIt() throws Exception {
        manager = open(tmp.resolve("d1"), 60_000);
        final PartitionLog log = manager.getOrCreate(A0, FSYNC_EACH);
        holdFlusher();

        final AppendResult appended = log.appendAsLeader(batch(5, T0), 0);
        final AtomicReference<String> completingThread = new AtomicReference<>();
        final CompletableFuture<Void> observed = appended.flushed()
                .thenRun(() -> completingThread.set(Thread.currentThread().getName()));
        assertThat(appended.awaitsFlush()).isTrue();
        assertThat(appended.flushed()).isNotDone();
        assertThat(log.recoveryPoint()).isZero();

        gate.complete(null);
        observed.get();
        assertThat(log.recoveryPoint()).isEqualTo(5);
        assertThat(completingThread.get()).isEqualTo(LogFlusher.THREAD_NAME);
        awaitFlusher(); // the flush is counted once it returns, after it acknowledged
        assertThat(manager.flushCount()).isEqualTo(1);
    }

    @Test
    void shouldAcknowledgeAtOnceTheAppendsThatDoNotCrossFlushMessages() throws Exception {
        manager = open(tmp.resolve("d1"), 60_000);
        final PartitionLog log = manager.getOrCreate(A0, LogConfig.defaults().withFlushInterval(10, Long.MAX_VALUE));
        holdFlusher();

        final AppendResult first = log.appendAsLeader(batch(5, T0), 0);
        final AppendResult second = log.appendAsLeader(batch(5, T0), 0);
        final AppendResult third = log.appendAsLeader(batch(5, T0), 0);

        assertThat(first.awaitsFlush()).isFalse();
        assertThat(first.flushed()).isDone();
        assertThat(second.awaitsFlush()).isTrue();
        assertThat(third.awaitsFlush()).isFalse();
        gate.complete(null);
        second.flushed().get();
        assertThat(log.recoveryPoint()).isGreaterThanOrEqualTo(10);
    }

    @Test
    void shouldCoverTheAppendsOfManyProducersWithFewerFsyncsThanAppends() throws Exception {
        manager = open(tmp.resolve("d1"), 60_000);
        final PartitionLog log = manager.getOrCreate(A0, FSYNC_EACH);
        holdFlusher();

        final List<CompletableFuture<Void>> acks = new ArrayList<>();
        final List<Thread> producers = new ArrayList<>();
        for (int p = 0; p < 4; p++) {
            final Thread producer = new Thread(() -> {
                for (int i = 0; i < 25; i++) {
                    final CompletableFuture<Void> ack =
                            log.appendAsLeader(batch(5, T0), 0).flushed();
                    synchronized (acks) {
                        acks.add(ack);
                    }
                }
            });
            producers.add(producer);
            producer.start();
        }
        // every append returned although no fsync could run: none waits for the disk
        for (final Thread producer : producers) {
            producer.join();
        }
        assertThat(acks).hasSize(100).noneMatch(CompletableFuture::isDone);

        gate.complete(null);
        CompletableFuture.allOf(acks.toArray(CompletableFuture<?>[]::new)).get();
        assertThat(log.recoveryPoint()).isEqualTo(500);
        // all hundred asked while the flusher was busy: one flush covers them (group commit)
        awaitFlusher();
        assertThat(manager.flushCount()).isEqualTo(1);
    }

    @Test
    void shouldFsyncARolledSegmentOnTheFlusherBeforeTheRecoveryPointPassesIt() throws Exception {
        manager = open(tmp.resolve("d1"), 60_000);
        final int size = batch(10, T0).remaining();
        final PartitionLog log = manager.getOrCreate(A0, LogConfig.defaults().withSegmentBytes(size * 2));
        holdFlusher();

        for (int i = 0; i < 3; i++) {
            assertThat(log.appendAsLeader(batch(10, T0), 0).awaitsFlush()).isFalse();
        }
        assertThat(log.segmentCount()).isEqualTo(2);
        // the roll did not fsync on the appending thread: nothing is known to be on disk yet
        assertThat(log.recoveryPoint()).isZero();
        assertThat(manager.flushCount()).isZero();

        gate.complete(null);
        awaitFlusher();
        assertThat(log.recoveryPoint()).isEqualTo(30);
        assertThat(manager.flushCount()).isEqualTo(1);
    }

    @Test
    void shouldFailTheWaitingAppendsAndTakeTheLogOfflineWhenTheFsyncFails() throws Exception {
        manager = open(tmp.resolve("d1"), 60_000);
        final PartitionLog log = manager.getOrCreate(A0, FSYNC_EACH);
        holdFlusher();
        final AppendResult appended = log.appendAsLeader(batch(5, T0), 0);
        // the disk goes away under the written bytes: the fsync cannot succeed
        final LogSegment[] segments = log.cleaning().segmentsForCleaning();
        segments[segments.length - 1].channel().close();

        gate.complete(null);
        assertThatThrownBy(() -> appended.flushed().get())
                .isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(KafkaStorageException.class);
        assertThat(log.isOffline()).isTrue();
        assertThat(log.recoveryPoint()).isZero();
        assertThatThrownBy(() -> log.appendAsLeader(batch(5, T0), 0)).isInstanceOf(KafkaStorageException.class);
        // the failed fsync took the whole log dir offline: closing writes nothing there, not even the clean marker
        manager.close();
        manager = null;
        assertThat(tmp.resolve("d1").resolve(LogManager.CLEAN_SHUTDOWN_FILE)).doesNotExist();
    }

    @Test
    void shouldCompleteTheWaitingAppendsWhenTheLogClosesBeforeTheFlusherGotToThem() throws Exception {
        manager = open(tmp.resolve("d1"), 60_000);
        final PartitionLog log = manager.getOrCreate(A0, FSYNC_EACH);
        holdFlusher();
        final AppendResult appended = log.appendAsLeader(batch(5, T0), 0);

        log.close();
        appended.flushed().get();
        assertThat(log.recoveryPoint()).isEqualTo(5);
    }

    @Test
    void shouldFlushOnTheSchedulerALogWhoseLastFlushIsOlderThanFlushMs() throws Exception {
        manager = LogManager.open(
                List.of(tmp.resolve("d1")),
                clock,
                LogManager.Settings.defaults().withFlush(new LogManager.FlushIntervals(5, 60_000)));
        final PartitionLog log = manager.getOrCreate(A0, LogConfig.defaults().withFlushInterval(Long.MAX_VALUE, 1_000));
        log.appendAsLeader(batch(5, T0), 0);
        awaitFlusher();
        assertThat(log.recoveryPoint()).as("flush.ms has not passed yet").isZero();

        clock.advance(1_000);
        Await.until(
                Duration.ofSeconds(10),
                () -> log.recoveryPoint() != 0,
                "the flush scheduler (looking every 5 ms) flushes the log");
        assertThat(log.recoveryPoint()).isEqualTo(5);
        assertThat(log.lastFlushMs()).isEqualTo(T0 + 1_000);
    }

    @Test
    void shouldRescanOnlyWhatFollowsThePeriodicCheckpointAfterACrash() throws Exception {
        final Path d1 = tmp.resolve("d1");
        manager = open(d1, 5);
        final int size = batch(10, T0).remaining();
        final LogConfig config = LogConfig.defaults().withSegmentBytes(size * 2);
        final PartitionLog log = manager.getOrCreate(A0, config);
        for (int i = 0; i < 4; i++) {
            log.appendAsLeader(batch(10, T0), 0); // segments 0 and 20, two batches each
        }
        log.flush();
        Await.until(
                Duration.ofSeconds(10),
                () -> Long.valueOf(40)
                        .equals(OffsetCheckpointFile.read(d1, OffsetCheckpointFile.RECOVERY_POINT)
                                .get(A0)),
                "the flusher (every 5 ms) checkpoints recovery point 40");
        holdFlusher();
        log.appendAsLeader(batch(10, T0), 0); // rolls segment 40, not flushed: the flusher is busy

        // a SIGKILL now leaves exactly these files (the page cache survives the process)
        final Path crashed = tmp.resolve("crashed");
        copyTree(d1, crashed);
        final Path firstSegment = crashed.resolve("a-0").resolve(LogSegment.fileName(0, ".log"));
        try (FileChannel ch = FileChannel.open(firstSegment, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(new byte[] {42}), size + 70); // inside the second batch, below the checkpoint
        }
        final Path tail = crashed.resolve("a-0").resolve(LogSegment.fileName(40, ".log"));
        try (FileChannel ch = FileChannel.open(tail, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            ch.write(ByteBuffer.wrap(new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 100, 9, 9})); // a torn write
        }

        try (LogManager reopened = open(crashed, 60_000)) {
            final PartitionLog recovered = reopened.getOrCreate(A0, config);
            // the tail after the checkpoint was scanned (its torn write cut off), the segments below it were not
            // (a full scan would have truncated the log at the flipped byte, at offset 10)
            assertThat(Files.size(tail)).isEqualTo(size);
            assertThat(recovered.logEndOffset()).isEqualTo(50);
            assertThat(recovered.segmentCount()).isEqualTo(3);
        }
    }

    private static void copyTree(final Path from, final Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            for (final Path source : paths.sorted(Comparator.naturalOrder()).toList()) {
                final Path target = to.resolve(from.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target);
                }
            }
        }
    }
}
