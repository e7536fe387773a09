package io.runnel.storage.cleaner;

import static io.runnel.testsupport.RecordBatches.keyed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.runnel.storage.AppendResult;
import io.runnel.storage.CompactionConfig;
import io.runnel.storage.LogConfig;
import io.runnel.storage.PartitionLog;
import io.runnel.storage.TestBatches;
import io.runnel.storage.log.LogSegment;
import io.runnel.storage.retention.RetiredSegments;
import io.runnel.testsupport.ManualClock;
import io.runnel.testsupport.TempDirs;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
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
import org.apache.kafka.common.record.internal.CompressionType;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.utils.Utils;

/**
 * A compacted log ({@code cleanup.policy=compact,delete}) under any sequence of keyed appends over six keys (with
 * tombstones, rolling 512-byte segments), cleaner passes with offset maps of any size, time passing, retention
 * passes, DeleteRecords, truncation, clean reopens and reopens after a torn write. Checked after every step against
 * a model of every record still below the log end:
 * <ul>
 *   <li>offsets strictly increase, and every record read is the one written at its offset (nothing moved, changed
 *       or reordered);</li>
 *   <li>nothing below the log start can be read;</li>
 *   <li>the latest record of every key at or above the log start is there, unless it is a tombstone, which may go;
 *       a key whose records all lie below the log start is gone;</li>
 *   <li>a reopened log reads as before the close.</li>
 * </ul>
 * A key whose latest record was truncated is not checked until it is written again: the cleaner may have removed
 * its older records, which is what Kafka does too.
 */
class PartitionLogCompactionPropertyTest {
    private static final TopicPartition TP = new TopicPartition("compacted-props", 0);
    private static final long T0 = 1_700_000_000_000L;
    private static final long RETENTION_MS = 120_000;
    private static final long DELETE_RETENTION_MS = 20_000;
    private static final int KEYS = 6;

    /** One step a test run takes. */
    sealed interface Step permits Append, Clean, Pass, Tick, DeleteRecords, Truncate, Reopen, TornReopen {}

    /** One batch: key index per record, negative for a tombstone of key {@code -k - 1}. */
    record Append(List<Integer> keys, long ageMs) implements Step {}

    /** A cleaner pass whose offset map holds at most this many keys (0: as many as it likes). */
    record Clean(int mapKeys) implements Step {}

    /** A retention pass. */
    record Pass() implements Step {}

    record Tick(long ms) implements Step {}

    /** DeleteRecords before the offset at this fraction (per mille) of the way from the log start to its end. */
    record DeleteRecords(int perMille) implements Step {}

    /** Truncation to the offset at this fraction (per mille) of the way from 0 to the log end. */
    record Truncate(int perMille) implements Step {}

    /** Close, then open again with the log start offset a clean close checkpoints. */
    record Reopen() implements Step {}

    /** Close, half a batch and garbage appended to the active segment, an unclean open. */
    record TornReopen() implements Step {}

    @Provide
    Arbitrary<Step> steps() {
        final Arbitrary<Integer> key = Arbitraries.integers().between(0, KEYS - 1);
        final Arbitrary<Integer> keyOrTombstone =
                Arbitraries.frequencyOf(Tuple.of(6, key), Tuple.of(1, key.map(k -> -k - 1)));
        return Arbitraries.frequencyOf(
                Tuple.of(
                        8,
                        keyOrTombstone
                                .list()
                                .ofMinSize(1)
                                .ofMaxSize(8)
                                .flatMap(keys -> Arbitraries.longs()
                                        .between(0, 2 * RETENTION_MS)
                                        .map(age -> (Step) new Append(keys, age)))),
                Tuple.of(4, Arbitraries.integers().between(0, KEYS).map(n -> (Step) new Clean(n))),
                Tuple.of(1, Arbitraries.just(new Pass())),
                Tuple.of(2, Arbitraries.longs().between(1, DELETE_RETENTION_MS).map(ms -> (Step) new Tick(ms))),
                Tuple.of(1, Arbitraries.integers().between(0, 1000).map(f -> (Step) new DeleteRecords(f))),
                Tuple.of(1, Arbitraries.integers().between(0, 1000).map(f -> (Step) new Truncate(f))),
                Tuple.of(1, Arbitraries.just(new Reopen())),
                Tuple.of(1, Arbitraries.just(new TornReopen())));
    }

