package io.runnel.storage;

import static io.runnel.testsupport.RecordBatches.batch;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.runnel.storage.log.LogSegment;
import io.runnel.storage.log.OffsetCheckpointFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * num.recovery.threads.per.data.dir: the logs found at start opened together (openAll), and every log closed together
 * at shutdown, so many at a time per directory.
 */
class LogManagerRecoveryThreadsTest {

    private static final long T0 = 1_700_000_000_000L;
    private static final int PARTITIONS = 12;

    @TempDir
    Path tmp;

    /** The clock every opened log reads once; it notes which threads opened logs. */
    private static final class ThreadNotingClock implements InstantSource {
        final Set<String> threads = ConcurrentHashMap.newKeySet();

        @Override
        public Instant instant() {
            threads.add(Thread.currentThread().getName());
            return Instant.ofEpochMilli(T0);
        }
    }

    private static TopicPartition tp(final int p) {
        return new TopicPartition("orders", p);
    }

    private static Map<TopicPartition, LogConfig> configs(final int count) {
        final Map<TopicPartition, LogConfig> configs = new HashMap<>();
        for (int p = 0; p < count; p++) {
            configs.put(tp(p), LogConfig.defaults());
        }
        return configs;
    }

    /** Writes 3 batches of 10 records to each partition, closes cleanly, then leaves a torn tail in each. */
    private void writeThenCrash(final Path dir) throws IOException {
        try (LogManager manager = LogManager.open(List.of(dir), InstantSource.fixed(Instant.ofEpochMilli(T0)))) {
            for (int p = 0; p < PARTITIONS; p++) {
                final PartitionLog log = manager.getOrCreate(tp(p), LogConfig.defaults());
                for (int b = 0; b < 3; b++) {
                    log.appendAsLeader(batch(10, T0), 0);
                }
            }
        }
        Files.delete(dir.resolve(LogManager.CLEAN_SHUTDOWN_FILE));
        for (int p = 0; p < PARTITIONS; p++) {
            final Path active = dir.resolve("orders-" + p).resolve(LogSegment.fileName(0, ".log"));
            try (FileChannel ch = FileChannel.open(active, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
                ch.write(ByteBuffer.wrap(new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 100, 9, 9, 9}));
            }
        }
    }

    @Test
    void shouldRecoverEveryLogOfAnUncleanDirectoryOnTheRecoveryThreads() throws Exception {
        final Path dir = tmp.resolve("d1");
        writeThenCrash(dir);
        final ThreadNotingClock clock = new ThreadNotingClock();

        try (LogManager manager = LogManager.open(
                List.of(dir), clock, LogManager.Settings.defaults().withRecoveryThreadsPerDir(3))) {
            final Map<TopicPartition, CompletableFuture<PartitionLog>> opened = manager.openAll(configs(PARTITIONS));

            assertThat(opened).hasSize(PARTITIONS);
            for (int p = 0; p < PARTITIONS; p++) {
                final PartitionLog log = opened.get(tp(p)).get();
                assertThat(log.logEndOffset()).isEqualTo(30);
                assertThat(TestBatches.allOffsets(log)).hasSize(30);
                assertThat(manager.getOrCreate(tp(p), LogConfig.defaults())).isSameAs(log);
            }
            assertThat(clock.threads)
                    .contains(
                            LogManager.RECOVERY_THREAD_PREFIX + "0",
                            LogManager.RECOVERY_THREAD_PREFIX + "1",
                            LogManager.RECOVERY_THREAD_PREFIX + "2");
            assertThat(clock.threads).noneMatch(name -> name.equals(LogManager.RECOVERY_THREAD_PREFIX + "3"));
        }
        assertThat(Files.exists(dir.resolve(LogManager.CLEAN_SHUTDOWN_FILE))).isTrue();
        assertThat(Thread.getAllStackTraces().keySet())
                .noneMatch(thread -> thread.getName().startsWith(LogManager.RECOVERY_THREAD_PREFIX));
    }

