package io.runnel.storage;

import static io.runnel.storage.TestBatches.allOffsets;
import static io.runnel.storage.TestBatches.offsetsOf;
import static io.runnel.testsupport.RecordBatches.batch;
import static org.assertj.core.api.Assertions.assertThat;

import io.runnel.storage.log.LogSegment;
import io.runnel.testsupport.ManualClock;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A log of thousands of segments: a clean reopen maps no inactive segment's index until it is read, finds every
 * record and timestamp, and survives indexes that went missing or stopped matching; an unclean reopen scans them
 * all and truncates at the first bad byte.
 */
class PartitionLogManySegmentsTest {

    private static final TopicPartition TP = new TopicPartition("history", 0);
    private static final long T0 = 1_700_000_000_000L;
    private static final int SEGMENTS = 2_000;
    /** Two batches of five records per segment: segment {@code i} holds offsets {@code [10 i, 10 i + 10)}. */
    private static final int BATCHES_PER_SEGMENT = 2;

    private static final int RECORDS_PER_BATCH = 5;
    private static final long END = (long) SEGMENTS * BATCHES_PER_SEGMENT * RECORDS_PER_BATCH;

    /** The log every test starts from, written once: rolling 2,000 segments costs 2,000 fsyncs. */
    @TempDir
    static Path template;

    @TempDir
    Path tmp;

    private Path dir;
    private ManualClock clock;
    private final List<PartitionLog> opened = new ArrayList<>();

    @BeforeAll
    static void writeTemplate() {
        final PartitionLog log = PartitionLog.open(
                TP, template.resolve("history-0"), twoBatchesPerSegment(), new ManualClock(T0), 0L, 0L, true);
        // batch j is stamped T0 + j seconds
        for (int j = 0; j < SEGMENTS * BATCHES_PER_SEGMENT; j++) {
            log.appendAsLeader(batch(RECORDS_PER_BATCH, T0 + j * 1000L), 0);
        }
        assertThat(log.segmentCount()).isEqualTo(SEGMENTS);
        log.close();
    }

    @BeforeEach
    void setUp() throws IOException {
        dir = tmp.resolve("history-0");
        clock = new ManualClock(T0);
        Files.createDirectories(dir);
        try (Stream<Path> files = Files.list(template.resolve("history-0"))) {
            for (final Path file : files.toList()) {
                Files.copy(file, dir.resolve(file.getFileName()));
            }
        }
    }

    @AfterEach
    void tearDown() {
        opened.forEach(PartitionLog::closeForDelete);
    }

    /** Every batch after a segment's first gets an index entry. */
    private static LogConfig twoBatchesPerSegment() {
        final int size = batch(RECORDS_PER_BATCH, T0).remaining();
        return LogConfig.defaults()
                .withSegmentBytes(size * BATCHES_PER_SEGMENT)
                .withIndexIntervalBytes(0)
                .withSegmentIndexBytes(4096);
    }

    private static long base(final int segment) {
        return (long) segment * BATCHES_PER_SEGMENT * RECORDS_PER_BATCH;
    }

    private static Path file(final Path dir, final int segment, final String suffix) {
        return dir.resolve(LogSegment.fileName(base(segment), suffix));
    }

    private PartitionLog open(final boolean clean, final long recoveryPoint) {
        final PartitionLog log = PartitionLog.open(TP, dir, twoBatchesPerSegment(), clock, 0L, recoveryPoint, clean);
        opened.add(log);
        return log;
    }

    private static List<Long> offsets(final long endExclusive) {
        return LongStream.range(0, endExclusive).boxed().toList();
    }

    private static long loadedIndexes(final PartitionLog log) {
        return Arrays.stream(log.cleaning().segmentsForCleaning())
                .filter(s -> s.offsetIndex().isLoaded() || s.timeIndex().isLoaded())
                .count();
    }

    @Test
    void shouldMapOnlyTheActiveSegmentsIndexesWhenReopenedCleanly() throws IOException {

        final PartitionLog log = open(true, 0);

        assertThat(log.segmentCount()).isEqualTo(SEGMENTS);
        assertThat(log.logEndOffset()).isEqualTo(END);
        assertThat(loadedIndexes(log)).isEqualTo(1);
        // a fetch in the middle maps the indexes of the one segment it reads
        assertThat(offsetsOf(log.read(base(750) + 7, Integer.MAX_VALUE, Long.MAX_VALUE, true)))
                .startsWith(base(750) + 5);
        assertThat(loadedIndexes(log)).isEqualTo(2);
    }

