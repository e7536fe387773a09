package io.runnel.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.runnel.storage.AppendResult;
import org.junit.jupiter.api.Test;

/** Keeps the benchmark honest: what it times is a real append that lands at the next offsets. */
class AppendBenchmarkTest {
    @Test
    void shouldAppendTheSameBatchAtConsecutiveOffsets() throws Exception {
        final AppendBenchmark benchmark = new AppendBenchmark();
        benchmark.batchBytes = 16384;
        benchmark.compression = "lz4";
        benchmark.open();
        try {
            final AppendResult first = benchmark.append();
            final AppendResult second = benchmark.append();
            assertThat(first.firstOffset()).isZero();
            assertThat(first.recordCount()).isEqualTo(163);
            assertThat(second.firstOffset()).isEqualTo(first.lastOffset() + 1);
            assertThat(second.duplicate()).isFalse();
        } finally {
            benchmark.close();
        }
    }
}
