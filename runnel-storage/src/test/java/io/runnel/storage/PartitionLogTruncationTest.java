package io.runnel.storage;

import static io.runnel.storage.TestBatches.allOffsets;
import static io.runnel.testsupport.RecordBatches.batch;
import static io.runnel.testsupport.RecordBatches.idempotent;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.runnel.storage.log.LogSegment;
import io.runnel.testsupport.ManualClock;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.OffsetOutOfRangeException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link PartitionLog#truncateTo} (Kafka's {@code UnifiedLog.truncateTo}): everything at and above the offset goes,
 * the log goes on from there and reopens the same; and a torn tail (bytes of an unfinished write at the end of the
 * active segment) is cut at the first bad byte when the log is opened after a crash.
 *
 * <p>Each batch holds 10 records and each segment two batches: segments start at 0, 20, 40...
 */
class PartitionLogTruncationTest {

    private static final TopicPartition TP = new TopicPartition("t", 0);
    private static final long T0 = 1_700_000_000_000L;
    private static final int BATCH_BYTES = batch(10, T0).remaining();
    private static final LogConfig CONFIG = LogConfig.defaults()
            .withSegmentBytes(2 * BATCH_BYTES)
            .withIndexIntervalBytes(0)
            .withSegmentIndexBytes(4096);

    @TempDir
    Path tmp;

    private Path dir;
    private final ManualClock clock = new ManualClock(T0);
    private final List<LogSegment> removed = new ArrayList<>();
    private PartitionLog log;

    @BeforeEach
    void setUp() {
        dir = tmp.resolve("t-0");
        log = PartitionLog.open(TP, dir, CONFIG, clock, 0, 0, true);
    }

    @AfterEach
    void tearDown() throws IOException {
        log.close();
        for (final LogSegment segment : removed) {
            segment.closeAndDelete();
        }
    }

    private void appendBatches(final int count) {
        for (int i = 0; i < count; i++) {
            log.appendAsLeader(batch(10, clock.millis()), 0);
        }
    }

    private void truncateTo(final long offset) {
        removed.addAll(log.truncateTo(offset));
    }

    private static List<Long> range(final long from, final long to) {
        return LongStream.range(from, to).boxed().toList();
    }

    private void reopen(final boolean cleanShutdown) {
        final long start = log.logStartOffset();
        log.close();
        log = PartitionLog.open(TP, dir, CONFIG, clock, start, 0, cleanShutdown);
    }

