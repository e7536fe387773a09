package io.runnel.storage;

import static io.runnel.storage.TestBatches.offsetsOf;
import static io.runnel.testsupport.RecordBatches.batch;
import static org.assertj.core.api.Assertions.assertThat;

import io.runnel.storage.log.LogSegment;
import io.runnel.storage.log.OffsetCheckpointFile;
import io.runnel.storage.retention.LogRetention;
import io.runnel.testsupport.Await;
import io.runnel.testsupport.ManualClock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.LongStream;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Retention across the broker's logs: the pass, its thread, the delayed deletion of removed segments and the
 * {@code log-start-offset-checkpoint}. Each log holds one 10-record batch per segment.
 */
class LogManagerRetentionTest {

    private static final long T0 = 1_700_000_000_000L;
    private static final TopicPartition A0 = new TopicPartition("a", 0);
    private static final TopicPartition B0 = new TopicPartition("b", 0);
    private static final int BATCH_BYTES = batch(10, T0).remaining();
    /** Expires segments whose newest record is more than 5 s old; files wait 1 min after deletion. */
    private static final LogConfig CONFIG = LogConfig.defaults()
            .withSegmentBytes(BATCH_BYTES)
            .withRetention(5_000, -1)
            .withFileDeleteDelayMs(60_000);

    @TempDir
    Path tmp;

    private final ManualClock clock = new ManualClock(T0);

    private static void appendBatches(final PartitionLog log, final long... timestamps) {
        for (final long timestamp : timestamps) {
            log.appendAsLeader(batch(10, timestamp), 0);
        }
    }

    private static Path logFile(final Path partitionDir, final long baseOffset, final String suffix) {
        return partitionDir.resolve(LogSegment.fileName(baseOffset, LogSegment.LOG_SUFFIX) + suffix);
    }

    @Test
    void shouldPersistTheLogStartOffsetAfterAPassAndStartFromItWhenReopened() throws IOException {
        final Path d1 = tmp.resolve("d1");
        try (LogManager manager = LogManager.open(List.of(d1), clock)) {
            appendBatches(manager.getOrCreate(A0, CONFIG), T0, T0, T0 + 9_000);
            appendBatches(manager.getOrCreate(B0, CONFIG), T0 + 9_000);
            clock.advance(10_000);

            assertThat(manager.deleteOldSegments()).isEqualTo(2);

            assertThat(OffsetCheckpointFile.read(d1, OffsetCheckpointFile.LOG_START_OFFSET))
                    .as("written by the pass")
                    .containsEntry(A0, 20L)
                    .containsEntry(B0, 0L);
        }
        try (LogManager manager = LogManager.open(List.of(d1), clock)) {
            final PartitionLog log = manager.getOrCreate(A0, CONFIG);
            assertThat(log.logStartOffset()).isEqualTo(20);
            assertThat(TestBatches.allOffsets(log))
                    .isEqualTo(LongStream.range(20, 30).boxed().toList());
        }
        assertThat(OffsetCheckpointFile.read(d1, OffsetCheckpointFile.LOG_START_OFFSET))
                .as("written at close")
                .containsEntry(A0, 20L);
    }

    @Test
    void shouldKeepDeletedSegmentsReadableUntilTheFileDeleteDelayHasPassed() throws IOException {
        final Path d1 = tmp.resolve("d1");
        try (LogManager manager = LogManager.open(List.of(d1), clock)) {
            final PartitionLog log = manager.getOrCreate(A0, CONFIG);
            // the second segment outlives the test
            appendBatches(log, T0, T0 + 1_000_000);
            // a fetch took this slice before retention ran and is still sending it
            final LogSlice slice = log.read(0, 10_000, Long.MAX_VALUE, true);
            clock.advance(10_000);
            manager.deleteOldSegments();
            final Path deleted = logFile(log.dir(), 0, LogSegment.DELETED_SUFFIX);

            clock.advance(59_999);
            manager.deleteOldSegments();

            assertThat(manager.pendingSegmentDeletions()).isEqualTo(1);
            assertThat(deleted).exists();
            assertThat(offsetsOf(slice))
                    .isEqualTo(LongStream.range(0, 10).boxed().toList());

            clock.advance(1);
            manager.deleteOldSegments();

            assertThat(manager.pendingSegmentDeletions()).isZero();
            assertThat(deleted).doesNotExist();
            assertThat(slice.channel().isOpen()).isFalse();
        }
    }