    @Test
    void shouldCloseEveryLogAtShutdownWithItsDataAndMarkTheDirectoryClean() throws Exception {
        final Path dir = tmp.resolve("d1");
        try (LogManager manager = LogManager.open(
                List.of(dir),
                InstantSource.fixed(Instant.ofEpochMilli(T0)),
                LogManager.Settings.defaults().withRecoveryThreadsPerDir(3))) {
            for (int p = 0; p < PARTITIONS; p++) {
                manager.getOrCreate(tp(p), LogConfig.defaults()).appendAsLeader(batch(7, T0), 0);
            }
        }

        assertThat(Files.exists(dir.resolve(LogManager.CLEAN_SHUTDOWN_FILE))).isTrue();
        assertThat(OffsetCheckpointFile.read(dir, OffsetCheckpointFile.RECOVERY_POINT))
                .hasSize(PARTITIONS)
                .containsValue(7L)
                .doesNotContainValue(0L);
        try (LogManager manager = LogManager.open(List.of(dir), InstantSource.fixed(Instant.ofEpochMilli(T0)))) {
            for (final CompletableFuture<PartitionLog> opened :
                    manager.openAll(configs(PARTITIONS)).values()) {
                assertThat(TestBatches.allOffsets(opened.get())).hasSize(7);
            }
        }
        assertThat(Thread.getAllStackTraces().keySet())
                .noneMatch(thread -> thread.getName().startsWith(LogManager.SHUTDOWN_THREAD_PREFIX));
    }

    @Test
    void shouldLeavePartitionsThatAreNotOnDiskToGetOrCreate() throws Exception {
        final Path dir = tmp.resolve("d1");
        try (LogManager manager = LogManager.open(List.of(dir), InstantSource.fixed(Instant.ofEpochMilli(T0)))) {
            manager.getOrCreate(tp(0), LogConfig.defaults()).appendAsLeader(batch(5, T0), 0);
        }
        try (LogManager manager = LogManager.open(List.of(dir), InstantSource.fixed(Instant.ofEpochMilli(T0)))) {
            final Map<TopicPartition, CompletableFuture<PartitionLog>> opened = manager.openAll(configs(2));

            assertThat(opened).containsOnlyKeys(tp(0));
            assertThat(opened.get(tp(0)).get().logEndOffset()).isEqualTo(5);
            assertThat(manager.get(tp(1))).isEmpty();
        }
    }

    @Test
    void shouldFailOnlyThePartitionsOfADirectoryThatCannotBeRead() throws Exception {
        final Path good = tmp.resolve("good");
        final Path bad = tmp.resolve("bad");
        try (LogManager manager = LogManager.open(List.of(good, bad), InstantSource.fixed(Instant.ofEpochMilli(T0)))) {
            for (int p = 0; p < 4; p++) {
                manager.getOrCreate(tp(p), LogConfig.defaults()).appendAsLeader(batch(5, T0), 0);
            }
        }
        // the log file of one partition in the bad directory cannot be opened: a disk error at open
        final Path broken;
        try (var partitions = Files.list(bad)) {
            broken = partitions.filter(Files::isDirectory).findFirst().orElseThrow();
        }
        final Path segment = broken.resolve(LogSegment.fileName(0, ".log"));
        Files.delete(segment);
        Files.createDirectory(segment);
        final TopicPartition brokenTp =
                LogManager.parsePartitionDir(broken.getFileName().toString());

        try (LogManager manager = LogManager.open(List.of(good, bad), InstantSource.fixed(Instant.ofEpochMilli(T0)))) {
            final Map<TopicPartition, CompletableFuture<PartitionLog>> opened = manager.openAll(configs(4));

            assertThat(opened).hasSize(4);
            assertThatThrownBy(() -> opened.get(brokenTp).get())
                    .isInstanceOf(ExecutionException.class)
                    .cause()
                    .isInstanceOf(KafkaStorageException.class);
            assertThat(manager.offlineDirs())
                    .containsExactly(bad.toAbsolutePath().normalize());
            try (var partitions = Files.list(good)) {
                for (final Path partition :
                        partitions.filter(Files::isDirectory).toList()) {
                    final TopicPartition tp =
                            LogManager.parsePartitionDir(partition.getFileName().toString());
                    assertThat(opened.get(tp).get().logEndOffset()).isEqualTo(5);
                }
            }
        }
    }
}
