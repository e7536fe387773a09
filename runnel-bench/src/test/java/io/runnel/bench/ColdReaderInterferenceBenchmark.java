package io.runnel.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.function.ToLongFunction;

/**
 * Does a consumer reading old data from disk slow down producers at the tail? A {@link PacedProducer} (acks=all,
 * 1 KiB records, RATE per second) writes to its own topic {@code cold-reader-produce}: first SECONDS unmeasured
 * (JIT and connections warm), then ROUNDS times: {@code sync}, SECONDS measured WITHOUT a reader, {@code sync; echo
 * 3 > /proc/sys/vm/drop_caches}, SECONDS measured WITH a {@link ColdReader} consuming {@link FetchPositionBenchmark}'s
 * topic. The sync before the quiet phase matters: without it that phase runs under the write-back of whatever
 * was written before (a 20 GiB fill), which once made it the slower of the two. Each round's reader starts where the
 * last one stopped, so every round reads data that neither the page cache nor the host's disk cache has seen since
 * it was written. Run it after FetchPositionBenchmark has filled that topic. Needs root.
 * {@code ColdReaderInterferenceBenchmark BOOTSTRAP LABEL [RATE [SECONDS [READER_MIB_S [ROUNDS]]]]} (defaults 5,000
 * records/s, 30 s, a reader without a rate limit, 3 rounds);
 * prints one JSON line per measured phase and one with the medians over the rounds and their ratios.
 */
public final class ColdReaderInterferenceBenchmark {
    private static final String TOPIC = "cold-reader-produce";

    private ColdReaderInterferenceBenchmark() {}

    public static void main(final String[] args) throws Exception {
        final String bootstrap = args[0];
        final String label = args[1];
        final int rate = args.length > 2 ? Integer.parseInt(args[2]) : 5000;
        final int seconds = args.length > 3 ? Integer.parseInt(args[3]) : 30;
        final double readerMibPerS = args.length > 4 ? Double.parseDouble(args[4]) : 0;
        final int rounds = args.length > 5 ? Integer.parseInt(args[5]) : 3;
        final String common =
                String.format("\"broker\":\"%s\",\"records_per_s\":%d,\"seconds\":%d", label, rate, seconds);
        try (TopicFiller topic = new TopicFiller(bootstrap, TOPIC)) {
            topic.createIfMissing();
        }
        final List<Percentiles> without = new ArrayList<>();
        final List<Percentiles> with = new ArrayList<>();
        try (PacedProducer producer = new PacedProducer(bootstrap, TOPIC, rate)) {
            producer.run(seconds);
            long readFrom = 0;
            for (int round = 1; round <= rounds; round++) {
                PageCache.sync();
                final Percentiles quiet = producer.run(seconds);
                without.add(quiet);
                System.out.printf(
                        "{%s,\"round\":%d,\"phase\":\"without-reader\",\"acked\":%d,%s}%n",
                        common, round, quiet.count(), quiet.json());
                PageCache.drop();
                final Percentiles busy;
                final ColdReader reader =
                        new ColdReader(bootstrap, FetchPositionBenchmark.TOPIC, readFrom, readerMibPerS);
                try {
                    busy = producer.run(seconds);
                } finally {
                    reader.close();
                }
                with.add(busy);
                readFrom = reader.nextOffset();
                System.out.printf(
                        "{%s,\"round\":%d,\"phase\":\"with-cold-reader\",\"acked\":%d,%s,"
                                + "\"reader_mib_per_s\":%.1f,\"reader_mib\":%d}%n",
                        common, round, busy.count(), busy.json(), reader.mibPerS(), reader.mibRead());
            }
        }
        final double p99Without = medianMs(without, Percentiles::p99Ns);
        final double p99With = medianMs(with, Percentiles::p99Ns);
        final double p999Without = medianMs(without, Percentiles::p999Ns);
        final double p999With = medianMs(with, Percentiles::p999Ns);
        System.out.printf(
                "{%s,\"phase\":\"medians\",\"rounds\":%d,\"p99_ms_without\":%.3f,\"p99_ms_with\":%.3f,"
                        + "\"p99_with_vs_without\":%.2f,\"p999_ms_without\":%.3f,\"p999_ms_with\":%.3f,"
                        + "\"p999_with_vs_without\":%.2f}%n",
                common,
                rounds,
                p99Without,
                p99With,
                p99With / p99Without,
                p999Without,
                p999With,
                p999With / p999Without);
    }

    private static double medianMs(final List<Percentiles> phases, final ToLongFunction<Percentiles> field) {
        final long[] values = phases.stream().mapToLong(field).sorted().toArray();
        final int n = values.length;
        final double median = n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2.0;
        return median / 1e6;
    }
}
