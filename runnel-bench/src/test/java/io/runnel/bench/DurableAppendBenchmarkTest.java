package io.runnel.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.runnel.storage.AppendResult;
import org.junit.jupiter.api.Test;

/** Keeps the benchmark honest: what it times is an append that is fsync'd before it counts. */
class DurableAppendBenchmarkTest {
    @Test
    void shouldCountAnAppendOnlyOnceItIsFlushed() throws Exception {
        final DurableAppendBenchmark benchmark = new DurableAppendBenchmark();
        final DurableAppendBenchmark.Producer producer = new DurableAppendBenchmark.Producer();
        producer.build();
        benchmark.open();
        try {
            final AppendResult first = benchmark.appendDurably(producer);
            final AppendResult second = benchmark.appendDurably(producer);
            assertThat(first.awaitsFlush()).isTrue();
            assertThat(first.flushed()).isDone();
            assertThat(second.firstOffset()).isEqualTo(first.lastOffset() + 1);
            assertThat(second.flushed()).isCompletedWithValue(null);
        } finally {
            benchmark.close();
        }
    }
}
