package io.runnel.bench;

import io.runnel.storage.AppendResult;
import io.runnel.storage.LogConfig;
import io.runnel.storage.LogManager;
import io.runnel.storage.PartitionLog;
import io.runnel.testsupport.TempDirs;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Appends to a {@code flush.messages=1} log, each one acknowledged only once it is fsync'd: the opt-in "fsync
 * before acknowledging" mode. Several producers (JMH threads, {@code -t}) append 1 KiB batches of 100-byte records
 * to one partition, as producer connections on different network threads would; the log is the broker's (opened by
 * {@link LogManager}), so its fsyncs run on the log flusher thread, group-committed. The log lives under
 * {@code java.io.tmpdir}, which must be a real disk for the figures to mean anything.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
@Threads(4)
public class DurableAppendBenchmark {
    private Path dir;
    private LogManager logs;
    private PartitionLog log;

    /** Each producer's own batch: an append rewrites the base offset in place. */
    @State(Scope.Thread)
    public static class Producer {
        ByteBuffer batch;

        @Setup(Level.Trial)
        public void build() {
            final SimpleRecord[] content = new SimpleRecord[10];
            for (int i = 0; i < content.length; i++) {
                content[i] = new SimpleRecord(System.currentTimeMillis(), null, new byte[100]);
            }
            final MemoryRecords built = MemoryRecords.withRecords(Compression.NONE, content);
            batch = ByteBuffer.allocateDirect(built.sizeInBytes());
            batch.put(built.buffer()).flip();
        }
    }

    @Setup(Level.Iteration)
    public void open() throws IOException {
        dir = Files.createTempDirectory("runnel-durable-append-bench");
        logs = LogManager.open(List.of(dir), InstantSource.system());
        log = logs.getOrCreate(
                new TopicPartition("bench", 0), LogConfig.defaults().withFlushInterval(1, Long.MAX_VALUE));
    }

    /** Returns once the append is acknowledged, which with flush.messages=1 means fsync'd. */
    @Benchmark
    public AppendResult appendDurably(final Producer producer) {
        final AppendResult appended = log.appendAsLeader(producer.batch.duplicate(), 0);
        appended.flushed().join();
        return appended;
    }

    @TearDown(Level.Iteration)
    public void close() throws IOException {
        logs.close();
        TempDirs.deleteRecursively(dir);
    }
}
