package io.runnel.bench;

/**
 * Does a consumer reading old data from disk slow down producers at the tail? A {@link PacedProducer} (acks=all,
 * 1 KiB records, RATE per second) writes to its own topic {@code cold-reader-produce}: first SECONDS unmeasured
 * (JIT and connections warm), then SECONDS measured WITHOUT a reader, then, after {@code sync; echo 3 >
 * /proc/sys/vm/drop_caches}, SECONDS measured WITH a {@link ColdReader} consuming {@link FetchPositionBenchmark}'s
 * topic from its head. Run it after FetchPositionBenchmark has filled that topic. Needs root.
 * {@code ColdReaderInterferenceBenchmark BOOTSTRAP LABEL [RATE [SECONDS [READER_MIB_S]]]} (defaults 5,000
 * records/s, 30 s, a reader without a rate limit);
 * prints one JSON line per measured phase and one with the ratios.
 */
public final class ColdReaderInterferenceBenchmark {
    private static final String TOPIC = "cold-reader-produce";

    private ColdReaderInterferenceBenchmark() {
    }

    public static void main(final String[] args) throws Exception {
        final String bootstrap = args[0];
        final String label = args[1];
        final int rate = args.length > 2 ? Integer.parseInt(args[2]) : 5000;
        final int seconds = args.length > 3 ? Integer.parseInt(args[3]) : 30;
        final double readerMibPerS = args.length > 4 ? Double.parseDouble(args[4]) : 0;
        final String common = String.format("\"broker\":\"%s\",\"records_per_s\":%d,\"seconds\":%d", label, rate,
                seconds);
        try (TopicFiller topic = new TopicFiller(bootstrap, TOPIC)) {
            topic.createIfMissing();
        }
        try (PacedProducer producer = new PacedProducer(bootstrap, TOPIC, rate)) {
            producer.run(seconds);
            final Percentiles without = producer.run(seconds);
            System.out.printf("{%s,\"phase\":\"without-reader\",\"acked\":%d,%s}%n", common, without.count(),
                    without.json());
            PageCache.drop();
            final Percentiles with;
            final ColdReader reader = new ColdReader(bootstrap, FetchPositionBenchmark.TOPIC, readerMibPerS);
            try {
                with = producer.run(seconds);
            } finally {
                reader.close();
            }
            System.out.printf("{%s,\"phase\":\"with-cold-reader\",\"acked\":%d,%s,\"reader_mib_per_s\":%.1f,"
                            + "\"reader_mib\":%d}%n", common, with.count(), with.json(), reader.mibPerS(),
                    reader.mibRead());
            System.out.printf("{%s,\"phase\":\"ratios\",\"p99_with_vs_without\":%.2f,\"p999_with_vs_without\":%.2f}%n",
                    common, with.p99Ns() / (double) without.p99Ns(), with.p999Ns() / (double) without.p999Ns());
        }
    }
}
