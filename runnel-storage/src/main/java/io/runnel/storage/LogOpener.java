package io.runnel.storage;

import java.io.IOException;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.KafkaStorageException;

/**
 * Opens the partition logs of the {@link LogManager}: a log found on disk is opened with what its directory
 * checkpointed (recovering it from its recovery point if the directory was not shut down cleanly), a new one is
 * created in the online log directory that holds the fewest partitions. At start the logs on disk are opened
 * {@code num.recovery.threads.per.data.dir} at a time per directory ({@link LogDirWorkers}), since recovering them
 * after a crash is CPU and disk bound.
 *
 * <p>Thread safety: called by the LogManager under its lock; the parallel opening puts each log into the
 * manager's concurrent map from its worker thread.
 */
final class LogOpener {

    private final LogDirs dirs;
    private final LogDirFailures failures;
    private final InstantSource clock;
    private final PartitionLog.Flusher flusher;
    private final int recoveryThreadsPerDir;

    LogOpener(
            final LogDirs dirs,
            final LogDirFailures failures,
            final InstantSource clock,
            final PartitionLog.Flusher flusher,
            final int recoveryThreadsPerDir) {
        this.dirs = dirs;
        this.failures = failures;
        this.clock = clock;
        this.flusher = flusher;
        this.recoveryThreadsPerDir = recoveryThreadsPerDir;
    }

    /**
     * Opens or creates the log of {@code tp}, which is not open yet, as
     * {@link LogManager#getOrCreate(TopicPartition, LogConfig, boolean)} describes.
     */
    PartitionLog openOrCreate(final TopicPartition tp, final LogConfig config, final boolean isNew) throws IOException {
        final Path onDisk = dirs.partitionDir(tp);
        if (onDisk != null) {
            final LogDir dir = dirs.dirOf(onDisk);
            if (dir.isOffline()) {
                throw new KafkaStorageException(
                        "Cannot open the log of " + tp + ": log directory " + dir.path() + " is offline");
            }
            return openFromDisk(tp, onDisk, dir, config);
        }
        final List<Path> offline = dirs.offlineDirs();
        if (!isNew && !offline.isEmpty()) {
            throw new KafkaStorageException(
                    "Cannot create the log of " + tp + " because log directories " + offline + " are offline");
        }
        final LogDir dir = dirs.leastLoaded();
        if (dir == null) {
            throw new KafkaStorageException("Cannot create the log of " + tp + ": every log directory is offline");
        }
        final Path path = dir.path().resolve(tp.topic() + "-" + tp.partition());
        final PartitionLog log = PartitionLog.open(tp, path, config, clock, 0L, 0L, true, failures, flusher);
        dirs.added(tp, path);
        return log;
    }

    /** See {@link LogManager#openAll}; each log opened is put into {@code logs}. */
    Map<TopicPartition, CompletableFuture<PartitionLog>> openAll(
            final Map<TopicPartition, LogConfig> configs, final Map<TopicPartition, PartitionLog> logs) {
        final Map<TopicPartition, CompletableFuture<PartitionLog>> failed = new HashMap<>();
        final Map<TopicPartition, Path> toOpen = new HashMap<>();
        configs.forEach((tp, config) -> {
            final Path onDisk = dirs.partitionDir(tp);
            if (onDisk == null || logs.containsKey(tp)) {
                return;
            }
            if (failures.isOffline(onDisk.getParent())) {
                failed.put(
                        tp,
                        CompletableFuture.failedFuture(new KafkaStorageException("Cannot open the log of " + tp
                                + ": log directory " + onDisk.getParent() + " is offline")));
            } else {
                toOpen.put(tp, onDisk);
            }
        });
        final Map<TopicPartition, CompletableFuture<PartitionLog>> opened =
                LogDirWorkers.runAll(LogManager.RECOVERY_THREAD_PREFIX, recoveryThreadsPerDir, parents(toOpen), tp -> {
                    final Path onDisk = toOpen.get(tp);
                    final PartitionLog log = openFromDisk(tp, onDisk, dirs.dirOf(onDisk), configs.get(tp));
                    logs.put(tp, log);
                    return log;
                });
        opened.putAll(failed);
        return opened;
    }

    private static Map<TopicPartition, Path> parents(final Map<TopicPartition, Path> partitionDirs) {
        final Map<TopicPartition, Path> parents = new HashMap<>();
        partitionDirs.forEach((tp, dir) -> parents.put(tp, dir.getParent()));
        return parents;
    }

    /** Opens a log found on disk, recovering it if its directory was not shut down cleanly. */
    private PartitionLog openFromDisk(
            final TopicPartition tp, final Path onDisk, final LogDir dir, final LogConfig config) throws IOException {
        final PartitionLog log = PartitionLog.open(
                tp,
                onDisk,
                config,
                clock,
                dir.logStartOffsetAtOpen(tp),
                dir.recoveryPointAtOpen(tp),
                dir.cleanAtOpen(),
                failures,
                flusher);
        final Long cleanedUpTo = dir.cleanerOffsetAtOpen(tp);
        if (cleanedUpTo != null) {
            log.cleaning().restoreFirstDirtyOffset(cleanedUpTo);
        }
        return log;
    }
}
