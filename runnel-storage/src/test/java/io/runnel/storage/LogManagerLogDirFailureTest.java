package io.runnel.storage;

import static io.runnel.testsupport.RecordBatches.batch;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.runnel.storage.log.OffsetCheckpointFile;
import io.runnel.testsupport.Await;
import io.runnel.testsupport.ManualClock;
import io.runnel.testsupport.TempDirs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Disk errors are isolated per log directory, with real failures made the way Kafka's {@code LogDirFailureTest}
 * makes them: a directory (or a partition's directory) replaced by a regular file, so the next file the log
 * creates there fails.
 */
class LogManagerLogDirFailureTest {

    private static final long T0 = 1_700_000_000_000L;
    /** Every append of a second batch rolls: the roll creates files, which is what fails in a broken directory. */
    private static final LogConfig TINY_SEGMENTS = LogConfig.defaults().withSegmentBytes(100);

    private static final TopicPartition A0 = new TopicPartition("a", 0);
    private static final TopicPartition A1 = new TopicPartition("a", 1);
    private static final TopicPartition A2 = new TopicPartition("a", 2);
    private static final TopicPartition B0 = new TopicPartition("b", 0);

    @TempDir
    Path tmp;

    private final ManualClock clock = new ManualClock(T0);

    @Test
    void shouldTakeTheWholeDirectoryOfflineWhenOneOfItsLogsMeetsADiskError() throws IOException {
        final Path d1 = tmp.resolve("d1");
        final Path d2 = tmp.resolve("d2");
        try (LogManager manager = LogManager.open(List.of(d1, d2), clock)) {
            final PartitionLog a0 = manager.getOrCreate(A0, TINY_SEGMENTS);
            final PartitionLog a1 = manager.getOrCreate(A1, TINY_SEGMENTS);
            final PartitionLog a2 = manager.getOrCreate(A2, TINY_SEGMENTS);
            assertThat(a0.dir().getParent()).isEqualTo(d1.toAbsolutePath());
            assertThat(a2.dir().getParent()).isEqualTo(d1.toAbsolutePath());
            a0.appendAsLeader(batch(3, T0), 0);
            a2.appendAsLeader(batch(3, T0), 0);

            replaceWithFile(d1);
            assertThatThrownBy(() -> a0.appendAsLeader(batch(3, T0), 0)).isInstanceOf(KafkaStorageException.class);

            // a2's open file still works, but its directory is not trusted any more
            assertThat(a2.isOffline()).isTrue();
            assertThatThrownBy(() -> a2.appendAsLeader(batch(1, T0), 0)).isInstanceOf(KafkaStorageException.class);
            assertThatThrownBy(() -> a2.read(0, 1000, Long.MAX_VALUE, true)).isInstanceOf(KafkaStorageException.class);
            assertThatThrownBy(() -> a2.advanceLogStartOffset(1)).isInstanceOf(KafkaStorageException.class);
            assertThat(manager.offlineDirs()).containsExactly(d1.toAbsolutePath());

            assertThat(a1.appendAsLeader(batch(3, T0), 0).lastOffset()).isEqualTo(2);
            assertThat(a1.appendAsLeader(batch(3, T0), 0).lastOffset()).isEqualTo(5);
            assertThat(TestBatches.offsetsOf(a1.read(0, 10_000, Long.MAX_VALUE, true)))
                    .startsWith(0L);
            assertThat(manager.getOrCreate(B0, TINY_SEGMENTS).dir().getParent()).isEqualTo(d2.toAbsolutePath());
            assertThat(manager.deleteOldSegments()).isZero();
        }
        assertThat(Files.exists(d2.resolve(LogManager.CLEAN_SHUTDOWN_FILE))).isTrue();
        assertThat(OffsetCheckpointFile.read(d2, OffsetCheckpointFile.RECOVERY_POINT))
                .containsKeys(A1, B0);
    }

    @Test
    void shouldWriteNothingMoreToAnOfflineDirectory() throws IOException {
        final Path d1 = tmp.resolve("d1");
        final Path d2 = tmp.resolve("d2");
        try (LogManager manager = LogManager.open(List.of(d1, d2), clock)) {
            final PartitionLog a0 = manager.getOrCreate(A0, TINY_SEGMENTS);
            manager.getOrCreate(A1, TINY_SEGMENTS);
            final PartitionLog a2 = manager.getOrCreate(A2, TINY_SEGMENTS);
            a0.appendAsLeader(batch(3, T0), 0);
            a2.appendAsLeader(batch(3, T0), 0);
            replaceWithFile(a0.dir());
            assertThatThrownBy(() -> a0.appendAsLeader(batch(3, T0), 0)).isInstanceOf(KafkaStorageException.class);

            manager.checkpointRecoveryPoints();
            manager.checkpointLogStartOffsets();
        }
        // d1 itself is still writable; it is the disk's earlier failure that keeps the broker from writing there
        assertThat(Files.exists(d1.resolve(LogManager.CLEAN_SHUTDOWN_FILE))).isFalse();
        assertThat(Files.exists(d1.resolve(OffsetCheckpointFile.RECOVERY_POINT)))
                .isFalse();
        assertThat(Files.exists(d1.resolve(OffsetCheckpointFile.LOG_START_OFFSET)))
                .isFalse();
        assertThat(Files.exists(d2.resolve(LogManager.CLEAN_SHUTDOWN_FILE))).isTrue();
        try (Stream<Path> files = Files.list(d1.resolve("a-2"))) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .as("no producer snapshot, no rolled segment")
                    .noneMatch(name -> name.endsWith(".snapshot"));
        }
    }

    @Test
    void shouldCloseEveryFileInTheOfflineDirectoryAndNoneElsewhere() throws Exception {
        final Path d1 = tmp.resolve("d1").toAbsolutePath();
        final Path d2 = tmp.resolve("d2").toAbsolutePath();
        try (LogManager manager = LogManager.open(List.of(d1, d2), clock)) {
            final PartitionLog a0 = manager.getOrCreate(A0, TINY_SEGMENTS);
            final PartitionLog a1 = manager.getOrCreate(A1, TINY_SEGMENTS);
            final PartitionLog a2 = manager.getOrCreate(A2, TINY_SEGMENTS);
            for (final PartitionLog log : List.of(a0, a1, a2)) {
                log.appendAsLeader(batch(3, T0), 0);
            }
            assertThat(openFilesUnder(d1)).isPositive();
            final long openInD2 = openFilesUnder(d2);
            assertThat(openInD2).isPositive();

            replaceWithFile(a0.dir());
            assertThatThrownBy(() -> a0.appendAsLeader(batch(3, T0), 0)).isInstanceOf(KafkaStorageException.class);

            Await.until(
                    Duration.ofSeconds(10),
                    () -> openFilesUnder(d1) == 0,
                    "the files held open in the failed directory are closed");
            assertThat(openFilesUnder(d1))
                    .as("files the broker holds open in the failed directory")
                    .isZero();
            assertThat(openFilesUnder(d2)).isEqualTo(openInD2);
            assertThatThrownBy(() -> a2.read(0, 1000, Long.MAX_VALUE, true)).isInstanceOf(KafkaStorageException.class);
            assertThat(a1.appendAsLeader(batch(1, T0), 0).firstOffset()).isEqualTo(3);
            assertThat(TestBatches.offsetsOf(a1.read(3, 10_000, Long.MAX_VALUE, true)))
                    .containsExactly(3L);
        }
    }

    @Test
    void shouldNotTakeTheDirectoryOfflineWhenAReadMeetsTheFilesOfALogDeletedUnderIt() throws IOException {
        final Path d1 = tmp.resolve("d1");
        try (LogManager manager = LogManager.open(List.of(d1), clock)) {
            final PartitionLog a0 = manager.getOrCreate(A0, TINY_SEGMENTS);
            final PartitionLog a1 = manager.getOrCreate(A1, TINY_SEGMENTS);
            a0.appendAsLeader(batch(3, T0), 0);

            // a fetch that found the log just before its topic was deleted reads closed files
            manager.delete(A0);
            assertThatThrownBy(() -> a0.read(0, 1000, Long.MAX_VALUE, true))
                    .isInstanceOf(KafkaStorageException.class)
                    .hasMessageContaining("closed");

            assertThat(manager.offlineDirs()).isEmpty();
            assertThat(a1.appendAsLeader(batch(1, T0), 0).firstOffset()).isZero();
        }
    }

    /** File descriptors of this process open on files under {@code dir}, deleted ones included. */
    private static long openFilesUnder(final Path dir) throws IOException {
        long count = 0;
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            for (final Path fd : fds.toList()) {
                try {
                    if (Files.readSymbolicLink(fd).toString().startsWith(dir + "/")) {
                        count++;
                    }
                } catch (final IOException gone) {
                    // closed since the listing (the listing's own descriptor among them)
                }
            }
        }
        return count;
    }

    @Test
    void shouldTakeTheDirectoryOfflineWhenItsCheckpointCannotBeWritten() throws IOException {
        final Path d1 = tmp.resolve("d1");
        final Path d2 = tmp.resolve("d2");
        try (LogManager manager = LogManager.open(List.of(d1, d2), clock)) {
            final PartitionLog a0 = manager.getOrCreate(A0, TINY_SEGMENTS);
            final PartitionLog a1 = manager.getOrCreate(A1, TINY_SEGMENTS);
            // the checkpoint's rename cannot replace a directory that holds something
            Files.createDirectories(
                    d1.resolve(OffsetCheckpointFile.LOG_START_OFFSET).resolve("occupied"));

            manager.checkpointLogStartOffsets();

            assertThat(manager.offlineDirs()).containsExactly(d1.toAbsolutePath());
            assertThatThrownBy(() -> a0.appendAsLeader(batch(1, T0), 0)).isInstanceOf(KafkaStorageException.class);
            assertThat(a1.appendAsLeader(batch(1, T0), 0).firstOffset()).isZero();
        }
    }

    @Test
    void shouldNotPlaceAPartitionInADirectoryWhoseCreationOfItFailed() throws IOException {
        final Path d1 = tmp.resolve("d1");
        final Path d2 = tmp.resolve("d2");
        try (LogManager manager = LogManager.open(List.of(d1, d2), clock)) {
            replaceWithFile(d1);
            assertThatThrownBy(() -> manager.getOrCreate(A0, TINY_SEGMENTS)).isInstanceOf(KafkaStorageException.class);
            assertThat(manager.offlineDirs()).containsExactly(d1.toAbsolutePath());
            assertThat(manager.getOrCreate(A1, TINY_SEGMENTS).dir().getParent()).isEqualTo(d2.toAbsolutePath());
            assertThat(manager.getOrCreate(A2, TINY_SEGMENTS).dir().getParent()).isEqualTo(d2.toAbsolutePath());
        }
    }

    @Test
    void shouldStartWithTheOtherDirectoriesWhenOneCannotBeOpened() throws IOException {
        final Path d1 = tmp.resolve("d1");
        final Path d2 = tmp.resolve("d2");
        try (LogManager manager = LogManager.open(List.of(d1, d2), clock)) {
            manager.getOrCreate(A0, TINY_SEGMENTS).appendAsLeader(batch(3, T0), 0);
            manager.getOrCreate(A1, TINY_SEGMENTS).appendAsLeader(batch(3, T0), 0);
        }
        replaceWithFile(d2);
        try (LogManager manager = LogManager.open(List.of(d1, d2), clock)) {
            assertThat(manager.offlineDirs()).containsExactly(d2.toAbsolutePath());
            assertThat(manager.getOrCreate(A0, TINY_SEGMENTS, false).logEndOffset())
                    .isEqualTo(3);
            // a1's data is most likely on the offline disk: no empty log takes its place
            assertThatThrownBy(() -> manager.getOrCreate(A1, TINY_SEGMENTS, false))
                    .isInstanceOf(KafkaStorageException.class)
                    .hasMessageContaining("are offline");
            assertThat(manager.getOrCreate(B0, TINY_SEGMENTS, true).dir().getParent())
                    .isEqualTo(d1.toAbsolutePath());

            final List<LogDirDescription> dirs = manager.describeLogDirs();
            assertThat(dirs)
                    .extracting(LogDirDescription::path)
                    .containsExactly(d1.toAbsolutePath(), d2.toAbsolutePath());
            assertThat(dirs.get(0).online()).isTrue();
            assertThat(dirs.get(0).logs())
                    .extracting(PartitionLog::topicPartition)
                    .containsExactlyInAnyOrder(A0, B0);
            assertThat(dirs.get(0).totalBytes()).isPositive();
            assertThat(dirs.get(0).usableBytes())
                    .isPositive()
                    .isLessThanOrEqualTo(dirs.get(0).totalBytes());
            assertThat(dirs.get(1).online()).isFalse();
            assertThat(dirs.get(1).logs()).isEmpty();
        }
    }

    @Test
    void shouldRefuseToOpenWhenNoDirectoryCanBeOpened() throws IOException {
        final Path d1 = tmp.resolve("d1");
        final Path d2 = tmp.resolve("d2");
        Files.writeString(d1, "not a directory");
        Files.writeString(d2, "not a directory");
        assertThatThrownBy(() -> LogManager.open(List.of(d1, d2), clock))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("None of the log directories");
    }

    /** Kafka's {@code TestUtils.causeLogDirFailure}: the directory goes, a regular file takes its name. */
    static void replaceWithFile(final Path dir) throws IOException {
        TempDirs.deleteRecursively(dir);
        Files.writeString(dir, "a disk that failed");
    }
}
