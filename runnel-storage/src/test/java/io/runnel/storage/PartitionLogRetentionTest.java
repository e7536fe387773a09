package io.runnel.storage;

import static io.runnel.storage.TestBatches.allOffsets;
import static io.runnel.storage.TestBatches.offsetsOf;
import static io.runnel.testsupport.RecordBatches.batch;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.runnel.storage.log.LogSegment;
import io.runnel.testsupport.ManualClock;
import io.runnel.testsupport.RecordBatches;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.OffsetOutOfRangeException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Retention of one partition log: which segments {@link PartitionLog#deleteOldSegments} removes (Kafka's rules),
 * what happens to the log start offset, and that readers of removed segments are not cut off.
 *
 * <p>Every log here holds one 10-record batch per segment: segment {@code i} holds offsets {@code 10i..10i+9}.
 */
class PartitionLogRetentionTest {

    private static final TopicPartition TP = new TopicPartition("events", 0);
    private static final long T0 = 1_700_000_000_000L;
    private static final int BATCH_BYTES = batch(10, T0).remaining();

    @TempDir
    Path tmp;

    private Path dir;
    private ManualClock clock;
    private final List<PartitionLog> opened = new ArrayList<>();
    private final List<LogSegment> removed = new ArrayList<>();

    @BeforeEach
    void setUp() {
        dir = tmp.resolve("events-0");
        clock = new ManualClock(T0);
    }

    @AfterEach
    void tearDown() throws IOException {
        for (final LogSegment segment : removed) {
            segment.closeAndDelete();
        }
        for (final PartitionLog log : opened) {
            log.closeForDelete();
        }
    }

    /** One batch per segment; no retention unless a test asks for it. */
    private static LogConfig oneBatchPerSegment() {
        return LogConfig.defaults()
                .withSegmentBytes(BATCH_BYTES)
                .withIndexIntervalBytes(64)
                .withSegmentIndexBytes(4096)
                .withRetention(-1, -1);
    }

    private PartitionLog open(final LogConfig config, final long logStartOffsetCheckpoint) {
        final PartitionLog log = PartitionLog.open(TP, dir, config, clock, logStartOffsetCheckpoint, 0L, true);
        opened.add(log);
        return log;
    }

    /** Appends one batch per timestamp, the batch's records stamped {@code timestamp .. timestamp + 9}. */
    private static void appendBatches(final PartitionLog log, final long... timestamps) {
        for (final long timestamp : timestamps) {
            log.appendAsLeader(batch(10, timestamp), 0);
        }
    }

    private List<LogSegment> deleteOldSegments(final PartitionLog log) {
        final List<LogSegment> gone = log.deleteOldSegments(clock.millis());
        removed.addAll(gone);
        return gone;
    }

    private static List<Long> range(final long from, final long to) {
        return LongStream.range(from, to).boxed().toList();
    }

    // ---------------------------------------------------------------------------------------------- by time

    @Test
    void shouldDeleteExactlyTheLeadingSegmentsWhoseNewestRecordIsOlderThanRetentionMs() throws IOException {
        final PartitionLog log = open(oneBatchPerSegment().withRetention(5_000, -1), 0);
        // segment i's newest record is stamped T0 + 1000 i + 9
        appendBatches(log, T0, T0 + 1_000, T0 + 2_000, T0 + 3_000, T0 + 4_000, T0 + 5_000, T0 + 6_000, T0 + 7_000);
        clock.advance(10_000);

        // T0 + 10000 - (T0 + 4009) = 5991 > 5000, but 10000 - 5009 = 4991 is not
        assertThat(deleteOldSegments(log)).extracting(LogSegment::baseOffset).containsExactly(0L, 10L, 20L, 30L, 40L);

        assertThat(log.logStartOffset()).isEqualTo(50);
        assertThat(log.segmentCount()).isEqualTo(3);
        assertThat(allOffsets(log)).isEqualTo(range(50, 80));
        assertThat(deleteOldSegments(log)).as("a second pass at the same time").isEmpty();
    }

    @Test
    void shouldNotDeleteAnySegmentWhileNoneHasExpired() throws IOException {
        final PartitionLog log = open(oneBatchPerSegment().withRetention(5_000, -1), 0);
        appendBatches(log, T0, T0 + 1_000, T0 + 2_000);
        clock.advance(5_009);

        assertThat(deleteOldSegments(log)).isEmpty();
        assertThat(log.logStartOffset()).isZero();
        assertThat(log.segmentCount()).isEqualTo(3);
    }

    @Test
    void shouldStopAtTheFirstSegmentThatHasNotExpiredEvenIfLaterOnesHave() throws IOException {
        final PartitionLog log = open(oneBatchPerSegment().withRetention(5_000, -1), 0);
        // the second segment carries a timestamp far newer than its neighbours
        appendBatches(log, T0, T0 + 1_000_000, T0, T0);
        clock.advance(10_000);

        assertThat(deleteOldSegments(log)).extracting(LogSegment::baseOffset).containsExactly(0L);
        assertThat(log.logStartOffset()).isEqualTo(10);
    }

    @Test
    void shouldJudgeASegmentWithoutTimestampsByItsFilesLastModifiedTime() throws IOException {
        final PartitionLog log = open(oneBatchPerSegment().withRetention(5_000, -1), 0);
        log.appendAsLeader(RecordBatches.withoutTimestamps(10), 0);
        appendBatches(log, T0 + 9_000);
        final Path first = dir.resolve(LogSegment.fileName(0, LogSegment.LOG_SUFFIX));
        clock.advance(10_000);

        Files.setLastModifiedTime(first, FileTime.fromMillis(T0 + 6_000));
        assertThat(deleteOldSegments(log)).as("modified 4 s ago").isEmpty();

        Files.setLastModifiedTime(first, FileTime.fromMillis(T0 + 4_000));
        assertThat(deleteOldSegments(log))
                .as("modified 6 s ago")
                .extracting(LogSegment::baseOffset)
                .containsExactly(0L);
    }

    @Test
    void shouldRollANewEmptyActiveSegmentWhenEverySegmentHasExpired() throws IOException {
        final PartitionLog log = open(oneBatchPerSegment().withRetention(5_000, -1), 0);
        appendBatches(log, T0, T0, T0);
        clock.advance(60_000);

        assertThat(deleteOldSegments(log)).extracting(LogSegment::baseOffset).containsExactly(0L, 10L, 20L);

        assertThat(log.segmentCount()).isEqualTo(1);
        assertThat(log.logStartOffset()).isEqualTo(30);
        assertThat(log.logEndOffset()).isEqualTo(30);
        assertThat(log.read(30, 1000, Long.MAX_VALUE, true).isEmpty()).isTrue();
        assertThat(Files.exists(dir.resolve(LogSegment.fileName(30, LogSegment.LOG_SUFFIX))))
                .isTrue();
        assertThat(deleteOldSegments(log)).as("the empty active segment stays").isEmpty();

        assertThat(log.appendAsLeader(batch(10, clock.millis()), 0).firstOffset())
                .isEqualTo(30);
        assertThat(offsetsOf(log.read(30, 10_000, Long.MAX_VALUE, true))).isEqualTo(range(30, 40));
    }

    @Test
    void shouldApplyANewRetentionMsFromUpdateConfigToTheNextPass() throws IOException {
        final PartitionLog log = open(oneBatchPerSegment(), 0);
        appendBatches(log, T0, T0 + 1_000);
        clock.advance(60_000);
        assertThat(deleteOldSegments(log))
                .as("retention.ms -1 keeps everything")
                .isEmpty();

        log.updateConfig(log.config().withRetention(59_500, -1));

        assertThat(deleteOldSegments(log)).extracting(LogSegment::baseOffset).containsExactly(0L);
    }

    // ---------------------------------------------------------------------------------------------- by size

    @Test
    void shouldKeepAtLeastRetentionBytesAndLessThanOneSegmentMore() throws IOException {
        final long retentionBytes = 3L * BATCH_BYTES + BATCH_BYTES / 2;
        final PartitionLog log = open(oneBatchPerSegment().withRetention(-1, retentionBytes), 0);
        appendBatches(log, T0, T0, T0, T0, T0, T0, T0, T0);
        assertThat(log.sizeInBytes()).isEqualTo(8L * BATCH_BYTES);

        // 3.5 segments' worth: the 4 newest stay, as 3 would be less than retention.bytes
        assertThat(deleteOldSegments(log)).extracting(LogSegment::baseOffset).containsExactly(0L, 10L, 20L, 30L);

        assertThat(log.sizeInBytes())
                .isEqualTo(4L * BATCH_BYTES)
                .isGreaterThanOrEqualTo(retentionBytes)
                .isLessThan(retentionBytes + BATCH_BYTES);
        assertThat(log.logStartOffset()).isEqualTo(40);
        assertThat(allOffsets(log)).isEqualTo(range(40, 80));
    }

    @Test
    void shouldKeepEverythingWhileTheLogIsAtMostRetentionBytes() throws IOException {
        final PartitionLog log = open(oneBatchPerSegment().withRetention(-1, 3L * BATCH_BYTES), 0);
        appendBatches(log, T0, T0, T0);

        assertThat(deleteOldSegments(log)).isEmpty();

        appendBatches(log, T0);
        assertThat(deleteOldSegments(log)).extracting(LogSegment::baseOffset).containsExactly(0L);
        assertThat(log.sizeInBytes()).isEqualTo(3L * BATCH_BYTES);
    }

    @Test
    void shouldDeleteTheActiveSegmentTooWhenRetentionBytesIsZero() throws IOException {
        final PartitionLog log = open(oneBatchPerSegment().withRetention(-1, 0), 0);
        appendBatches(log, T0, T0);

        assertThat(deleteOldSegments(log)).extracting(LogSegment::baseOffset).containsExactly(0L, 10L);
        assertThat(log.logStartOffset()).isEqualTo(20);
        assertThat(log.sizeInBytes()).isZero();
    }

    @Test
    void shouldApplySizeThenTimeEachFromWhereTheOtherStopped() throws IOException {
        final PartitionLog log = open(oneBatchPerSegment().withRetention(5_000, 4L * BATCH_BYTES), 0);
        // size alone takes 2 segments and time alone 1 (the second is fresh); together 3, as Kafka applies each
        // rule to what the one before it left
        appendBatches(log, T0, T0 + 9_000, T0, T0 + 9_000, T0 + 9_000, T0 + 9_000);
        clock.advance(10_000);

        assertThat(deleteOldSegments(log)).extracting(LogSegment::baseOffset).containsExactly(0L, 10L, 20L);
        assertThat(log.logStartOffset()).isEqualTo(30);
    }

    // ---------------------------------------------------------------------------------- cleanup.policy

    @Test
    void shouldNotDeleteByTimeOrSizeWhenTheCleanupPolicyIsCompactOnly() throws IOException {
        final PartitionLog log = open(oneBatchPerSegment().withRetention(1, 0).withCleanupPolicyDelete(false), 0);
        appendBatches(log, T0, T0, T0);
        clock.advance(60_000);

        assertThat(deleteOldSegments(log)).isEmpty();
        assertThat(log.logStartOffset()).isZero();
        assertThat(log.segmentCount()).isEqualTo(3);
    }

    // -------------------------------------------------------------------------------- log start offset

    @Test
    void shouldThrowOffsetOutOfRangeBelowTheNewLogStartOffset() throws IOException {
        final PartitionLog log = open(oneBatchPerSegment().withRetention(5_000, -1), 0);
        appendBatches(log, T0, T0, T0 + 9_000);
        clock.advance(10_000);
        deleteOldSegments(log);

        assertThat(log.logStartOffset()).isEqualTo(20);
        for (final long below : new long[] {0, 9, 10, 19}) {
            assertThatThrownBy(() -> log.read(below, 10_000, Long.MAX_VALUE, true))
                    .as("fetch at %d", below)
                    .isInstanceOf(OffsetOutOfRangeException.class);
        }
        assertThat(offsetsOf(log.read(20, 10_000, Long.MAX_VALUE, true))).isEqualTo(range(20, 30));
    }

    @Test
    void shouldStartAtTheCheckpointedLogStartOffsetAndDeleteSegmentsEntirelyBelowIt() throws IOException {
        // a crash after the checkpoint was written but before the segments' files were gone
        final PartitionLog first = open(oneBatchPerSegment(), 0);
        appendBatches(first, T0, T0, T0);
        first.close();
        opened.remove(first);

        final PartitionLog log = open(oneBatchPerSegment().withCleanupPolicyDelete(false), 20);

        assertThat(log.logStartOffset()).isEqualTo(20);
        assertThatThrownBy(() -> log.read(10, 10_000, Long.MAX_VALUE, true))
                .isInstanceOf(OffsetOutOfRangeException.class);
        // applies to compacted topics too: nothing below the log start offset may be served
        assertThat(deleteOldSegments(log)).extracting(LogSegment::baseOffset).containsExactly(0L, 10L);
        assertThat(log.logStartOffset()).isEqualTo(20);
        assertThat(allOffsets(log)).isEqualTo(range(20, 30));
    }

    @Test
    void shouldMoveTheLogStartOffsetUpForDeleteRecordsButNeverDownOrPastTheEnd() throws IOException {
        final PartitionLog log = open(oneBatchPerSegment(), 0);
        appendBatches(log, T0, T0, T0);

        assertThat(log.advanceLogStartOffset(15)).isEqualTo(15);
        assertThat(log.advanceLogStartOffset(5)).as("never down").isEqualTo(15);
        assertThatThrownBy(() -> log.advanceLogStartOffset(31)).isInstanceOf(OffsetOutOfRangeException.class);
        assertThatThrownBy(() -> log.read(14, 10_000, Long.MAX_VALUE, true))
                .isInstanceOf(OffsetOutOfRangeException.class);
        // mid-segment: the segment holding 15 stays, the one wholly below goes at the next pass
        assertThat(deleteOldSegments(log)).extracting(LogSegment::baseOffset).containsExactly(0L);
        assertThat(log.logStartOffset()).isEqualTo(15);
        assertThat(log.offsetForTimestamp(T0))
                .as("time lookups skip what is deleted")
                .map(TimestampAndOffset::offset)
                .contains(15L);
        assertThat(log.advanceLogStartOffset(30)).as("up to the log end").isEqualTo(30);
        assertThat(log.offsetForTimestamp(T0)).isEmpty();
    }

    @Test
    void shouldStartAtTheFirstSegmentWhenTheCheckpointIsBehindIt() throws IOException {
        final PartitionLog first = open(oneBatchPerSegment().withRetention(-1, 0), 0);
        appendBatches(first, T0, T0, T0);
        deleteOldSegments(first);
        first.close();
        opened.remove(first);

        assertThat(open(oneBatchPerSegment(), 0).logStartOffset()).isEqualTo(30);
    }

    // ------------------------------------------------------------------------------ concurrent readers

    @Test
    void shouldLetAReaderHoldingASliceOfADeletedSegmentReadItUntilItsFilesAreDeleted() throws IOException {
        final PartitionLog log = open(oneBatchPerSegment().withRetention(5_000, -1), 0);
        appendBatches(log, T0, T0 + 9_000);
        final LogSlice slice = log.read(0, 10_000, Long.MAX_VALUE, true);
        clock.advance(10_000);

        final List<LogSegment> gone = deleteOldSegments(log);

        assertThat(gone).extracting(LogSegment::baseOffset).containsExactly(0L);
        final Path logFile = dir.resolve(LogSegment.fileName(0, LogSegment.LOG_SUFFIX));
        assertThat(logFile).doesNotExist();
        assertThat(logFile.resolveSibling(logFile.getFileName() + LogSegment.DELETED_SUFFIX))
                .exists();
        assertThat(offsetsOf(slice)).as("read through the still open channel").isEqualTo(range(0, 10));

        gone.get(0).closeAndDelete();
        removed.clear();

        assertThat(slice.channel().isOpen()).isFalse();
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .noneMatch(n -> n.startsWith(LogSegment.fileName(0, "")));
        }
        assertThat(allOffsets(log)).isEqualTo(range(10, 20));
    }

    @Test
    void shouldRemoveLeftoverDeletedFilesWhenOpened() throws IOException {
        final PartitionLog first = open(oneBatchPerSegment().withRetention(-1, 0), 0);
        appendBatches(first, T0, T0);
        deleteOldSegments(first);
        first.close();
        opened.remove(first);
        // the delayed deletion never ran: the broker stopped first
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .filteredOn(n -> n.endsWith(LogSegment.DELETED_SUFFIX))
                    .hasSize(6);
        }

        final PartitionLog log = open(oneBatchPerSegment(), 20);

        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .noneMatch(n -> n.endsWith(LogSegment.DELETED_SUFFIX));
        }
        assertThat(log.logStartOffset()).isEqualTo(20);
        assertThat(log.logEndOffset()).isEqualTo(20);
    }
}