    /** A record as the model knows it; a null value is a tombstone. */
    record Rec(String key, String value) {}

    @Property(tries = 60)
    void shouldKeepTheLatestValueOfEveryKeyUnderAnySequenceOfSteps(
            @ForAll @Size(max = 50) final List<@From("steps") Step> steps) throws IOException {
        final Path root = Files.createTempDirectory("runnel-compaction-props");
        final Path dir = root.resolve("compacted-props-0");
        final ManualClock clock = new ManualClock(T0);
        final LogConfig config = LogConfig.defaults()
                .withSegmentBytes(512)
                .withIndexIntervalBytes(128)
                .withSegmentIndexBytes(4096)
                .withRetention(RETENTION_MS, -1)
                .withCleanupPolicyDelete(true)
                .withCompaction(new CompactionConfig(true, 0.0, DELETE_RETENTION_MS, 0, Long.MAX_VALUE));
        final List<LogSegment> retiredSegments = new ArrayList<>();
        final RetiredSegments retired = new RetiredSegments();
        final TreeMap<Long, Rec> written = new TreeMap<>();
        final Set<String> unknown = new HashSet<>();
        int values = 0;
        PartitionLog log = PartitionLog.open(TP, dir, config, clock, 0L, 0L, true);
        try {
            for (final Step step : steps) {
                switch (step) {
                    case Append a -> {
                        final String[] keyValues = new String[a.keys().size() * 2];
                        for (int i = 0; i < a.keys().size(); i++) {
                            final int k = a.keys().get(i);
                            keyValues[2 * i] = "k" + (k < 0 ? -k - 1 : k);
                            keyValues[2 * i + 1] = k < 0 ? null : "v" + values++;
                        }
                        final long before = log.logEndOffset();
                        final AppendResult result = log.appendAsLeader(
                                keyed(CompressionType.NONE, clock.millis() - a.ageMs(), keyValues), 0);
                        assertThat(result.firstOffset())
                                .as("offsets continue where the log ended")
                                .isEqualTo(before);
                        for (int i = 0; i < a.keys().size(); i++) {
                            written.put(before + i, new Rec(keyValues[2 * i], keyValues[2 * i + 1]));
                            unknown.remove(keyValues[2 * i]);
                        }
                    }
                    case Clean c ->
                        LogCleaner.clean(
                                log,
                                clock.millis(),
                                c.mapKeys() == 0 ? Long.MAX_VALUE : c.mapKeys() * CleanerOffsetMap.cost(2),
                                CleanerThrottle.NONE,
                                retired,
                                () -> {});
                    case Pass p -> retiredSegments.addAll(log.deleteOldSegments(clock.millis()));
                    case Tick t -> clock.advance(t.ms());
                    case DeleteRecords d -> {
                        final long start = log.logStartOffset();
                        final long target = start + (log.logEndOffset() - start) * d.perMille() / 1000;
                        assertThat(log.advanceLogStartOffset(target)).isEqualTo(target);
                    }
                    case Truncate t -> {
                        final long target = log.logEndOffset() * t.perMille() / 1000;
                        retiredSegments.addAll(log.truncateTo(target));
                        final long end = log.logEndOffset();
                        assertThat(end)
                                .as("the log ends at or below the truncation offset")
                                .isLessThanOrEqualTo(Math.max(target, written.isEmpty() ? 0 : written.lastKey() + 1));
                        final Map<String, Long> latestBefore = latestOffsets(written);
                        written.tailMap(end, true).clear();
                        latestBefore.forEach((key, offset) -> {
                            if (offset >= end) {
                                unknown.add(key);
                            }
                        });
                    }
                    case Reopen r -> log = reopen(log, dir, config, clock, false);
                    case TornReopen r -> log = reopen(log, dir, config, clock, true);
                }
                assertInvariants(log, written, unknown);
            }
        } finally {
            log.close();
            retired.deleteAll();
            for (final LogSegment segment : retiredSegments) {
                segment.closeAndDelete();
            }
            TempDirs.deleteRecursively(root);
        }
    }