    @Test
    void shouldReadEveryRecordAndTimestampOfAThousandsOfSegmentsLogAfterACleanReopen() throws IOException {

        final PartitionLog log = open(true, 0);

        assertThat(allOffsets(log)).containsExactlyElementsOf(offsets(END));
        final int batches = SEGMENTS * BATCHES_PER_SEGMENT;
        for (final int j : new int[] {0, 1, 2, 2_469, batches - 2, batches - 1}) {
            assertThat(log.offsetForTimestamp(T0 + j * 1000L - 500)
                            .orElseThrow()
                            .offset())
                    .isEqualTo((long) j * RECORDS_PER_BATCH);
        }
        assertThat(log.maxTimestampOffset().orElseThrow().timestamp())
                .isEqualTo(T0 + (batches - 1) * 1000L + RECORDS_PER_BATCH - 1);
        assertThat(log.appendAsLeader(batch(1, T0), 0).firstOffset()).isEqualTo(END);
    }

    @Test
    void shouldApplyTimeRetentionToLazilyOpenedSegments() {
        final PartitionLog log =
                PartitionLog.open(TP, dir, twoBatchesPerSegment().withRetention(10_000L, -1), clock, 0L, 0L, true);
        opened.add(log);
        // segment i's newest record is stamped T0 + (2 i + 1) s: 10.5 s after segment 1,000's first record
        // segments 0 to 999 are older than 10 s, and 1,000 is not
        clock.advance(2_010_500L);

        final List<LogSegment> removed = log.deleteOldSegments(clock.millis());

        assertThat(removed).hasSize(1_000);
        assertThat(log.logStartOffset()).isEqualTo(base(1_000));
    }

    @Test
    void shouldRebuildMissingIndexesAndIgnoreAnIndexThatNoLongerMatchesTheLog() throws IOException {
        Files.delete(file(dir, 100, LogSegment.INDEX_SUFFIX));
        Files.delete(file(dir, 100, LogSegment.TIME_INDEX_SUFFIX));
        // segment 200's offset index points past the end of its log file, 300's time index past the segment's end
        overwrite(file(dir, 200, LogSegment.INDEX_SUFFIX), new byte[] {0, 0, 0, 9, 0x7f, 0, 0, 0});
        overwrite(file(dir, 300, LogSegment.TIME_INDEX_SUFFIX), new byte[] {0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0x7f, 0});

        final PartitionLog log = open(true, 0);

        assertThat(file(dir, 100, LogSegment.INDEX_SUFFIX)).exists();
        assertThat(offsetsOf(log.read(base(200) + 7, Integer.MAX_VALUE, Long.MAX_VALUE, true)))
                .startsWith(base(200) + 5);
        // batch 601 opens segment 300's second half
        assertThat(log.offsetForTimestamp(T0 + 600_500L).orElseThrow().offset()).isEqualTo(base(300) + 5);
        assertThat(allOffsets(log)).containsExactlyElementsOf(offsets(END));
    }

    @Test
    void shouldScanEverySegmentAndTruncateAtTheFirstBadByteWhenReopenedUncleanly() throws IOException {
        // a byte inside the first batch of segment 1,000 flips
        final Path damaged = file(dir, 1_000, LogSegment.LOG_SUFFIX);
        try (FileChannel channel = FileChannel.open(damaged, StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.wrap(new byte[] {42}), 70);
        }

        final PartitionLog log = open(false, 0);

        assertThat(log.logEndOffset()).isEqualTo(base(1_000));
        assertThat(log.segmentCount()).isEqualTo(1_001);
        assertThat(file(dir, 1_001, LogSegment.LOG_SUFFIX)).doesNotExist();
        assertThat(allOffsets(log)).containsExactlyElementsOf(offsets(base(1_000)));
        assertThat(log.appendAsLeader(batch(1, T0), 0).firstOffset()).isEqualTo(base(1_000));
    }

    private static void overwrite(final Path file, final byte[] lastEntry) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.wrap(lastEntry), channel.size() - lastEntry.length);
        }
    }
}