    @Test
    void shouldDeleteTheFilesOfDeletedSegmentsAtClose() throws IOException {
        final Path d1 = tmp.resolve("d1");
        final Path partitionDir;
        try (LogManager manager = LogManager.open(List.of(d1), clock)) {
            final PartitionLog log = manager.getOrCreate(A0, CONFIG);
            partitionDir = log.dir();
            appendBatches(log, T0, T0 + 9_000);
            clock.advance(10_000);
            manager.deleteOldSegments();
            assertThat(logFile(partitionDir, 0, LogSegment.DELETED_SUFFIX)).exists();
        }
        try (var files = Files.list(partitionDir)) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .noneMatch(n -> n.endsWith(LogSegment.DELETED_SUFFIX));
        }
    }

    @Test
    void shouldApplyRetentionToTheLogsOfTheOtherDirectoriesWhenOneFails() throws IOException {
        final Path d1 = tmp.resolve("d1");
        final Path d2 = tmp.resolve("d2");
        // one directory each: a disk error takes the failing log's whole directory offline
        try (LogManager manager = LogManager.open(List.of(d1, d2), clock)) {
            final PartitionLog broken = manager.getOrCreate(A0, CONFIG);
            final PartitionLog healthy = manager.getOrCreate(B0, CONFIG);
            appendBatches(broken, T0, T0 + 9_000);
            appendBatches(healthy, T0, T0 + 9_000);
            // renaming the expired segment's index for deletion will fail
            Files.delete(broken.dir().resolve(LogSegment.fileName(0, LogSegment.INDEX_SUFFIX)));
            clock.advance(10_000);

            assertThat(manager.deleteOldSegments()).isEqualTo(1);

            assertThat(healthy.logStartOffset()).isEqualTo(10);
            assertThat(OffsetCheckpointFile.read(d2, OffsetCheckpointFile.LOG_START_OFFSET))
                    .containsEntry(B0, 10L);
            assertThat(broken.isOffline()).isTrue();
            assertThat(manager.offlineDirs()).containsExactly(d1.toAbsolutePath());
        }
    }

    @Test
    @Timeout(30)
    void shouldRunRetentionEveryCheckIntervalOnTheRetentionThreadUntilClosed() throws Exception {
        final Path d1 = tmp.resolve("d1");
        final PartitionLog log;
        final LogManager.Settings everyTwentyMs = LogManager.Settings.defaults().withRetentionCheckIntervalMs(20);
        try (LogManager manager = LogManager.open(List.of(d1), clock, everyTwentyMs)) {
            log = manager.getOrCreate(A0, CONFIG.withFileDeleteDelayMs(0));
            appendBatches(log, T0, T0 + 9_000);
            assertThat(retentionThreadAlive()).isTrue();
            clock.advance(10_000);

            // the pass deletes the segment, then writes the checkpoint
            Await.until(
                    Duration.ofSeconds(20),
                    () -> log.logStartOffset() == 10
                            && !Files.exists(logFile(log.dir(), 0, LogSegment.DELETED_SUFFIX))
                            && Long.valueOf(10L)
                                    .equals(OffsetCheckpointFile.read(d1, OffsetCheckpointFile.LOG_START_OFFSET)
                                            .get(A0)),
                    "the retention thread deletes segment 0 and checkpoints log start offset 10");
        }
        Await.until(Duration.ofSeconds(5), () -> !retentionThreadAlive(), "the retention thread stops at close");
    }

    private static boolean retentionThreadAlive() {
        return Thread.getAllStackTraces().keySet().stream()
                .anyMatch(t -> t.getName().equals(LogRetention.THREAD_NAME) && t.isAlive());
    }
}