    private static PartitionLog reopen(
            final PartitionLog log, final Path dir, final LogConfig config, final ManualClock clock, final boolean torn)
            throws IOException {
        final long start = log.logStartOffset();
        final long end = log.logEndOffset();
        final Map<Long, Rec> before = readable(log);
        final LogSegment[] segments = log.cleaning().segmentsForCleaning();
        final Path active = dir.resolve(LogSegment.fileName(segments[segments.length - 1].baseOffset(), ".log"));
        log.close();
        if (torn) {
            final ByteBuffer half = keyed(CompressionType.NONE, clock.millis(), "k0", "torn", "k1", "torn");
            half.limit(half.limit() / 2);
            try (FileChannel channel = FileChannel.open(active, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
                channel.write(half);
                channel.write(ByteBuffer.wrap(new byte[] {9, 9, 9}));
            }
        }
        final PartitionLog reopened = PartitionLog.open(TP, dir, config, clock, start, 0L, !torn);
        assertThat(reopened.logStartOffset()).as("reopened start").isEqualTo(start);
        assertThat(readable(reopened)).as("reopened log reads as before").isEqualTo(before);
        if (reopened.logEndOffset() != end) {
            // only a truncation into a gap the cleaner left can end a log past its last record
            assertThat(reopened.logEndOffset()).as("reopened end").isLessThan(end);
            assertThat(before.keySet())
                    .as("nothing between the reopened end and the old one")
                    .allMatch(offset -> offset < reopened.logEndOffset());
        }
        return reopened;
    }

    private static Map<String, Long> latestOffsets(final TreeMap<Long, Rec> written) {
        final Map<String, Long> latest = new HashMap<>();
        written.forEach((offset, rec) -> latest.put(rec.key(), offset));
        return latest;
    }

    private static void assertInvariants(
            final PartitionLog log, final TreeMap<Long, Rec> written, final Set<String> unknown) throws IOException {
        final long start = log.logStartOffset();
        final long end = log.logEndOffset();
        assertThat(start).isBetween(0L, end);
        final Map<Long, Rec> read = readable(log);
        long previous = -1;
        final Map<String, Long> latestRead = new HashMap<>();
        for (final Map.Entry<Long, Rec> e : read.entrySet()) {
            assertThat(e.getKey())
                    .as("offsets strictly increase within the log")
                    .isGreaterThan(previous)
                    .isBetween(start, end - 1);
            previous = e.getKey();
            assertThat(e.getValue()).as("the record written at %d", e.getKey()).isEqualTo(written.get(e.getKey()));
            latestRead.put(e.getValue().key(), e.getKey());
        }
        latestOffsets(written).forEach((key, offset) -> {
            if (unknown.contains(key)) {
                return;
            }
            if (offset < start) {
                assertThat(latestRead)
                        .as("%s lies wholly below the log start", key)
                        .doesNotContainKey(key);
            } else if (written.get(offset).value() != null) {
                assertThat(latestRead.get(key))
                        .as("the latest value of %s survives", key)
                        .isEqualTo(offset);
            } else {
                assertThat(latestRead.getOrDefault(key, offset))
                        .as("%s ends with its tombstone or is gone", key)
                        .isEqualTo(offset);
            }
        });
        if (start > 0) {
            assertThatThrownBy(() -> log.read(start - 1, 1 << 20, Long.MAX_VALUE, true))
                    .as("nothing below the log start")
                    .isInstanceOf(OffsetOutOfRangeException.class);
        }
    }

    /** The records a consumer starting at the log start sees (whole batches, less what lies below the start). */
    private static Map<Long, Rec> readable(final PartitionLog log) throws IOException {
        final Map<Long, Rec> records = new java.util.LinkedHashMap<>();
        long next = log.logStartOffset();
        while (next < log.logEndOffset()) {
            final List<RecordBatch> batches = TestBatches.batchesOf(log.read(next, 1 << 20, Long.MAX_VALUE, true));
            if (batches.isEmpty()) {
                break;
            }
            for (final RecordBatch b : batches) {
                for (final Record r : b) {
                    if (r.offset() >= log.logStartOffset()) {
                        records.put(
                                r.offset(),
                                new Rec(
                                        StandardCharsets.UTF_8.decode(r.key()).toString(),
                                        r.hasValue()
                                                ? new String(Utils.toArray(r.value()), StandardCharsets.UTF_8)
                                                : null));
                    }
                }
                next = b.nextOffset();
            }
        }
        return records;
    }
}
