package io.runnel.storage.cleaner;

import static io.runnel.storage.TestBatches.batchesOf;
import static io.runnel.storage.TestBatches.contents;
import static io.runnel.testsupport.RecordBatches.keyed;
import static org.assertj.core.api.Assertions.assertThat;

import io.runnel.storage.CompactionConfig;
import io.runnel.storage.LogConfig;
import io.runnel.storage.PartitionLog;
import io.runnel.storage.log.LogSegment;
import io.runnel.storage.log.SegmentSwap;
import io.runnel.storage.retention.RetiredSegments;
import io.runnel.testsupport.ManualClock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.record.internal.CompressionType;
import org.apache.kafka.common.record.internal.Record;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cleaner merges consecutive small segments into one (Kafka's {@code groupSegmentsBySize}), a crash at any
 * step of replacing a group reopens as a consistent log, and an offset map that fills up ends the pass where it
 * filled, the rest of the dirty part waiting for the next pass.
 *
 * <p>Records are written into 100-byte segments (one batch each, the last append is the active segment); the
 * cleaner then runs with {@code segment.bytes} raised so that groups can form.
 */
class PartitionLogCompactionGroupsTest {

    private static final TopicPartition TP = new TopicPartition("table", 0);
    private static final long T0 = 1_700_000_000_000L;

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

    private static LogConfig config(final int segmentBytes) {
        return LogConfig.defaults()
                .withSegmentBytes(segmentBytes)
                .withIndexIntervalBytes(0)
                .withSegmentIndexBytes(4096)
                .withCompaction(new CompactionConfig(true, 0.0, 60_000, 0, Long.MAX_VALUE));
    }

    private PartitionLog open(final boolean cleanShutdown, final int segmentBytes) {
        final PartitionLog log = PartitionLog.open(TP, dir, config(segmentBytes), clock, 0, 0, cleanShutdown);
        opened.add(log);
        return log;
    }

    /** One single-record batch per pair, each in a segment of its own. */
    private PartitionLog logOf(final String... keyValues) {
        final PartitionLog log = open(true, 100);
        for (int i = 0; i < keyValues.length; i += 2) {
            log.appendAsLeader(keyed(CompressionType.NONE, clock.millis(), keyValues[i], keyValues[i + 1]), 0);
        }
        return log;
    }

    private int clean(final PartitionLog log, final long mapBytes) throws IOException {
        return LogCleaner.clean(log, clock.millis(), mapBytes, CleanerThrottle.NONE, retired, () -> {})
                .replaced();
    }

    private static List<Long> baseOffsets(final PartitionLog log) {
        return Arrays.stream(log.cleaning().segmentsForCleaning())
                .map(LogSegment::baseOffset)
                .toList();
    }

    @Test
    void shouldMergeConsecutiveSmallSegmentsIntoOneWithinSegmentBytes() throws IOException {
        final PartitionLog log = logOf("a", "1", "b", "1", "c", "1", "d", "1", "e", "1", "f", "1", "g", "1");
        final int batchBytes = log.cleaning().segmentsForCleaning()[0].size();
        log.updateConfig(config(3 * batchBytes));

        assertThat(clean(log, Long.MAX_VALUE))
                .as("all six closed segments are replaced")
                .isEqualTo(6);

        assertThat(baseOffsets(log))
                .as("two groups of three, each at its first segment's base, then the active one")
                .containsExactly(0L, 3L, 6L);
        assertThat(contents(log)).containsExactly("0:a=1", "1:b=1", "2:c=1", "3:d=1", "4:e=1", "5:f=1", "6:g=1");
        assertThat(clean(log, Long.MAX_VALUE)).as("nothing is dirty any more").isZero();
    }

    @Test
    void shouldReadTheMergedLogBackTheSameAfterAReopen() throws IOException {
        final PartitionLog log = logOf("a", "1", "b", "1", "a", "2", "c", "1", "b", "2", "d", "1");
        log.updateConfig(config(1000));
        clean(log, Long.MAX_VALUE);
        final List<String> before = contents(log);
        assertThat(before).containsExactly("2:a=2", "3:c=1", "4:b=2", "5:d=1");
        log.close();
        opened.remove(log);

        final PartitionLog reopened = open(false, 1000);

        assertThat(contents(reopened)).isEqualTo(before);
        assertThat(reopened.segmentCount()).isEqualTo(2);
        assertThat(reopened.logEndOffset()).isEqualTo(6);
    }

    @Test
    void shouldEndAPassWhereTheOffsetMapFilledAndCleanTheRestInTheNextPasses() throws IOException {
        final PartitionLog log = logOf("a", "1", "b", "1", "c", "1", "a", "2", "b", "2", "c", "2", "x", "1");
        final long twoKeys = 2 * CleanerOffsetMap.cost(1);

        clean(log, twoKeys);
        assertThat(log.cleaning().firstDirtyOffset())
                .as("a and b fit, c at offset 2 did not")
                .isEqualTo(2);
        assertThat(contents(log)).hasSize(7);

        clean(log, twoKeys);
        assertThat(log.cleaning().firstDirtyOffset())
                .as("c and a fit, b at offset 4 did not")
                .isEqualTo(4);
        assertThat(contents(log)).containsExactly("1:b=1", "2:c=1", "3:a=2", "4:b=2", "5:c=2", "6:x=1");

        clean(log, twoKeys);
        assertThat(log.cleaning().firstDirtyOffset())
                .as("the rest of the cleanable part")
                .isEqualTo(6);
        assertThat(contents(log)).containsExactly("3:a=2", "4:b=2", "5:c=2", "6:x=1");
    }

    @Test
    void shouldTakeAtLeastOneKeyEvenWhenTheMapHasNoRoomAtAll() throws IOException {
        final PartitionLog log = logOf("a", "1", "a", "2", "b", "1");

        clean(log, 0);

        assertThat(log.cleaning().firstDirtyOffset())
                .as("a fits alone; a=2 is the same key, b at 2 is refused")
                .isEqualTo(2);
        assertThat(contents(log)).containsExactly("1:a=2", "2:b=1");
    }

    @Test
    void shouldNotSwapInACleanedGroupWhenTheLogWasTruncatedWhileItWasCleaned() throws IOException {
        final PartitionLog log = logOf("a", "1", "b", "1", "a", "2", "c", "1");
        final long truncations = log.cleaning().truncations();
        final LogSegment[] segments = log.cleaning().segmentsForCleaning();
        final List<LogSegment> group = List.of(segments[0], segments[1]);
        final CleanerOffsetMap map = new CleanerOffsetMap();
        SegmentCleaner.rewrite(group, map, log.logEndOffset(), config(1000), clock.millis(), CleanerThrottle.NONE);
        SegmentSwap.markForSwap(dir, 0);

        log.truncateTo(3);

        assertThat(log.cleaning().replaceWithCleaned(group, truncations))
                .as("refused")
                .isEmpty();
        log.cleaning().markCleanedUpTo(3, truncations);
        assertThat(log.cleaning().firstDirtyOffset())
                .as("not moved by the stale pass")
                .isZero();
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(f -> f.getFileName().toString())).noneMatch(name -> name.endsWith(".swap"));
        }
        assertThat(contents(log)).containsExactly("0:a=1", "1:b=1", "2:a=2");
    }

    /** How far replacing the first three segments by their cleaned copy got before the crash. */
    private enum Step {
        CLEANED,
        SWAP,
        FIRST_OLD_RENAMED,
        ALL_OLD_RENAMED,
        INSTALLED
    }

    /**
     * Segments a1 | b1 | b2 | a2 | c1 (active); the group of the first three is cleaned with the offsets of all
     * closed ones into one segment at 0 holding only b2 (at 2), so the old segments 1 and 2 must not survive it.
     */
    private PartitionLog crashDuringGroupSwapAt(final Step step) throws IOException {
        final PartitionLog log = logOf("a", "1", "b", "1", "b", "2", "a", "2", "c", "1");
        final LogSegment[] segments = log.cleaning().segmentsForCleaning();
        final List<LogSegment> group = List.of(segments[0], segments[1], segments[2]);
        final CleanerOffsetMap map = new CleanerOffsetMap();
        for (int i = 0; i < 4; i++) {
            for (final Record record : batchesOf(log.read(i, Integer.MAX_VALUE, Long.MAX_VALUE, true))
                    .get(0)) {
                map.put(record);
            }
        }
        assertThat(SegmentCleaner.rewrite(group, map, 4, config(1000), clock.millis(), CleanerThrottle.NONE)
                        .changed())
                .isTrue();
        if (step.compareTo(Step.SWAP) >= 0) {
            SegmentSwap.markForSwap(dir, 0);
        }
        if (step.compareTo(Step.FIRST_OLD_RENAMED) >= 0) {
            group.get(0).renameForDeletion();
        }
        if (step.compareTo(Step.ALL_OLD_RENAMED) >= 0) {
            group.get(1).renameForDeletion();
            group.get(2).renameForDeletion();
        }
        if (step == Step.INSTALLED) {
            SegmentSwap.install(dir, 0);
        }
        log.closeForDelete();
        opened.remove(log);

        final PartitionLog reopened = open(false, 100);

        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(f -> f.getFileName().toString()))
                    .noneMatch(
                            name -> name.endsWith(".cleaned") || name.endsWith(".swap") || name.endsWith(".deleted"));
        }
        assertThat(reopened.logEndOffset()).isEqualTo(5);
        return reopened;
    }

    private static long firstOffsetReadAt(final PartitionLog log, final long offset) throws IOException {
        return batchesOf(log.read(offset, Integer.MAX_VALUE, Long.MAX_VALUE, true))
                .get(0)
                .iterator()
                .next()
                .offset();
    }

    @Test
    void shouldReopenWithTheOldSegmentsWhenTheCrashCameBeforeTheSwapFiles() throws IOException {
        final PartitionLog log = crashDuringGroupSwapAt(Step.CLEANED);

        assertThat(contents(log)).containsExactly("0:a=1", "1:b=1", "2:b=2", "3:a=2", "4:c=1");
        assertThat(baseOffsets(log)).containsExactly(0L, 1L, 2L, 3L, 4L);
    }

    private static void assertCleanedGroupInstalled(final PartitionLog log) throws IOException {
        assertThat(contents(log)).containsExactly("2:b=2", "3:a=2", "4:c=1");
        assertThat(baseOffsets(log)).as("the old segments 1 and 2 are gone").containsExactly(0L, 3L, 4L);
        assertThat(firstOffsetReadAt(log, 1))
                .as("a fetch at 1 finds b2, not the superseded b1")
                .isEqualTo(2);
    }

    @Test
    void shouldReopenWithTheCleanedGroupOnceItsSwapFilesWereComplete() throws IOException {
        assertCleanedGroupInstalled(crashDuringGroupSwapAt(Step.SWAP));
    }

    @Test
    void shouldReopenWithTheCleanedGroupWhenOnlySomeOldSegmentsWereRenamed() throws IOException {
        assertCleanedGroupInstalled(crashDuringGroupSwapAt(Step.FIRST_OLD_RENAMED));
    }

    @Test
    void shouldReopenWithTheCleanedGroupWhenAllOldSegmentsWereRenamed() throws IOException {
        assertCleanedGroupInstalled(crashDuringGroupSwapAt(Step.ALL_OLD_RENAMED));
    }

    @Test
    void shouldReopenWithTheCleanedGroupWhenTheSwapWasInstalled() throws IOException {
        assertCleanedGroupInstalled(crashDuringGroupSwapAt(Step.INSTALLED));
    }
}
