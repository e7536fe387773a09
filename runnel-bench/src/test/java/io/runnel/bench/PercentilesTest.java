package io.runnel.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PercentilesTest {
    @Test
    void shouldTakeTheNearestRankOfTheSamplesGiven() {
        final long[] samples = new long[1200];
        for (int i = 0; i < 1000; i++) {
            samples[i] = 1000 - i; // 1000 down to 1, unsorted; the 200 slots after count are not samples
        }
        final Percentiles percentiles = Percentiles.of(samples, 1000);
        assertThat(percentiles).isEqualTo(new Percentiles(1000, 500, 990, 999, 1000));
    }

    @Test
    void shouldReportTheOnlySampleAsEveryPercentile() {
        assertThat(Percentiles.of(new long[] {7}, 1)).isEqualTo(new Percentiles(1, 7, 7, 7, 7));
    }
}