    private List<String> segmentFiles() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString())
                    .filter(n -> n.endsWith(".log"))
                    .sorted()
                    .toList();
        }
    }

    @Test
    void shouldDropEverythingFromABatchBoundaryOnAndGoOnAppendingThere() throws IOException {
        appendBatches(5);

        truncateTo(30);

        assertThat(log.logEndOffset()).isEqualTo(30);
        assertThat(allOffsets(log)).isEqualTo(range(0, 30));
        assertThat(segmentFiles())
                .as("the segment at 40 is gone, the one holding 30 is cut")
                .containsExactly(LogSegment.fileName(0, ".log"), LogSegment.fileName(20, ".log"));
        assertThatThrownBy(() -> log.read(35, 1 << 20, Long.MAX_VALUE, true))
                .isInstanceOf(OffsetOutOfRangeException.class);

        assertThat(log.appendAsLeader(batch(10, T0), 0).firstOffset()).isEqualTo(30);
        appendBatches(1);
        assertThat(allOffsets(log)).isEqualTo(range(0, 50));
        reopen(true);
        assertThat(allOffsets(log)).isEqualTo(range(0, 50));
        assertThat(log.segmentCount()).isEqualTo(3);
    }

    @Test
    void shouldLeaveAnEmptyActiveSegmentWhenTruncatingToASegmentsBaseOffset() throws IOException {
        appendBatches(5);

        truncateTo(20);

        assertThat(log.logEndOffset()).isEqualTo(20);
        assertThat(log.segmentCount()).isEqualTo(2);
        assertThat(allOffsets(log)).isEqualTo(range(0, 20));
        appendBatches(3);
        assertThat(allOffsets(log)).isEqualTo(range(0, 50));
    }

    @Test
    void shouldDropTheWholeBatchWhenTheOffsetFallsInsideIt() {
        appendBatches(3);

        truncateTo(25);

        assertThat(log.logEndOffset())
                .as("whole batches only: the batch 20..29 goes")
                .isEqualTo(20);
    }

    @Test
    void shouldDoNothingAtOrPastTheLogEnd() {
        appendBatches(2);

        assertThat(log.truncateTo(20)).isEmpty();
        assertThat(log.truncateTo(99)).isEmpty();

        assertThat(log.logEndOffset()).isEqualTo(20);
    }

    @Test
    void shouldRestartAnEmptyLogAtTheOffsetWhenItIsBelowTheFirstSegment() throws IOException {
        appendBatches(5);
        log.advanceLogStartOffset(40);
        clock.advance(1);
        log.updateConfig(CONFIG.withRetention(0, -1));
        removed.addAll(log.deleteOldSegments(clock.millis() + 1));
        assertThat(log.logStartOffset()).isEqualTo(40);

        truncateTo(10);

        assertThat(log.logStartOffset()).isEqualTo(10);
        assertThat(log.logEndOffset()).isEqualTo(10);
        assertThat(segmentFiles()).containsExactly(LogSegment.fileName(10, ".log"));
        assertThat(log.appendAsLeader(batch(10, clock.millis()), 0).firstOffset())
                .isEqualTo(10);
    }

    @Test
    void shouldBringTheLogStartDownToTheNewEnd() {
        appendBatches(5);
        log.advanceLogStartOffset(45);

        truncateTo(30);

        assertThat(log.logStartOffset()).isEqualTo(30);
        assertThat(log.logEndOffset()).isEqualTo(30);
    }

    @Test
    void shouldForgetTheProducerStateOfTruncatedBatches() {
        log.appendAsLeader(idempotent(10, T0, 42, (short) 0, 0), 0);
        log.appendAsLeader(idempotent(10, T0, 42, (short) 0, 10), 0);
        log.appendAsLeader(idempotent(10, T0, 42, (short) 0, 20), 0);

        truncateTo(10);

        assertThatThrownBy(() -> log.appendAsLeader(idempotent(10, T0, 42, (short) 0, 20), 0))
                .as("the sequence goes on after the last batch kept")
                .isInstanceOf(OutOfOrderSequenceException.class);
        final AppendResult again = log.appendAsLeader(idempotent(10, T0, 42, (short) 0, 10), 0);
        assertThat(again.duplicate())
                .as("a truncated batch is written anew, not answered as a duplicate")
                .isFalse();
        assertThat(again.firstOffset()).isEqualTo(10);
    }

    @Test
    void shouldBringTheRecoveryPointAndTheCleanersDirtyOffsetDownToTheNewEnd() {
        appendBatches(5);
        log.flush();
        log.cleaning().markCleanedUpTo(40, log.cleaning().truncations());

        truncateTo(30);

        assertThat(log.recoveryPoint()).isEqualTo(30);
        assertThat(log.cleaning().firstDirtyOffset()).isEqualTo(30);
        assertThat(log.cleaning().truncations()).isEqualTo(1);
    }

    @Test
    void shouldCutATornTailAtTheFirstBadByteWhenReopenedAfterACrash() throws IOException {
        appendBatches(5);
        log.flush();
        final Path active = dir.resolve(LogSegment.fileName(40, ".log"));
        final long sizeBefore = Files.size(active);
        // half of a valid batch: what a crash in the middle of a write leaves behind
        final ByteBuffer torn = batch(10, T0);
        torn.limit(torn.limit() / 2);
        try (FileChannel channel = FileChannel.open(active, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            channel.write(torn);
            channel.write(ByteBuffer.wrap(new byte[] {1, 2, 3, 4, 5, 6, 7}));
        }

        reopen(false);

        assertThat(log.logEndOffset()).isEqualTo(50);
        assertThat(Files.size(active)).isEqualTo(sizeBefore);
        assertThat(allOffsets(log)).isEqualTo(range(0, 50));
        assertThat(log.appendAsLeader(batch(10, T0), 0).firstOffset()).isEqualTo(50);
    }
}
