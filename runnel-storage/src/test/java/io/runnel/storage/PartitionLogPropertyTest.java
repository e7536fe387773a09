package io.runnel.storage;

import static io.runnel.testsupport.RecordBatches.batch;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.runnel.storage.log.LogSegment;
import io.runnel.testsupport.ManualClock;
import io.runnel.testsupport.TempDirs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.Size;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.OffsetOutOfRangeException;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;

/**
 * The log's invariants under any sequence of appends (with rolls, by a small segment size), time passing,
 * retention passes, DeleteRecords and close-and-reopen: offsets are dense and increasing from the log start to
 * the log end, every acknowledged record the policy keeps reads back where it was written, nothing below the log
 * start offset can be read, the log start never moves back, and a reopened log equals the log before the close.
 */
class PartitionLogPropertyTest {
    private static final TopicPartition TP = new TopicPartition("props", 0);
    private static final long T0 = 1_700_000_000_000L;
    private static final long RETENTION_MS = 60_000;

    /** One step a test run takes. */
    sealed interface Step permits Append, Pass, Tick, DeleteRecords, Reopen {}

    /** {@code records} records stamped with the clock's time minus {@code ageMs}. */
    record Append(int records, long ageMs) implements Step {}

    /** A retention pass. */
    record Pass() implements Step {}

    record Tick(long ms) implements Step {}

    /** DeleteRecords before the offset at this fraction (per mille) of the way from the log start to its end. */
    record DeleteRecords(int perMille) implements Step {}

    /** Close, then open again with the log start offset a clean close checkpoints. */
    record Reopen() implements Step {}

    @Provide
    Arbitrary<Step> steps() {
        return Arbitraries.frequencyOf(
                Tuple.of(
                        6,
                        Arbitraries.integers()
                                .between(1, 40)
                                .flatMap(n -> Arbitraries.longs()
                                        .between(0, 2 * RETENTION_MS)
                                        .map(age -> (Step) new Append(n, age)))),
                Tuple.of(2, Arbitraries.just(new Pass())),
                Tuple.of(2, Arbitraries.longs().between(1, RETENTION_MS).map(ms -> (Step) new Tick(ms))),
                Tuple.of(1, Arbitraries.integers().between(0, 1000).map(f -> (Step) new DeleteRecords(f))),
                Tuple.of(1, Arbitraries.just(new Reopen())));
    }

    @Property(tries = 60)
    void shouldKeepTheLogsInvariantsUnderAnySequenceOfSteps(
            @ForAll @Size(max = 40) final List<@From("steps") Step> steps) throws IOException {
        final Path root = Files.createTempDirectory("runnel-props");
        final ManualClock clock = new ManualClock(T0);
        final LogConfig config = LogConfig.defaults()
                .withSegmentBytes(2_048)
                .withIndexIntervalBytes(256)
                .withSegmentIndexBytes(4096)
                .withRetention(RETENTION_MS, -1);
        final List<LogSegment> retired = new ArrayList<>();
        PartitionLog log = PartitionLog.open(TP, root.resolve("props-0"), config, clock, 0L, 0L, true);
        long lastStart = 0;
        try {
            for (final Step step : steps) {
                switch (step) {
                    case Append a -> {
                        final long before = log.logEndOffset();
                        final AppendResult result =
                                log.appendAsLeader(batch(a.records(), clock.millis() - a.ageMs()), 0);
                        assertThat(result.firstOffset())
                                .as("offsets continue where the log ended")
                                .isEqualTo(before);
                        assertThat(log.logEndOffset()).isEqualTo(before + a.records());
                    }
                    case Pass p -> retired.addAll(log.deleteOldSegments(clock.millis()));
                    case Tick t -> clock.advance(t.ms());
                    case DeleteRecords d -> {
                        final long start = log.logStartOffset();
                        final long target = start + (log.logEndOffset() - start) * d.perMille() / 1000;
                        assertThat(log.advanceLogStartOffset(target)).isEqualTo(target);
                    }
                    case Reopen r -> {
                        final long start = log.logStartOffset();
                        final long end = log.logEndOffset();
                        final List<Long> before = readable(log);
                        log.close();
                        log = PartitionLog.open(TP, root.resolve("props-0"), config, clock, start, end, true);
                        assertThat(log.logStartOffset()).as("reopened start").isEqualTo(start);
                        assertThat(log.logEndOffset()).as("reopened end").isEqualTo(end);
                        assertThat(readable(log))
                                .as("reopened log reads as before")
                                .isEqualTo(before);
                    }
                }
                assertThat(log.logStartOffset())
                        .as("the log start never moves back")
                        .isGreaterThanOrEqualTo(lastStart);
                lastStart = log.logStartOffset();
                assertInvariants(log);
            }
        } finally {
            log.close();
            for (final LogSegment segment : retired) {
                segment.closeAndDelete();
            }
            TempDirs.deleteRecursively(root);
        }
    }

    private static void assertInvariants(final PartitionLog log) throws IOException {
        final long start = log.logStartOffset();
        final long end = log.logEndOffset();
        assertThat(start).isBetween(0L, end);
        // dense and increasing: exactly start..end-1
        final List<Long> expected = new ArrayList<>();
        for (long o = start; o < end; o++) {
            expected.add(o);
        }
        assertThat(readable(log)).isEqualTo(expected);
        if (start > 0) {
            assertThatThrownBy(() -> log.read(start - 1, 1 << 20, Long.MAX_VALUE, true))
                    .as("nothing below the log start")
                    .isInstanceOf(OffsetOutOfRangeException.class);
        }
    }

    /** The offsets a consumer starting at the log start sees (whole batches, less what lies below the start). */
    private static List<Long> readable(final PartitionLog log) throws IOException {
        final List<Long> offsets = new ArrayList<>();
        long next = log.logStartOffset();
        while (next < log.logEndOffset()) {
            final List<RecordBatch> batches = TestBatches.batchesOf(log.read(next, 1 << 20, Long.MAX_VALUE, true));
            if (batches.isEmpty()) {
                break;
            }
            for (final RecordBatch b : batches) {
                for (final Record r : b) {
                    if (r.offset() >= log.logStartOffset()) {
                        offsets.add(r.offset());
                    }
                }
                next = b.nextOffset();
            }
        }
        return offsets;
    }
}
