package io.runnel.bench;

import java.util.Arrays;

/**
 * The latency distribution of one measured phase: nearest-rank percentiles (the smallest sample with at least
 * p of all samples at or below it), so a p99 of 1,000 samples is the 990th smallest and never an interpolation.
 */
public record Percentiles(int count, long p50Ns, long p99Ns, long p999Ns, long maxNs) {

    /** Sorts {@code samplesNs[0, count)} in place. */
    public static Percentiles of(final long[] samplesNs, final int count) {
        if (count == 0) {
            return new Percentiles(0, 0, 0, 0, 0);
        }
        Arrays.sort(samplesNs, 0, count);
        return new Percentiles(
                count,
                rank(samplesNs, count, 0.50),
                rank(samplesNs, count, 0.99),
                rank(samplesNs, count, 0.999),
                samplesNs[count - 1]);
    }

    private static long rank(final long[] sorted, final int count, final double p) {
        final int index = (int) Math.ceil(p * count) - 1;
        return sorted[Math.max(0, index)];
    }

    /** {@code "p50_ms":..,"p99_ms":..,"p999_ms":..,"max_ms":..} in ms with microsecond precision. */
    public String json() {
        return String.format(
                "\"p50_ms\":%.3f,\"p99_ms\":%.3f,\"p999_ms\":%.3f,\"max_ms\":%.3f",
                p50Ns / 1e6, p99Ns / 1e6, p999Ns / 1e6, maxNs / 1e6);
    }
}
