package io.runnel.storage;

import static io.runnel.testsupport.RecordBatches.batch;
import static org.assertj.core.api.Assertions.assertThat;

import io.runnel.storage.log.LogSegment;
import io.runnel.storage.log.OffsetCheckpointFile;
import io.runnel.testsupport.ManualClock;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogManagerTest {

    private static final long T0 = 1_700_000_000_000L;
    private static final TopicPartition A0 = new TopicPartition("a", 0);
    private static final TopicPartition A1 = new TopicPartition("a", 1);
    private static final TopicPartition DASHED = new TopicPartition("my-topic.v2", 12);

    @TempDir
    Path tmp;

    private final ManualClock clock = new ManualClock(T0);

    @Test
    void shouldSpreadNewPartitionsOverTheLeastLoadedDirectories() throws IOException {
        final Path d1 = tmp.resolve("d1");
        final Path d2 = tmp.resolve("d2");
        try (LogManager manager = LogManager.open(List.of(d1, d2), clock)) {
            manager.getOrCreate(A0, LogConfig.defaults());
            manager.getOrCreate(A1, LogConfig.defaults());
            manager.getOrCreate(DASHED, LogConfig.defaults());
            assertThat(manager.getOrCreate(A0, LogConfig.defaults()))
                    .isSameAs(manager.get(A0).orElseThrow());
            assertThat(Files.isDirectory(d1.resolve("a-0"))).isTrue();
            assertThat(Files.isDirectory(d2.resolve("a-1"))).isTrue();
            assertThat(Files.isDirectory(d1.resolve("my-topic.v2-12"))).isTrue();
        }
        assertThat(Files.exists(d1.resolve(LogManager.CLEAN_SHUTDOWN_FILE))).isTrue();
        assertThat(Files.exists(d2.resolve(LogManager.CLEAN_SHUTDOWN_FILE))).isTrue();
    }

    @Test
    void shouldListPartitionsOnDiskAndReopenThemWithTheirData() throws IOException {
        final Path d1 = tmp.resolve("d1");
        try (LogManager manager = LogManager.open(List.of(d1), clock)) {
            manager.getOrCreate(A0, LogConfig.defaults()).appendAsLeader(batch(5, T0), 0);
            manager.getOrCreate(DASHED, LogConfig.defaults()).appendAsLeader(batch(3, T0), 0);
        }
        final Map<TopicPartition, Long> checkpoint = OffsetCheckpointFile.read(d1, OffsetCheckpointFile.RECOVERY_POINT);
        assertThat(checkpoint).containsEntry(A0, 5L).containsEntry(DASHED, 3L);
        assertThat(Files.readAllLines(d1.resolve(OffsetCheckpointFile.RECOVERY_POINT), StandardCharsets.UTF_8))
                .startsWith("0", "2");

        Files.createDirectories(d1.resolve("not a partition"));
        try (LogManager manager = LogManager.open(List.of(d1), clock)) {
            assertThat(Files.exists(d1.resolve(LogManager.CLEAN_SHUTDOWN_FILE))).isFalse();
            assertThat(manager.partitionsOnDisk()).containsExactlyInAnyOrder(A0, DASHED);
            assertThat(manager.get(A0)).isEmpty();
            assertThat(manager.getOrCreate(A0, LogConfig.defaults()).logEndOffset())
                    .isEqualTo(5);
        }
    }

    @Test
    void shouldDeleteAPartitionAndLeftoversOfEarlierDeletes() throws IOException {
        final Path d1 = tmp.resolve("d1");
        final Path leftover = d1.resolve("a-7.0123456789abcdef0123456789abcdef-delete");
        Files.createDirectories(leftover);
        Files.writeString(leftover.resolve("00000000000000000000.log"), "junk");
        try (LogManager manager = LogManager.open(List.of(d1), clock)) {
            assertThat(Files.exists(leftover)).isFalse();
            manager.getOrCreate(A0, LogConfig.defaults()).appendAsLeader(batch(5, T0), 0);
            manager.getOrCreate(A1, LogConfig.defaults());
            manager.delete(A0);
            assertThat(manager.get(A0)).isEmpty();
            assertThat(manager.partitionsOnDisk()).containsExactly(A1);
            try (var children = Files.list(d1)) {
                assertThat(children.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith("a-0"));
            }
            // a recreated partition starts empty
            assertThat(manager.getOrCreate(A0, LogConfig.defaults()).logEndOffset())
                    .isZero();
        }
        assertThat(OffsetCheckpointFile.read(d1, OffsetCheckpointFile.RECOVERY_POINT))
                .containsOnlyKeys(A0, A1);
    }

    @Test
    void shouldRecoverFromTheCheckpointWhenTheDirectoryWasNotShutDownCleanly() throws IOException {
        final Path d1 = tmp.resolve("d1");
        final int size = batch(10, T0).remaining();
        final LogConfig config = LogConfig.defaults().withSegmentBytes(size * 2);
        try (LogManager manager = LogManager.open(List.of(d1), clock)) {
            final PartitionLog log = manager.getOrCreate(A0, config);
            for (int i = 0; i < 5; i++) {
                log.appendAsLeader(batch(10, T0), 0);
            }
        }
        // simulate a crash after the clean close: marker gone, garbage at the end of the active segment
        Files.delete(d1.resolve(LogManager.CLEAN_SHUTDOWN_FILE));
        final Path active = d1.resolve("a-0").resolve(LogSegment.fileName(40, ".log"));
        try (FileChannel ch = FileChannel.open(active, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            ch.write(ByteBuffer.wrap(new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 100, 9, 9, 9}));
        }
        try (LogManager manager = LogManager.open(List.of(d1), clock)) {
            final PartitionLog log = manager.getOrCreate(A0, config);
            assertThat(log.logEndOffset()).isEqualTo(50);
            assertThat(Files.size(active)).isEqualTo(size);
            assertThat(TestBatches.allOffsets(log)).hasSize(50);
        }
        assertThat(Files.exists(d1.resolve(LogManager.CLEAN_SHUTDOWN_FILE))).isTrue();
    }

    @Test
    void shouldNotMarkADirectoryCleanWhenAnUnrecoveredPartitionWasNeverOpened() throws IOException {
        final Path d1 = tmp.resolve("d1");
        try (LogManager manager = LogManager.open(List.of(d1), clock)) {
            manager.getOrCreate(A0, LogConfig.defaults()).appendAsLeader(batch(5, T0), 0);
            manager.getOrCreate(A1, LogConfig.defaults()).appendAsLeader(batch(5, T0), 0);
        }
        Files.delete(d1.resolve(LogManager.CLEAN_SHUTDOWN_FILE));
        try (LogManager manager = LogManager.open(List.of(d1), clock)) {
            manager.getOrCreate(A0, LogConfig.defaults());
        }
        assertThat(Files.exists(d1.resolve(LogManager.CLEAN_SHUTDOWN_FILE))).isFalse();
        assertThat(OffsetCheckpointFile.read(d1, OffsetCheckpointFile.RECOVERY_POINT))
                .containsEntry(A1, 5L);
    }
}
