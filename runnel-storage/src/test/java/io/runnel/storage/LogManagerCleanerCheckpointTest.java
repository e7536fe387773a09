package io.runnel.storage;

import static io.runnel.testsupport.RecordBatches.batch;
import static io.runnel.testsupport.RecordBatches.keyed;
import static org.assertj.core.api.Assertions.assertThat;

import io.runnel.storage.log.OffsetCheckpointFile;
import io.runnel.testsupport.ManualClock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.record.internal.CompressionType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code cleaner-offset-checkpoint} of a log directory: written after a cleaner pass cleaned a log (and at
 * close), read when the log is opened again, so a restart does not clean the whole log again; a checkpointed
 * offset outside the log is held within [log start, log end].
 */
class LogManagerCleanerCheckpointTest {

    private static final long T0 = 1_700_000_000_000L;
    private static final TopicPartition TABLE = new TopicPartition("table", 0);
    private static final TopicPartition PLAIN = new TopicPartition("plain", 0);
    /** One keyed batch per segment; cleaned whenever anything is dirty. */
    private static final LogConfig COMPACTED = LogConfig.defaults()
            .withSegmentBytes(100)
            .withCompaction(new CompactionConfig(true, 0.0, 60_000, 0, Long.MAX_VALUE));

    @TempDir
    Path tmp;

    private final ManualClock clock = new ManualClock(T0);

    private static void put(final PartitionLog log, final String... keyValues) {
        for (int i = 0; i < keyValues.length; i += 2) {
            log.appendAsLeader(keyed(CompressionType.NONE, T0, keyValues[i], keyValues[i + 1]), 0);
        }
    }

    @Test
    void shouldCheckpointWhereTheDirtyPartStartsAfterAPassAndResumeFromItAfterARestart() throws IOException {
        final Path d1 = tmp.resolve("d1");
        try (LogManager manager = LogManager.open(List.of(d1), clock)) {
            put(manager.getOrCreate(TABLE, COMPACTED), "a", "1", "a", "2", "b", "1", "b", "2");
            manager.getOrCreate(PLAIN, LogConfig.defaults()).appendAsLeader(batch(3, T0), 0);

            assertThat(manager.cleanLogs()).isPositive();

            assertThat(OffsetCheckpointFile.read(d1, OffsetCheckpointFile.CLEANER_OFFSET))
                    .as("written by the pass; only compacted logs have an entry")
                    .isEqualTo(Map.of(TABLE, 3L));
        }
        // the next start is an unclean one, which recovers the logs
        Files.delete(d1.resolve(LogManager.CLEAN_SHUTDOWN_FILE));

        try (LogManager manager = LogManager.open(List.of(d1), clock)) {
            final PartitionLog log = manager.getOrCreate(TABLE, COMPACTED);

            assertThat(log.cleaning().firstDirtyOffset())
                    .as("read back at open")
                    .isEqualTo(3);
            assertThat(manager.cleanLogs())
                    .as("the cleaned part is not cleaned again")
                    .isZero();

            put(log, "a", "3", "c", "1");
            assertThat(manager.cleanLogs()).as("new dirty segments are").isPositive();
            assertThat(log.cleaning().firstDirtyOffset()).isEqualTo(5);
        }
        assertThat(OffsetCheckpointFile.read(d1, OffsetCheckpointFile.CLEANER_OFFSET))
                .containsEntry(TABLE, 5L);
    }

    @Test
    void shouldHoldACheckpointedOffsetOutsideTheLogWithinItsStartAndEnd() throws IOException {
        final Path d1 = tmp.resolve("d1");
        try (LogManager manager = LogManager.open(List.of(d1), clock)) {
            put(manager.getOrCreate(TABLE, COMPACTED), "a", "1", "b", "1", "c", "1");
        }
        OffsetCheckpointFile.write(d1, OffsetCheckpointFile.CLEANER_OFFSET, Map.of(TABLE, 1_000L));
        try (LogManager manager = LogManager.open(List.of(d1), clock)) {
            assertThat(manager.getOrCreate(TABLE, COMPACTED).cleaning().firstDirtyOffset())
                    .as("past the end")
                    .isEqualTo(3);
        }
        OffsetCheckpointFile.write(d1, OffsetCheckpointFile.LOG_START_OFFSET, Map.of(TABLE, 2L));
        OffsetCheckpointFile.write(d1, OffsetCheckpointFile.CLEANER_OFFSET, Map.of(TABLE, 1L));
        try (LogManager manager = LogManager.open(List.of(d1), clock)) {
            assertThat(manager.getOrCreate(TABLE, COMPACTED).cleaning().firstDirtyOffset())
                    .as("below the start")
                    .isEqualTo(2);
        }
    }
}
