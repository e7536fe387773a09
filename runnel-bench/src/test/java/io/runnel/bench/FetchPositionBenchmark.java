package io.runnel.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;

/**
 * Does a fetch from the head of a big partition cost what a fetch from its tail costs? Fills the single-partition
 * topic {@code fetch-position} with 1 KiB records up to SIZE_MIB (unless it already holds that much; see
 * {@link TopicFiller}), then reads two windows of the same number of records, and so of bytes: the HEAD (from
 * the log start offset) and the TAIL (ending at the log end offset), each with a {@link RawFetchLoop}, and
 * reports throughput and the per-request latency distribution of each pass:
 * <ol>
 *   <li>tail, warm: a consumer that keeps up, served from the page cache (both windows are read once,
 *       unmeasured, before this pass);</li>
 *   <li>head, warm: the same bytes at the other end, also from the page cache;</li>
 *   <li>head, cold: after {@code sync; echo 3 > /proc/sys/vm/drop_caches} (a consumer starting from the
 *       beginning of a partition far bigger than what stays cached: the realistic head read);</li>
 *   <li>tail, cold: the same, to separate "old data" from "data not in memory".</li>
 * </ol>
 * The four passes run ROUNDS times (default 3; a warm pass after a cold one reads its window once more first),
 * and the medians over the rounds are compared. Everything written is synced to disk before the first pass, so
 * write-back does not run under a measurement. A window is WINDOW_MIB of records (default 512), at most half the
 * partition so the two never overlap. Needs root for the cold passes.
 * {@code FetchPositionBenchmark BOOTSTRAP LABEL SIZE_MIB [WINDOW_MIB [ROUNDS]]}; prints one JSON line for the
 * fill, one per pass and one with the medians and the head/tail ratios.
 */
public final class FetchPositionBenchmark {
    public static final String TOPIC = "fetch-position";
    private static final long RECORDS_PER_MIB = 1024 * 1024 / TopicFiller.RECORD_BYTES;

    private FetchPositionBenchmark() {}

