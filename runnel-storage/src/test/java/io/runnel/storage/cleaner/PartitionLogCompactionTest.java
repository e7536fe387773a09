package io.runnel.storage.cleaner;

import static io.runnel.storage.TestBatches.batchesOf;
import static io.runnel.storage.TestBatches.contents;
import static io.runnel.storage.TestBatches.text;
import static io.runnel.testsupport.RecordBatches.keyed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.runnel.storage.CompactionConfig;
import io.runnel.storage.LogConfig;
import io.runnel.storage.LogSlice;
import io.runnel.storage.PartitionLog;
import io.runnel.storage.log.LogSegment;
import io.runnel.storage.log.SegmentSwap;
import io.runnel.storage.retention.RetiredSegments;
import io.runnel.testsupport.ManualClock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.record.internal.CompressionType;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Compaction of one partition log ({@link LogCleaner#clean}): the latest record of each key survives at its offset,
 * a tombstone goes {@code delete.retention.ms} after the first cleaning that kept it (KIP-534), records without a key
 * go, the active segment is left alone,
 * readers of a replaced segment keep reading it, and a crash at any step of the swap reopens as a consistent log.
 *
 * <p>Segments are so small that every append gets a segment of its own; the last append is the active segment.
 */
class PartitionLogCompactionTest {

    private static final TopicPartition TP = new TopicPartition("table", 0);
    private static final long T0 = 1_700_000_000_000L;
    private static final long DELETE_RETENTION_MS = 60_000;

    @TempDir
    Path tmp;

    private Path dir;
    private ManualClock clock;
    private final RetiredSegments retired = new RetiredSegments();
    private final List<PartitionLog> opened = new ArrayList<>();

    @BeforeEach
    void setUp() {
        dir = tmp.resolve("table-0");
        clock = new ManualClock(T0);
    }

    @AfterEach
    void tearDown() {
        retired.deleteAll();
        for (final PartitionLog log : opened) {
            log.closeForDelete();
        }
    }

    private static LogConfig compactedOneBatchPerSegment() {
        return LogConfig.defaults()
                .withSegmentBytes(100)
                .withIndexIntervalBytes(0)
                .withSegmentIndexBytes(4096)
                .withCompaction(new CompactionConfig(true, 0.0, DELETE_RETENTION_MS, 0, Long.MAX_VALUE));
    }

    private PartitionLog open(final boolean cleanShutdown) {
        final PartitionLog log = PartitionLog.open(TP, dir, compactedOneBatchPerSegment(), clock, 0, 0, cleanShutdown);
        opened.add(log);
        return log;
    }

    /** Appends one batch per array, each {@code key, value, key, value...}; a null value is a tombstone. */
    private void append(final PartitionLog log, final String[]... batches) {
        for (final String[] keyValues : batches) {
            appendAt(log, clock.millis(), keyValues);
        }
    }

    /** Appends one batch whose records carry the producer timestamp {@code timestamp}. */
    private static void appendAt(final PartitionLog log, final long timestamp, final String... keyValues) {
        log.appendAsLeader(keyed(CompressionType.LZ4, timestamp, keyValues), 0);
    }

    private static String[] kv(final String... keyValues) {
        return keyValues;
    }

    private int clean(final PartitionLog log) throws IOException {
        return LogCleaner.clean(log, clock.millis(), Long.MAX_VALUE, CleanerThrottle.NONE, retired, () -> {})
                .replaced();
    }

    @Test
    void shouldKeepTheLatestRecordPerKeyAtItsOffsetAndLeaveTheActiveSegmentAlone() throws IOException {
        final PartitionLog log = open(true);
        append(log, kv("a", "1", "b", "1"), kv("a", "2", "c", "1"), kv("b", "2"), kv("a", "3", "d", "1"));

        assertThat(clean(log)).as("only the first segment loses records").isEqualTo(1);

        assertThat(contents(log)).containsExactly("2:a=2", "3:c=1", "4:b=2", "5:a=3", "6:d=1");
        assertThat(log.logEndOffset()).isEqualTo(7);
        assertThat(log.segmentCount()).isEqualTo(4);
    }

    @Test
    void shouldRefuseToCleanAndChangeNothingWhenARecordDecompressesPastMaxDecompressedMessageBytes()
            throws IOException {
        final PartitionLog log = open(true);
        append(log, kv("a", "x".repeat(5000)), kv("a", "2"), kv("b", "1"));
        log.updateConfig(log.config().withMaxDecompressedMessageBytes(1000));

        assertThatThrownBy(() -> clean(log))
                .isInstanceOf(InvalidRecordException.class)
                .hasMessageContaining("exceeds the configured maximum record size of 1000.");

        assertThat(contents(log)).hasSize(3);
        assertThat(log.segmentCount()).isEqualTo(3);
    }

    @Test
    void shouldNotCleanAgainUntilNewSegmentsAreDirty() throws IOException {
        final PartitionLog log = open(true);
        append(log, kv("a", "1"), kv("a", "2"), kv("b", "1"));
        assertThat(clean(log)).isEqualTo(1);

        assertThat(clean(log)).isZero();

        append(log, kv("b", "2"), kv("c", "1"));
        assertThat(clean(log))
                .as("the emptied first segment merges with the next, b=1 goes from the third")
                .isEqualTo(3);
        assertThat(contents(log)).containsExactly("1:a=2", "3:b=2", "4:c=1");
    }

    @Test
    void shouldDropATombstoneDeleteRetentionAfterTheFirstCleaningThatKeptIt() throws IOException {
        final PartitionLog log = open(true);
        append(log, kv("a", "1"), kv("a", null), kv("b", "1"));
        clean(log);
        assertThat(contents(log)).containsExactly("1:a=null", "2:b=1");

        clock.advance(DELETE_RETENTION_MS - 1);
        append(log, kv("c", "1"));
        clean(log);
        assertThat(contents(log)).containsExactly("1:a=null", "2:b=1", "3:c=1");

        clock.advance(2);
        append(log, kv("d", "1"));
        clean(log);
        assertThat(contents(log)).containsExactly("2:b=1", "3:c=1", "4:d=1");
    }

    @Test
    void shouldKeepATombstoneWithAnOldTimestampForDeleteRetentionAfterItsFirstCleaning() throws IOException {
        final PartitionLog log = open(true);
        append(log, kv("a", "1"));
        appendAt(log, T0 - 10 * DELETE_RETENTION_MS, "a", null);
        append(log, kv("b", "1"));
        clean(log);

        clock.advance(DELETE_RETENTION_MS - 1);
        append(log, kv("c", "1"));
        clean(log);
        assertThat(contents(log))
                .as("the producer's timestamp does not shorten the wait")
                .containsExactly("1:a=null", "2:b=1", "3:c=1");

        clock.advance(1);
        append(log, kv("d", "1"));
        clean(log);
        assertThat(contents(log)).containsExactly("2:b=1", "3:c=1", "4:d=1");
    }

    @Test
    void shouldStampTheDeleteHorizonInTheTombstonesBatchAndKeepItsRecordsTimestamps() throws IOException {
        final PartitionLog log = open(true);
        final long produced = T0 - 5_000;
        appendAt(log, produced, "a", null, "b", "1");
        append(log, kv("c", "1"));
        final RecordBatch before =
                batchesOf(log.read(0, Integer.MAX_VALUE, 2, true)).get(0);
        assertThat(before.deleteHorizonMs()).isEmpty();

        clean(log);

        final RecordBatch after =
                batchesOf(log.read(0, Integer.MAX_VALUE, 2, true)).get(0);
        assertThat(after.deleteHorizonMs()).hasValue(T0 + DELETE_RETENTION_MS);
        assertThat(after.maxTimestamp()).isEqualTo(produced);
        assertThat(after.baseOffset()).isZero();
        assertThat(after.compressionType()).isEqualTo(CompressionType.LZ4);
        final List<Long> timestamps = new ArrayList<>();
        for (final Record record : after) {
            timestamps.add(record.timestamp());
        }
        assertThat(timestamps).containsExactly(produced, produced);
        assertThat(contents(log)).containsExactly("0:a=null", "1:b=1", "2:c=1");

        clock.advance(10 * DELETE_RETENTION_MS);
        append(log, kv("d", "1"));
        clean(log);
        assertThat(batchesOf(log.read(0, Integer.MAX_VALUE, 2, true)).get(0).deleteHorizonMs())
                .as("a later pass keeps the horizon of a batch it rebuilds")
                .hasValue(T0 + DELETE_RETENTION_MS);
        assertThat(contents(log)).containsExactly("1:b=1", "2:c=1", "3:d=1");
    }

    @Test
    void shouldDropRecordsWithoutAKeyWrittenBeforeTheTopicWasCompacted() throws IOException {
        final PartitionLog log = open(true);
        final LogConfig compacted = log.config();
        log.updateConfig(compacted.withCompaction(compacted.compaction().withEnabled(false)));
        appendAt(log, T0, null, "1", "a", "1");
        appendAt(log, T0, null, "2");
        log.updateConfig(compacted);
        append(log, kv("b", "1"));

        clean(log);

        assertThat(contents(log)).containsExactly("1:a=1", "3:b=1");
    }

    @Test
    void shouldNotCleanSegmentsYoungerThanMinCompactionLag() throws IOException {
        final PartitionLog log = open(true);
        log.updateConfig(log.config()
                .withCompaction(new CompactionConfig(true, 0.0, DELETE_RETENTION_MS, 1_000, Long.MAX_VALUE)));
        append(log, kv("a", "1"), kv("a", "2"), kv("b", "1"));

        assertThat(clean(log)).isZero();

        clock.advance(1_000);
        assertThat(clean(log)).isEqualTo(1);
        assertThat(contents(log)).containsExactly("1:a=2", "2:b=1");
    }

    @Test
    void shouldWaitForTheDirtyRatioUnlessTheMaxCompactionLagHasPassed() throws IOException {
        final PartitionLog log = open(true);
        log.updateConfig(log.config().withCompaction(new CompactionConfig(true, 0.9, DELETE_RETENTION_MS, 0, 10_000)));
        append(log, kv("a", "1"), kv("a", "2"), kv("b", "1"));
        clean(log);
        append(log, kv("b", "2"), kv("c", "1"));

        assertThat(clean(log))
                .as("2 dirty segments of 3 are below the ratio 0.9")
                .isZero();

        clock.advance(10_001);
        assertThat(clean(log))
                .as("the emptied first segment merges with the next, b=1 goes from the third")
                .isEqualTo(3);
        assertThat(contents(log)).containsExactly("1:a=2", "3:b=2", "4:c=1");
    }

    @Test
    void shouldLetAReaderOfTheReplacedSegmentFinishReadingIt() throws IOException {
        final PartitionLog log = open(true);
        append(log, kv("a", "1"), kv("a", "2"), kv("b", "1"));
        final LogSlice before = log.read(0, Integer.MAX_VALUE, Long.MAX_VALUE, true);

        clean(log);

        final List<String> read = new ArrayList<>();
        for (final RecordBatch batch : batchesOf(before)) {
            for (final Record record : batch) {
                read.add(record.offset() + ":" + text(record));
            }
        }
        assertThat(read).containsExactly("0:a=1");
        assertThat(contents(log)).containsExactly("1:a=2", "2:b=1");
        assertThat(retired.size()).isEqualTo(1);
    }

    /** How far the swap of the first segment got before the crash. */
    private enum Step {
        CLEANED,
        SWAP,
        OLD_RENAMED
    }

    private List<String> crashDuringSwapAt(final Step step) throws IOException {
        final PartitionLog log = open(true);
        append(log, kv("a", "1"), kv("a", "2"), kv("b", "1"));
        final LogSegment first = log.cleaning().segmentsForCleaning()[0];
        final CleanerOffsetMap map = new CleanerOffsetMap();
        for (final Record record :
                batchesOf(log.read(1, Integer.MAX_VALUE, 2, true)).get(0)) {
            map.put(record);
        }
        assertThat(SegmentCleaner.rewrite(
                                List.of(first),
                                map,
                                log.logEndOffset(),
                                log.config(),
                                clock.millis(),
                                CleanerThrottle.NONE)
                        .changed())
                .isTrue();
        if (step != Step.CLEANED) {
            SegmentSwap.markForSwap(dir, 0);
        }
        if (step == Step.OLD_RENAMED) {
            first.renameForDeletion();
        }
        log.closeForDelete();
        opened.remove(log);
        final PartitionLog reopened = open(false);
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(f -> f.getFileName().toString()))
                    .noneMatch(
                            name -> name.endsWith(".cleaned") || name.endsWith(".swap") || name.endsWith(".deleted"));
        }
        assertThat(reopened.logEndOffset()).isEqualTo(3);
        return contents(reopened);
    }

    @Test
    void shouldReopenWithTheOldSegmentWhenTheCrashCameBeforeTheSwapFiles() throws IOException {
        assertThat(crashDuringSwapAt(Step.CLEANED)).containsExactly("0:a=1", "1:a=2", "2:b=1");
    }

    @Test
    void shouldReopenWithTheCleanedSegmentWhenItsSwapFilesWereComplete() throws IOException {
        assertThat(crashDuringSwapAt(Step.SWAP)).containsExactly("1:a=2", "2:b=1");
    }

    @Test
    void shouldReopenWithTheCleanedSegmentWhenTheOldOneWasAlreadyRenamed() throws IOException {
        assertThat(crashDuringSwapAt(Step.OLD_RENAMED)).containsExactly("1:a=2", "2:b=1");
    }
}
