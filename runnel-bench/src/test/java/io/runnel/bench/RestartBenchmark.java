package io.runnel.bench;

import io.runnel.storage.LogConfig;
import io.runnel.storage.LogManager;
import io.runnel.storage.PartitionLog;
import io.runnel.storage.log.OffsetCheckpointFile;
import io.runnel.testsupport.TempDirs;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MemoryRecordsBuilder;
import org.apache.kafka.common.record.internal.RecordBatch;

/**
 * How long the storage layer takes to open all its logs after a clean shutdown and after a crash, against the
 * number of partitions and the data they hold (issue #5's restart goal: 1,000 partitions and 10 GB clean in under
 * a second). Writes the data through {@link LogManager}, closes it (clean) and times a reopen of every log, then
 * removes the clean-shutdown marker (as a crash leaves it) and times the recovering reopen (from the recovery points
 * the close wrote: only each log's active segment is scanned), and last without the recovery point checkpoint
 * either (a crash before the first checkpoint: every segment is scanned). Each reopen opens the logs as the
 * broker's start does, all at once through {@link LogManager#openAll} with RECOVERY_THREADS threads
 * ({@code num.recovery.threads.per.data.dir}, default Kafka's 2). Every timed reopen starts after a {@code sync}, so
 * the write-back of what the step before wrote does not run under it; the data stays in the page cache (a broker
 * process that crashed, not a machine that rebooted).
 * The close after the clean reopen is timed too (every log flushed and closed, as at a clean shutdown).
 * {@code RestartBenchmark PARTITIONS MIB_PER_PARTITION [SEGMENT_MIB [RECOVERY_THREADS [DIR]]]} (segments of 64 MiB
 * unless given, so a small SEGMENT_MIB gives logs of thousands of segments); prints one JSON line.
 */
public final class RestartBenchmark {
    private static final int BATCH_RECORDS = 100;
    private static final int VALUE_BYTES = 1000;

    private RestartBenchmark() {}

    public static void main(final String[] args) throws Exception {
        final int partitions = Integer.parseInt(args[0]);
        final int mibPerPartition = Integer.parseInt(args[1]);
        final int segmentMib = args.length > 2 ? Integer.parseInt(args[2]) : 64;
        final int recoveryThreads =
                args.length > 3 ? Integer.parseInt(args[3]) : LogManager.Settings.DEFAULT_RECOVERY_THREADS_PER_DIR;
        final Path root = args.length > 4 ? Path.of(args[4]) : Files.createTempDirectory("runnel-restart");
        final LogManager.Settings settings = LogManager.Settings.defaults().withRecoveryThreadsPerDir(recoveryThreads);
        final LogConfig config = LogConfig.defaults().withSegmentBytes(segmentMib * 1024 * 1024);
        final List<Path> dirs = List.of(root);
        try {
            final ByteBuffer batch = batch();
            final long batchesPerPartition = (long) mibPerPartition * 1024 * 1024 / batch.remaining();
            try (LogManager logs = LogManager.open(dirs, InstantSource.system())) {
                for (int p = 0; p < partitions; p++) {
                    final PartitionLog log = logs.getOrCreate(new TopicPartition("restart", p), config);
                    for (long b = 0; b < batchesPerPartition; b++) {
                        log.appendAsLeader(batch.duplicate(), 0);
                    }
                }
            }
            final long segments = segmentCount(dirs, partitions, config);
            sync();
            final long[] clean = reopen(dirs, partitions, config, settings);
            Files.deleteIfExists(root.resolve(LogManager.CLEAN_SHUTDOWN_FILE));
            sync();
            final long uncleanMs = reopenMs(dirs, partitions, config, settings);
            // a crash before the first recovery point checkpoint: every segment is scanned
            Files.deleteIfExists(root.resolve(LogManager.CLEAN_SHUTDOWN_FILE));
            Files.deleteIfExists(root.resolve(OffsetCheckpointFile.RECOVERY_POINT));
            sync();
            final long fullRecoveryMs = reopenMs(dirs, partitions, config, settings);
            System.out.printf(
                    "{\"partitions\":%d,\"mib\":%d,\"segments\":%d,\"recovery_threads\":%d,"
                            + "\"clean_open_ms\":%d,\"clean_close_ms\":%d,\"unclean_open_ms\":%d,"
                            + "\"unclean_no_checkpoint_ms\":%d}%n",
                    partitions,
                    (long) partitions * mibPerPartition,
                    segments,
                    recoveryThreads,
                    clean[0],
                    clean[1],
                    uncleanMs,
                    fullRecoveryMs);
        } finally {
            if (args.length <= 4) {
                TempDirs.deleteRecursively(root);
            }
        }
    }

    private static void sync() throws IOException, InterruptedException {
        final int exit = new ProcessBuilder("sync").inheritIO().start().waitFor();
        if (exit != 0) {
            throw new IOException("sync exited with " + exit);
        }
    }

    /** Opens the manager and every partition's log, as a broker's start-up does; closes cleanly after. */
    private static long reopenMs(
            final List<Path> dirs, final int partitions, final LogConfig config, final LogManager.Settings settings)
            throws Exception {
        return reopen(dirs, partitions, config, settings)[0];
    }

    /** Milliseconds to open every log, as a broker's start-up does, and to close them all (a clean shutdown). */
    private static long[] reopen(
            final List<Path> dirs, final int partitions, final LogConfig config, final LogManager.Settings settings)
            throws Exception {
        final long startNs = System.nanoTime();
        final long openMs;
        final LogManager logs = LogManager.open(dirs, InstantSource.system(), settings);
        try {
            final Map<TopicPartition, LogConfig> all = new HashMap<>();
            for (int p = 0; p < partitions; p++) {
                all.put(new TopicPartition("restart", p), config);
            }
            for (final CompletableFuture<PartitionLog> opened :
                    logs.openAll(all).values()) {
                opened.get();
            }
            openMs = (System.nanoTime() - startNs) / 1_000_000;
        } finally {
            logs.close();
        }
        return new long[] {openMs, (System.nanoTime() - startNs) / 1_000_000 - openMs};
    }

    private static long segmentCount(final List<Path> dirs, final int partitions, final LogConfig config)
            throws IOException {
        long count = 0;
        try (LogManager logs = LogManager.open(dirs, InstantSource.system())) {
            for (int p = 0; p < partitions; p++) {
                count += logs.getOrCreate(new TopicPartition("restart", p), config)
                        .segmentCount();
            }
        }
        return count;
    }

    private static ByteBuffer batch() {
        final ByteBuffer buffer = ByteBuffer.allocate(BATCH_RECORDS * (VALUE_BYTES + 64) + 256);
        final MemoryRecordsBuilder builder = MemoryRecords.builder(
                buffer, RecordBatch.MAGIC_VALUE_V2, Compression.NONE, TimestampType.CREATE_TIME, 0L);
        final byte[] value = new byte[VALUE_BYTES];
        for (int i = 0; i < BATCH_RECORDS; i++) {
            builder.append(System.currentTimeMillis(), null, value);
        }
        return builder.build().buffer();
    }
}
