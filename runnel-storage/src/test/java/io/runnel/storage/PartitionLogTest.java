package io.runnel.storage;

import static io.runnel.storage.TestBatches.allOffsets;
import static io.runnel.storage.TestBatches.batchesOf;
import static io.runnel.storage.TestBatches.offsetsOf;
import static io.runnel.testsupport.RecordBatches.batch;
import static io.runnel.testsupport.RecordBatches.concat;
import static io.runnel.testsupport.RecordBatches.idempotent;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.runnel.storage.log.LogSegment;
import io.runnel.testsupport.ManualClock;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.LongStream;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.CorruptRecordException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.OffsetOutOfRangeException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.UnsupportedForMessageFormatException;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.CompressionType;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class PartitionLogTest {

    private static final TopicPartition TP = new TopicPartition("orders", 3);
    private static final long T0 = 1_700_000_000_000L;

    @TempDir
    Path tmp;

    private Path dir;
    private ManualClock clock;
    private final List<PartitionLog> opened = new ArrayList<>();

    @BeforeEach
    void setUp() {
        dir = tmp.resolve("orders-3");
        clock = new ManualClock(T0);
    }

    @AfterEach
    void tearDown() {
        for (final PartitionLog log : opened) {
            log.closeForDelete();
        }
    }

    private PartitionLog open(final LogConfig config, final boolean clean, final long recoveryPoint) {
        final PartitionLog log = PartitionLog.open(TP, dir, config, clock, 0L, recoveryPoint, clean);
        opened.add(log);
        return log;
    }

    private PartitionLog open(final LogConfig config) {
        return open(config, true, 0);
    }

    private static LogConfig small() {
        return LogConfig.defaults().withIndexIntervalBytes(64).withSegmentIndexBytes(4096);
    }

    /** Simulates a crash: the files are released without flush, trim, snapshot or checkpoint. */
    private static void crash(final PartitionLog log) {
        log.closeForDelete();
    }

    // ------------------------------------------------------------------------------------------ round trips

    @ParameterizedTest
    @EnumSource(
            value = CompressionType.class,
            names = {"NONE", "GZIP", "SNAPPY", "LZ4", "ZSTD"})
    void shouldReadBackExactRecordsWhenBatchesAreCompressed(final CompressionType compression) throws IOException {
        final PartitionLog log = open(small());
        for (int i = 0; i < 20; i++) {
            final AppendResult r = log.appendAsLeader(batch(compression, 5, T0 + i * 10, -1, (short) -1, -1, 50), 7);
            assertThat(r.firstOffset()).isEqualTo(i * 5L);
            assertThat(r.lastOffset()).isEqualTo(i * 5L + 4);
            assertThat(r.recordCount()).isEqualTo(5);
            assertThat(r.logAppendTime()).isEqualTo(-1);
            assertThat(r.duplicate()).isFalse();
        }
        assertThat(log.logEndOffset()).isEqualTo(100);
        final List<RecordBatch> batches = batchesOf(log.read(0, Integer.MAX_VALUE, Long.MAX_VALUE, false));
        assertThat(batches).hasSize(20);
        long expected = 0;
        for (final RecordBatch b : batches) {
            assertThat(b.compressionType()).isEqualTo(compression);
            assertThat(b.partitionLeaderEpoch()).isEqualTo(7);
            for (final Record record : b) {
                assertThat(record.offset()).isEqualTo(expected);
                final int i = (int) (expected % 5);
                assertThat(StandardCharsets.UTF_8.decode(record.key()).toString())
                        .isEqualTo("k" + i);
                expected++;
            }
        }
        assertThat(expected).isEqualTo(100);
    }

    @Test
    void shouldStartAtTheContainingBatchWhenFetchOffsetIsInsideABatch() throws IOException {
        final PartitionLog log = open(small());
        for (int i = 0; i < 50; i++) {
            log.appendAsLeader(batch(10, T0), 0);
        }
        for (final long fetch : new long[] {0, 1, 9, 10, 255, 499}) {
            final List<RecordBatch> batches = batchesOf(log.read(fetch, 200, Long.MAX_VALUE, true));
            assertThat(batches.get(0).baseOffset()).as("fetch %d", fetch).isEqualTo(fetch / 10 * 10);
        }
    }

    @Test
    void shouldReturnEmptySliceAtLogEndAndThrowOutsideTheLog() {
        final PartitionLog log = open(small());
        assertThat(log.read(0, 1000, Long.MAX_VALUE, true).sizeInBytes()).isZero();
        log.appendAsLeader(batch(3, T0), 0);
        assertThat(log.read(3, 1000, Long.MAX_VALUE, true)).isEqualTo(LogSlice.empty());
        assertThatThrownBy(() -> log.read(4, 1000, Long.MAX_VALUE, true)).isInstanceOf(OffsetOutOfRangeException.class);
        assertThatThrownBy(() -> log.read(-1, 1000, Long.MAX_VALUE, true))
                .isInstanceOf(OffsetOutOfRangeException.class);
    }

    @Test
    void shouldFillMaxBytesWithWholeBatchesAndTheStartOfTheNextAndOneOversizedBatchWhenMinOneBatch()
            throws IOException {
        final PartitionLog log = open(small());
        final int size = batch(10, T0).remaining();
        for (int i = 0; i < 5; i++) {
            log.appendAsLeader(batch(10, T0), 0);
        }
        // as Kafka: the budget is filled, the cut third batch is ignored by readers and fetched again
        final LogSlice two = log.read(0, size * 2 + size / 2, Long.MAX_VALUE, false);
        assertThat(two.sizeInBytes()).isEqualTo(size * 2 + size / 2);
        assertThat(offsetsOf(two))
                .containsExactlyElementsOf(LongStream.range(0, 20).boxed().toList());
        assertThat(log.read(0, size * 2, Long.MAX_VALUE, false).sizeInBytes()).isEqualTo(size * 2);

        assertThat(log.read(0, size - 1, Long.MAX_VALUE, false).sizeInBytes()).isZero();
        final LogSlice one = log.read(15, 1, Long.MAX_VALUE, true);
        assertThat(one.sizeInBytes()).isEqualTo(size);
        assertThat(batchesOf(one).get(0).baseOffset()).isEqualTo(10);
    }

    @Test
    void shouldNotExposeBatchesAtOrAboveMaxOffsetExclusive() throws IOException {
        final PartitionLog log = open(small());
        for (int i = 0; i < 5; i++) {
            log.appendAsLeader(batch(10, T0), 0);
        }
        assertThat(offsetsOf(log.read(0, Integer.MAX_VALUE, 30, true)))
                .hasSize(30)
                .last()
                .isEqualTo(29L);
        // a batch straddling the bound starts below it, so it is returned whole
        assertThat(offsetsOf(log.read(0, Integer.MAX_VALUE, 25, true))).hasSize(30);
        assertThat(log.read(30, Integer.MAX_VALUE, 30, true).sizeInBytes()).isZero();
    }

    // ------------------------------------------------------------------------------------------------ rolls

    @Test
    void shouldRollWhenTheActiveSegmentWouldExceedSegmentBytes() throws IOException {
        final int size = batch(10, T0).remaining();
        final PartitionLog log = open(small().withSegmentBytes(size * 3));
        for (int i = 0; i < 10; i++) {
            log.appendAsLeader(batch(10, T0), 0);
        }
        assertThat(log.segmentCount()).isEqualTo(4);
        assertThat(Files.exists(dir.resolve(LogSegment.fileName(30, ".log")))).isTrue();
        assertThat(Files.size(dir.resolve(LogSegment.fileName(0, ".log")))).isEqualTo(size * 3L);
        assertThat(allOffsets(log))
                .containsExactlyElementsOf(LongStream.range(0, 100).boxed().toList());
        // producer state snapshot written at each roll
        assertThat(Files.exists(dir.resolve(String.format("%020d.snapshot", 90))))
                .isTrue();
    }

    @Test
    void shouldRollWhenTheActiveSegmentIsOlderThanSegmentMs() {
        final PartitionLog log = open(small().withSegmentMs(1000));
        log.appendAsLeader(batch(1, T0), 0);
        clock.advance(999);
        log.appendAsLeader(batch(1, T0), 0);
        assertThat(log.segmentCount()).isEqualTo(1);
        clock.advance(2);
        log.appendAsLeader(batch(1, T0), 0);
        assertThat(log.segmentCount()).isEqualTo(2);
        clock.advance(500);
        log.appendAsLeader(batch(1, T0), 0);
        assertThat(log.segmentCount()).isEqualTo(2);
    }

    @Test
    void shouldRollWhenTheIndexIsFull() {
        final PartitionLog log =
                open(LogConfig.defaults().withIndexIntervalBytes(0).withSegmentIndexBytes(24));
        for (int i = 0; i < 10; i++) {
            log.appendAsLeader(batch(1, T0 + i), 0);
        }
        assertThat(log.segmentCount()).isGreaterThan(1);
        assertThat(log.logEndOffset()).isEqualTo(10);
    }

    // ---------------------------------------------------------------------------------------- reopen/recovery

    @Test
    void shouldReopenAfterCleanCloseWithTheSameState() throws IOException {
        final int size = batch(10, T0).remaining();
        PartitionLog log = open(small().withSegmentBytes(size * 4));
        for (int i = 0; i < 10; i++) {
            log.appendAsLeader(batch(10, T0 + i * 100), 2);
        }
        final var bytesBefore = TestBatches.bytesOf(log.read(0, Integer.MAX_VALUE, Long.MAX_VALUE, true));
        final var tsBefore = log.offsetForTimestamp(T0 + 450);
        final var maxBefore = log.maxTimestampOffset();
        final int segments = log.segmentCount();
        log.close();
        opened.remove(log);
        assertThat(Files.size(dir.resolve(LogSegment.fileName(0, ".index")))).isLessThan(4096);

        log = open(small().withSegmentBytes(size * 4));
        assertThat(log.logEndOffset()).isEqualTo(100);
        assertThat(log.segmentCount()).isEqualTo(segments);
        assertThat(TestBatches.bytesOf(log.read(0, Integer.MAX_VALUE, Long.MAX_VALUE, true)))
                .isEqualTo(bytesBefore);
        assertThat(log.offsetForTimestamp(T0 + 450)).isEqualTo(tsBefore);
        assertThat(log.maxTimestampOffset()).isEqualTo(maxBefore);
        assertThat(allOffsets(log))
                .containsExactlyElementsOf(LongStream.range(0, 100).boxed().toList());
        assertThat(log.appendAsLeader(batch(1, T0), 2).firstOffset()).isEqualTo(100);
    }

    @Test
    void shouldTruncateExactlyTheTornTailWhenReopenedUncleanly() throws IOException {
        PartitionLog log = open(small());
        for (int i = 0; i < 5; i++) {
            log.appendAsLeader(batch(10, T0), 0);
        }
        final Path segmentFile = dir.resolve(LogSegment.fileName(0, ".log"));
        final long goodSize = Files.size(segmentFile);
        // a torn write: the first 100 bytes of a valid batch, then random garbage
        final ByteBuffer torn = batch(10, T0);
        torn.limit(100);
        crash(log);
        opened.remove(log);
        try (FileChannel ch = FileChannel.open(segmentFile, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            ch.write(torn);
            ch.write(ByteBuffer.wrap(new byte[] {1, 2, 3, 4, 5, 6, 7}));
        }

        log = open(small(), false, 0);
        assertThat(Files.size(segmentFile)).isEqualTo(goodSize);
        assertThat(log.logEndOffset()).isEqualTo(50);
        assertThat(allOffsets(log))
                .containsExactlyElementsOf(LongStream.range(0, 50).boxed().toList());
        assertThat(log.appendAsLeader(batch(1, T0), 0).firstOffset()).isEqualTo(50);
    }

    @Test
    void shouldTruncateAtABadCrcAndDropLaterSegmentsWhenReopenedUncleanly() throws IOException {
        final int size = batch(10, T0).remaining();
        PartitionLog log = open(small().withSegmentBytes(size * 3));
        for (int i = 0; i < 9; i++) {
            log.appendAsLeader(batch(10, T0), 0);
        }
        assertThat(log.segmentCount()).isEqualTo(3);
        crash(log);
        opened.remove(log);
        // flip a byte inside the second batch of segment 30
        final Path second = dir.resolve(LogSegment.fileName(30, ".log"));
        try (FileChannel ch = FileChannel.open(second, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(new byte[] {42}), size + 70);
        }
        log = open(small().withSegmentBytes(size * 3), false, 30);
        assertThat(log.logEndOffset()).isEqualTo(40);
        assertThat(log.segmentCount()).isEqualTo(2);
        assertThat(Files.exists(dir.resolve(LogSegment.fileName(60, ".log")))).isFalse();
        assertThat(allOffsets(log))
                .containsExactlyElementsOf(LongStream.range(0, 40).boxed().toList());
        assertThat(log.appendAsLeader(batch(1, T0), 0).firstOffset()).isEqualTo(40);
    }

    @Test
    void shouldRebuildAMissingIndexWhenReopened() throws IOException {
        final int size = batch(10, T0).remaining();
        PartitionLog log = open(small().withSegmentBytes(size * 20));
        for (int i = 0; i < 30; i++) {
            log.appendAsLeader(batch(10, T0 + i), 0);
        }
        log.close();
        opened.remove(log);
        final Path index = dir.resolve(LogSegment.fileName(0, ".index"));
        final long indexSize = Files.size(index);
        assertThat(indexSize).isPositive();
        Files.delete(index);
        Files.delete(dir.resolve(LogSegment.fileName(0, ".timeindex")));

        log = open(small().withSegmentBytes(size * 20));
        assertThat(log.logEndOffset()).isEqualTo(300);
        assertThat(allOffsets(log)).hasSize(300);
        log.close();
        opened.remove(log);
        assertThat(Files.size(index)).isEqualTo(indexSize);
    }

    @Test
    void shouldRebuildAnIndexPointingBeyondTheLogWhenReopened() throws IOException {
        PartitionLog log = open(small());
        for (int i = 0; i < 30; i++) {
            log.appendAsLeader(batch(10, T0 + i), 0);
        }
        log.close();
        opened.remove(log);
        final Path logFile = dir.resolve(LogSegment.fileName(0, ".log"));
        final int size = batch(10, T0).remaining();
        try (FileChannel ch = FileChannel.open(logFile, StandardOpenOption.WRITE)) {
            ch.truncate(size * 10L);
        }
        log = open(small());
        assertThat(log.logEndOffset()).isEqualTo(100);
        assertThat(allOffsets(log))
                .containsExactlyElementsOf(LongStream.range(0, 100).boxed().toList());
    }

    // --------------------------------------------------------------------------------------------- rejects

    @Test
    void shouldRejectABadCrcAndAppendNothingFromTheRequest() {
        final PartitionLog log = open(small());
        final ByteBuffer bad = batch(3, T0);
        bad.put(bad.limit() - 1, (byte) (bad.get(bad.limit() - 1) ^ 1));
        assertThatThrownBy(() -> log.appendAsLeader(concat(batch(3, T0), bad), 0))
                .isInstanceOf(CorruptRecordException.class);
        assertThat(log.logEndOffset()).isZero();
        assertThat(log.read(0, 1000, Long.MAX_VALUE, true).sizeInBytes()).isZero();
    }

    @Test
    void shouldRejectMagicOtherThanTwo() {
        final PartitionLog log = open(small());
        final ByteBuffer v1 = batch(3, T0);
        v1.put(16, (byte) 1);
        assertThatThrownBy(() -> log.appendAsLeader(v1, 0)).isInstanceOf(UnsupportedForMessageFormatException.class);
        assertThat(log.logEndOffset()).isZero();
    }

    @Test
    void shouldRejectABatchLargerThanMaxMessageBytes() {
        final ByteBuffer big = batch(CompressionType.NONE, 10, T0, -1, (short) -1, -1, 200);
        final PartitionLog log = open(small().withMaxMessageBytes(big.remaining() - 1));
        assertThatThrownBy(() -> log.appendAsLeader(big, 0)).isInstanceOf(RecordTooLargeException.class);
        assertThat(log.logEndOffset()).isZero();
    }

    @Test
    void shouldRejectALastOffsetDeltaThatDisagreesWithTheRecordCount() {
        final PartitionLog log = open(small());
        final ByteBuffer b = batch(3, T0);
        b.putInt(23, 5);
        fixCrc(b);
        assertThatThrownBy(() -> log.appendAsLeader(b, 0)).isInstanceOf(InvalidRecordException.class);
        assertThat(log.logEndOffset()).isZero();
    }

    @Test
    void shouldRejectTruncatedOrTrailingBytes() {
        final PartitionLog log = open(small());
        final ByteBuffer full = batch(3, T0);
        final ByteBuffer cut = full.duplicate().limit(full.limit() - 1);
        assertThatThrownBy(() -> log.appendAsLeader(cut, 0)).isInstanceOf(CorruptRecordException.class);
        final ByteBuffer trailing = concat(batch(3, T0), ByteBuffer.wrap(new byte[] {0, 0, 0}));
        assertThatThrownBy(() -> log.appendAsLeader(trailing, 0)).isInstanceOf(CorruptRecordException.class);
        assertThatThrownBy(() -> log.appendAsLeader(ByteBuffer.wrap(new byte[40]), 0))
                .isInstanceOf(CorruptRecordException.class);
        assertThat(log.logEndOffset()).isZero();
    }

    private static void fixCrc(final ByteBuffer b) {
        final java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(b.duplicate().position(21));
        b.putInt(17, (int) crc.getValue());
    }

    @Test
    void shouldStampLogAppendTimeAndKeepTheCrcValid() throws IOException {
        final PartitionLog log = open(small().withTimestampType(TimestampType.LOG_APPEND_TIME));
        final AppendResult result = log.appendAsLeader(batch(CompressionType.GZIP, 4, 5, -1, (short) -1, -1, 10), 0);
        assertThat(result.logAppendTime()).isEqualTo(T0);
        final RecordBatch stored =
                batchesOf(log.read(0, 10_000, Long.MAX_VALUE, true)).get(0);
        assertThat(stored.timestampType()).isEqualTo(TimestampType.LOG_APPEND_TIME);
        assertThat(stored.maxTimestamp()).isEqualTo(T0);
        for (final Record record : stored) {
            assertThat(record.timestamp()).isEqualTo(T0);
        }
    }

    @Test
    void shouldAppendAllBatchesOfAMultiBatchRequestWithOneWrite() throws IOException {
        final PartitionLog log = open(small());
        final AppendResult r = log.appendAsLeader(concat(batch(2, T0), batch(3, T0), batch(4, T0)), 0);
        assertThat(r.firstOffset()).isZero();
        assertThat(r.lastOffset()).isEqualTo(8);
        assertThat(r.recordCount()).isEqualTo(9);
        assertThat(batchesOf(log.read(0, 10_000, Long.MAX_VALUE, true)))
                .extracting(RecordBatch::baseOffset)
                .containsExactly(0L, 2L, 5L);
    }

    // ------------------------------------------------------------------------------------------ idempotence

    @Test
    void shouldReturnTheOriginalOffsetsWhenAnIdempotentBatchIsRetried() {
        final PartitionLog log = open(small());
        log.appendAsLeader(batch(2, T0), 0);
        final AppendResult first = log.appendAsLeader(idempotent(3, T0, 42, (short) 0, 0), 0);
        log.appendAsLeader(idempotent(3, T0, 42, (short) 0, 3), 0);
        final AppendResult retry = log.appendAsLeader(idempotent(3, T0, 42, (short) 0, 0), 0);
        assertThat(retry.duplicate()).isTrue();
        assertThat(retry.firstOffset()).isEqualTo(first.firstOffset()).isEqualTo(2);
        assertThat(retry.lastOffset()).isEqualTo(4);
        assertThat(log.logEndOffset()).isEqualTo(8);
    }

    @Test
    void shouldRejectOutOfOrderSequences() {
        final PartitionLog log = open(small());
        assertThatThrownBy(() -> log.appendAsLeader(idempotent(3, T0, 42, (short) 0, 5), 0))
                .isInstanceOf(OutOfOrderSequenceException.class);
        log.appendAsLeader(idempotent(3, T0, 42, (short) 0, 0), 0);
        assertThatThrownBy(() -> log.appendAsLeader(idempotent(3, T0, 42, (short) 0, 4), 0))
                .isInstanceOf(OutOfOrderSequenceException.class);
        assertThatThrownBy(() -> log.appendAsLeader(idempotent(3, T0, 42, (short) 1, 3), 0))
                .isInstanceOf(OutOfOrderSequenceException.class);
        assertThat(log.logEndOffset()).isEqualTo(3);
        assertThat(log.appendAsLeader(idempotent(3, T0, 42, (short) 0, 3), 0).firstOffset())
                .isEqualTo(3);
        assertThat(log.appendAsLeader(idempotent(1, T0, 42, (short) 1, 0), 0).firstOffset())
                .isEqualTo(6);
    }

    @Test
    void shouldFenceAnOlderProducerEpoch() {
        final PartitionLog log = open(small());
        log.appendAsLeader(idempotent(1, T0, 7, (short) 3, 0), 0);
        assertThatThrownBy(() -> log.appendAsLeader(idempotent(1, T0, 7, (short) 2, 1), 0))
                .isInstanceOf(InvalidProducerEpochException.class);
        assertThat(log.logEndOffset()).isEqualTo(1);
    }

    @Test
    void shouldCheckSequencesAcrossBatchesOfTheSameRequest() {
        final PartitionLog log = open(small());
        assertThatThrownBy(() -> log.appendAsLeader(
                        concat(idempotent(2, T0, 5, (short) 0, 0), idempotent(2, T0, 5, (short) 0, 3)), 0))
                .isInstanceOf(OutOfOrderSequenceException.class);
        assertThat(log.logEndOffset()).isZero();
        assertThat(log.appendAsLeader(concat(idempotent(2, T0, 5, (short) 0, 0), idempotent(2, T0, 5, (short) 0, 2)), 0)
                        .lastOffset())
                .isEqualTo(3);
    }

    @Test
    void shouldKeepProducerStateAcrossACleanReopen() {
        final int size = idempotent(3, T0, 42, (short) 0, 0).remaining();
        PartitionLog log = open(small().withSegmentBytes(size * 2));
        for (int i = 0; i < 5; i++) {
            log.appendAsLeader(idempotent(3, T0, 42, (short) 0, i * 3), 0);
        }
        log.close();
        opened.remove(log);
        log = open(small().withSegmentBytes(size * 2));
        final AppendResult retry = log.appendAsLeader(idempotent(3, T0, 42, (short) 0, 12), 0);
        assertThat(retry.duplicate()).isTrue();
        assertThat(retry.firstOffset()).isEqualTo(12);
        final PartitionLog reopened = log;
        assertThatThrownBy(() -> reopened.appendAsLeader(idempotent(3, T0, 42, (short) 0, 16), 0))
                .isInstanceOf(OutOfOrderSequenceException.class);
        assertThat(log.appendAsLeader(idempotent(3, T0, 42, (short) 0, 15), 0).firstOffset())
                .isEqualTo(15);
    }

    @Test
    void shouldRebuildProducerStateFromTheLogAfterAnUncleanStop() throws IOException {
        final int size = idempotent(3, T0, 42, (short) 0, 0).remaining();
        PartitionLog log = open(small().withSegmentBytes(size * 2));
        for (int i = 0; i < 5; i++) {
            log.appendAsLeader(idempotent(3, T0, 42, (short) 0, i * 3), 0);
        }
        log.appendAsLeader(idempotent(1, T0, 43, (short) 4, 0), 0);
        crash(log);
        opened.remove(log);
        // corrupt the newest snapshot too: the state must come from an older one plus the log
        try (var files = Files.list(dir)) {
            final Path newest = files.filter(p -> p.toString().endsWith(".snapshot"))
                    .sorted()
                    .reduce((a, b) -> b)
                    .orElseThrow();
            Files.write(newest, new byte[] {1, 2, 3});
        }
        log = open(small().withSegmentBytes(size * 2), false, 0);
        assertThat(log.logEndOffset()).isEqualTo(16);
        assertThat(log.appendAsLeader(idempotent(3, T0, 42, (short) 0, 12), 0).duplicate())
                .isTrue();
        assertThat(log.appendAsLeader(idempotent(1, T0, 43, (short) 4, 0), 0).firstOffset())
                .isEqualTo(15);
        assertThat(log.appendAsLeader(idempotent(1, T0, 43, (short) 4, 1), 0).firstOffset())
                .isEqualTo(16);
    }

    // -------------------------------------------------------------------------------------- time lookups

    @Test
    void shouldFindOffsetsByTimestampAcrossSegments() {
        final int size = batch(10, T0).remaining();
        final PartitionLog log = open(small().withSegmentBytes(size * 3));
        for (int i = 0; i < 10; i++) {
            log.appendAsLeader(batch(10, T0 + i * 100), 1); // records at T0 + i*100 + j, j in 0..9
        }
        assertThat(log.segmentCount()).isGreaterThan(2);
        assertThat(log.offsetForTimestamp(T0 - 5)).contains(new TimestampAndOffset(T0, 0, 1));
        assertThat(log.offsetForTimestamp(T0 + 405)).contains(new TimestampAndOffset(T0 + 405, 45, 1));
        assertThat(log.offsetForTimestamp(T0 + 450)).contains(new TimestampAndOffset(T0 + 500, 50, 1));
        assertThat(log.offsetForTimestamp(T0 + 909)).contains(new TimestampAndOffset(T0 + 909, 99, 1));
        assertThat(log.offsetForTimestamp(T0 + 910)).isEmpty();
        assertThat(log.maxTimestampOffset()).contains(new TimestampAndOffset(T0 + 909, 99, 1));
    }

    @Test
    void shouldFindTheMaxTimestampWhenItIsNotInTheLastSegment() {
        final int size =
                batch(CompressionType.LZ4, 10, T0, -1, (short) -1, -1, 10).remaining();
        final PartitionLog log = open(small().withSegmentBytes(size * 2));
        log.appendAsLeader(batch(CompressionType.LZ4, 10, T0, -1, (short) -1, -1, 10), 0);
        log.appendAsLeader(batch(CompressionType.LZ4, 10, T0 + 5000, -1, (short) -1, -1, 10), 0);
        log.appendAsLeader(batch(CompressionType.LZ4, 10, T0 + 100, -1, (short) -1, -1, 10), 0);
        log.appendAsLeader(batch(CompressionType.LZ4, 10, T0 + 200, -1, (short) -1, -1, 10), 0);
        assertThat(log.segmentCount()).isEqualTo(2);
        assertThat(log.maxTimestampOffset()).contains(new TimestampAndOffset(T0 + 5009, 19, 0));
        assertThat(log.offsetForTimestamp(T0 + 150)).contains(new TimestampAndOffset(T0 + 5000, 10, 0));
    }

    @Test
    void shouldReturnEmptyTimestampLookupsOnAnEmptyLog() {
        final PartitionLog log = open(small());
        assertThat(log.offsetForTimestamp(0)).isEmpty();
        assertThat(log.maxTimestampOffset()).isEmpty();
    }

    // --------------------------------------------------------------------------------------- concurrency

    @Test
    @Timeout(30)
    void shouldNeverExposeAPartialBatchToAConcurrentReader() throws Exception {
        final int size =
                batch(CompressionType.NONE, 5, T0, -1, (short) -1, -1, 100).remaining();
        final PartitionLog log = open(small().withSegmentBytes(size * 50));
        final AtomicBoolean done = new AtomicBoolean();
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final Thread reader = new Thread(() -> {
            try {
                long next = 0;
                while (!done.get() || next < log.logEndOffset()) {
                    final LogSlice slice = log.read(next, 64 * 1024, Long.MAX_VALUE, true);
                    for (final RecordBatch b : batchesOf(slice)) { // ensureValid on every batch
                        if (b.baseOffset() > next) {
                            throw new AssertionError("gap at " + next + ": got " + b.baseOffset());
                        }
                        next = b.nextOffset();
                    }
                }
                if (next != 20_000) {
                    throw new AssertionError("reader ended at " + next);
                }
            } catch (final Throwable t) {
                failure.set(t);
            }
        });
        reader.start();
        for (int i = 0; i < 4000; i++) {
            log.appendAsLeader(batch(CompressionType.NONE, 5, T0, -1, (short) -1, -1, 100), 0);
        }
        done.set(true);
        reader.join();
        assertThat(failure.get()).isNull();
        assertThat(log.segmentCount()).isGreaterThan(50);
    }

    @Test
    void shouldFlushWhenTheMessageIntervalIsReached() {
        final PartitionLog log = open(small().withFlushInterval(10, Long.MAX_VALUE));
        log.appendAsLeader(batch(5, T0), 0);
        assertThat(log.recoveryPoint()).isZero();
        log.appendAsLeader(batch(5, T0), 0);
        assertThat(log.recoveryPoint()).isEqualTo(10);
    }
}
