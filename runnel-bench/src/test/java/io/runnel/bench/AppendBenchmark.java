package io.runnel.bench;

import io.runnel.storage.AppendResult;
import io.runnel.storage.LogConfig;
import io.runnel.storage.PartitionLog;
import io.runnel.testsupport.TempDirs;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
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
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The produce hot path below the network: validating a batch (header, CRC-32C, producer sequence) and
 * appending it to the active segment. Batches are what a producer with linger.ms=5 sends: 100-byte records,
 * as many as fit in {@code batchBytes}. Each iteration starts from an empty log so the disk stays bounded.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class AppendBenchmark {
    @Param({"1024", "16384", "65536"})
    int batchBytes;

    @Param({"none", "lz4"})
    String compression;

    private Path dir;
    private PartitionLog log;
    private ByteBuffer batch;

    @Setup(Level.Iteration)
    public void open() throws IOException {
        dir = Files.createTempDirectory("runnel-append-bench");
        log = PartitionLog.open(
                new TopicPartition("bench", 0), dir, LogConfig.defaults(), InstantSource.system(), 0L, 0L, true);
        final int records = Math.max(1, batchBytes / 100);
        final SimpleRecord[] content = new SimpleRecord[records];
        final byte[] value = new byte[100];
        for (int i = 0; i < records; i++) {
            value[i % 100] = (byte) i;
            content[i] = new SimpleRecord(System.currentTimeMillis(), null, value.clone());
        }
        final Compression codec = compression.equals("lz4") ? Compression.lz4().build() : Compression.NONE;
        final MemoryRecords built = MemoryRecords.withRecords(codec, content);
        batch = ByteBuffer.allocateDirect(built.sizeInBytes());
        batch.put(built.buffer()).flip();
    }

    @Benchmark
    public AppendResult append() {
        // the base offset is rewritten in place and is not covered by the CRC, so the same bytes append again
        return log.appendAsLeader(batch.duplicate(), 0);
    }

    @TearDown(Level.Iteration)
    public void close() throws IOException {
        log.close();
        TempDirs.deleteRecursively(dir);
    }
}
