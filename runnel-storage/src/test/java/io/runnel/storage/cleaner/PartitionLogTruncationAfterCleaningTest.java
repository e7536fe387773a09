package io.runnel.storage.cleaner;

import static io.runnel.storage.TestBatches.contents;
import static io.runnel.testsupport.RecordBatches.keyed;
import static org.assertj.core.api.Assertions.assertThat;

import io.runnel.storage.CompactionConfig;
import io.runnel.storage.LogConfig;
import io.runnel.storage.PartitionLog;
import io.runnel.storage.log.LogSegment;
import io.runnel.storage.retention.RetiredSegments;
import io.runnel.testsupport.ManualClock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.record.internal.CompressionType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Truncation ({@link PartitionLog#truncateTo}, Kafka's {@code UnifiedLog.truncateTo}) to an offset the cleaner
 * removed: the log ends at that offset, above its last record, and DeleteRecords may have moved the log start offset
 * up to it. The segments alone then end below the checkpointed log start offset; a reopened log keeps its start
 * offset and restarts empty there, as Kafka's {@code LogLoader} does.
 *
 * <p>Each segment holds two one-record batches: the first segment holds offsets 0 and 1, the active one 2.
 */
class PartitionLogTruncationAfterCleaningTest {

    private static final TopicPartition TP = new TopicPartition("table", 0);
    private static final long T0 = 1_700_000_000_000L;
    private static final int BATCH_BYTES =
            keyed(CompressionType.NONE, T0, "a", "1").remaining();
    private static final LogConfig CONFIG = LogConfig.defaults()
            .withSegmentBytes(2 * BATCH_BYTES)
            .withIndexIntervalBytes(0)
            .withSegmentIndexBytes(4096)
            .withCompaction(new CompactionConfig(true, 0.0, 60_000, 0, Long.MAX_VALUE));

    @TempDir
    Path tmp;

    private Path dir;
    private final ManualClock clock = new ManualClock(T0);
    private final RetiredSegments retired = new RetiredSegments();
    private final List<LogSegment> removed = new ArrayList<>();
    private PartitionLog log;

    @BeforeEach
    void setUp() {
        dir = tmp.resolve("table-0");
        log = PartitionLog.open(TP, dir, CONFIG, clock, 0, 0, true);
    }

    @AfterEach
    void tearDown() throws IOException {
        log.close();
        retired.deleteAll();
        for (final LogSegment segment : removed) {
            segment.closeAndDelete();
        }
    }

    private void append(final String key, final String value) {
        log.appendAsLeader(keyed(CompressionType.NONE, clock.millis(), key, value), 0);
    }

    private void reopen(final boolean cleanShutdown) {
        final long checkpointedStart = log.logStartOffset();
        log.close();
        log = PartitionLog.open(TP, dir, CONFIG, clock, checkpointedStart, 0, cleanShutdown);
    }

    private List<String> segmentFiles() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString())
                    .filter(n -> n.endsWith(".log"))
                    .sorted()
                    .toList();
        }
    }

    @ParameterizedTest(name = "clean shutdown: {0}")
    @ValueSource(booleans = {true, false})
    void shouldKeepTheLogStartOffsetWhenTheSegmentsEndBelowItAtTheReopen(final boolean cleanShutdown)
            throws IOException {
        append("a", "1");
        append("a", "2");
        append("b", "1");
        LogCleaner.clean(log, clock.millis(), Long.MAX_VALUE, CleanerThrottle.NONE, retired, () -> {});
        assertThat(contents(log))
                .as("the cleaner removed offset 0; the first segment, based at 0, starts with offset 1")
                .containsExactly("1:a=2", "2:b=1");
        log.advanceLogStartOffset(1);

        removed.addAll(log.truncateTo(1));

        assertThat(log.logStartOffset()).isEqualTo(1);
        assertThat(log.logEndOffset())
                .as("the log ends at the truncation offset, above its last record (there is none)")
                .isEqualTo(1);

        reopen(cleanShutdown);

        assertThat(log.logStartOffset())
                .as("the checkpointed log start offset survives the reopen")
                .isEqualTo(1);
        assertThat(log.logEndOffset()).isEqualTo(1);
        assertThat(segmentFiles())
                .as("the segment that ended below the log start offset is gone, a new one starts there")
                .containsExactly(LogSegment.fileName(1, ".log"));
        assertThat(log.appendAsLeader(keyed(CompressionType.NONE, clock.millis(), "c", "1"), 0)
                        .firstOffset())
                .as("no offset below the log start offset is handed out again")
                .isEqualTo(1);
        assertThat(contents(log)).containsExactly("1:c=1");
    }
}