    public static void main(final String[] args) throws Exception {
        final String bootstrap = args[0];
        final String label = args[1];
        final long sizeMib = Long.parseLong(args[2]);
        final long windowMib = args.length > 3 ? Long.parseLong(args[3]) : 512;
        final int rounds = args.length > 4 ? Integer.parseInt(args[4]) : 3;
        final String host = bootstrap.substring(0, bootstrap.lastIndexOf(':'));
        final int port = Integer.parseInt(bootstrap.substring(bootstrap.lastIndexOf(':') + 1));
        final String common = String.format("\"broker\":\"%s\",\"size_mib\":%d", label, sizeMib);

        final Uuid topicId;
        final long start;
        final long end;
        try (TopicFiller filler = new TopicFiller(bootstrap, TOPIC)) {
            topicId = filler.createIfMissing();
            final long fillStartNs = System.nanoTime();
            final long produced = filler.fillTo(sizeMib * RECORDS_PER_MIB);
            final double fillS = (System.nanoTime() - fillStartNs) / 1e9;
            start = filler.startOffset();
            end = filler.endOffset();
            System.out.printf(
                    "{%s,\"phase\":\"fill\",\"records_produced\":%d,\"fill_s\":%.1f,\"fill_mib_per_s\":%.1f,"
                            + "\"log_start_offset\":%d,\"log_end_offset\":%d}%n",
                    common, produced, fillS, produced / (double) RECORDS_PER_MIB / fillS, start, end);
        }
        final long windowRecords = Math.min(windowMib * RECORDS_PER_MIB, (end - start) / 2);
        final TopicPartition partition = new TopicPartition(TOPIC, 0);
        final Window head = new Window("head", start, start + windowRecords);
        final Window tail = new Window("tail", end - windowRecords, end);
        PageCache.sync();
        final List<Kind> kinds =
                List.of(new Kind(tail, false), new Kind(head, false), new Kind(head, true), new Kind(tail, true));
        final Map<Kind, List<RawFetchLoop.Pass>> passes = new LinkedHashMap<>();
        try (RawFetchLoop fetcher = new RawFetchLoop(host, port)) {
            // both windows once, unmeasured: into the page cache, and the JIT of both sides warm before the first
            // measured pass, so the first position measured is not the slower one for that reason alone
            fetcher.read(partition, topicId, tail.from, tail.until);
            fetcher.read(partition, topicId, head.from, head.until);
            for (int round = 1; round <= rounds; round++) {
                for (final Kind kind : kinds) {
                    if (kind.cold) {
                        PageCache.drop();
                    } else if (round > 1) {
                        fetcher.read(partition, topicId, kind.window.from, kind.window.until); // cached again
                    }
                    final RawFetchLoop.Pass pass =
                            fetcher.read(partition, topicId, kind.window.from, kind.window.until);
                    passes.computeIfAbsent(kind, k -> new ArrayList<>()).add(pass);
                    System.out.printf(
                            "{%s,\"phase\":\"%s\",\"round\":%d,\"from_offset\":%d,\"window_mib\":%.1f,"
                                    + "\"requests\":%d,\"mib_per_s\":%.1f,%s}%n",
                            common,
                            kind.name(),
                            round,
                            kind.window.from,
                            pass.bytes() / 1024.0 / 1024.0,
                            pass.latency().count(),
                            pass.mibPerS(),
                            pass.latency().json());
                }
            }
        }
        final Median tailWarm = Median.of(passes.get(kinds.get(0)));
        final Median headWarm = Median.of(passes.get(kinds.get(1)));
        final Median headCold = Median.of(passes.get(kinds.get(2)));
        final Median tailCold = Median.of(passes.get(kinds.get(3)));
        // the first cold read of the head is the only one nothing below this machine's page cache has seen
        // recently: the virtual disk's host may keep what a previous round read
        final Median headColdFirst = Median.of(passes.get(kinds.get(2)).subList(0, 1));
        System.out.printf(
                "{%s,\"phase\":\"medians\",\"rounds\":%d,\"tail_warm\":%s,\"head_warm\":%s,"
                        + "\"head_cold\":%s,\"tail_cold\":%s,\"head_warm_vs_tail_warm\":%s,"
                        + "\"head_cold_vs_tail_warm\":%s,\"head_cold_vs_tail_cold\":%s,\"head_cold_round_1\":%s,"
                        + "\"round_1_head_cold_vs_tail_warm\":%s}%n",
                common,
                rounds,
                tailWarm.json(),
                headWarm.json(),
                headCold.json(),
                tailCold.json(),
                headWarm.over(tailWarm),
                headCold.over(tailWarm),
                headCold.over(tailCold),
                headColdFirst.json(),
                headColdFirst.over(tailWarm));
    }

    /** A window read warm (from the page cache) or cold (after dropping it). */
    private record Kind(Window window, boolean cold) {
        String name() {
            return window.name + (cold ? "-cold" : "-warm");
        }
    }

    /** The median over rounds of one kind's throughput and p99. */
    private record Median(double mibPerS, double p99Ms) {
        static Median of(final List<RawFetchLoop.Pass> passes) {
            return new Median(
                    median(passes.stream()
                            .mapToDouble(RawFetchLoop.Pass::mibPerS)
                            .toArray()),
                    median(passes.stream()
                            .mapToDouble(p -> p.latency().p99Ns() / 1e6)
                            .toArray()));
        }

        private static double median(final double[] values) {
            Arrays.sort(values);
            final int n = values.length;
            return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
        }

        String json() {
            return String.format("{\"mib_per_s\":%.1f,\"p99_ms\":%.3f}", mibPerS, p99Ms);
        }

        /** This one's throughput and p99 as fractions of another's. */
        String over(final Median other) {
            return String.format("{\"mib_per_s\":%.2f,\"p99\":%.2f}", mibPerS / other.mibPerS, p99Ms / other.p99Ms);
        }
    }

    /** The records [from, until) of one position. */
    private record Window(String name, long from, long until) {}
}
