package io.runnel.storage;

import io.runnel.storage.log.OffsetCheckpointFile;
import io.runnel.storage.log.StorageIo;
import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The configured log directories of the {@link LogManager} taken together: which partition directory is in which
 * of them, where a new partition goes (the online directory with the fewest), what DescribeLogDirs reports of each,
 * and the writes that go to every directory at once (checkpoints, and the clean-shutdown markers at close), each
 * directory on its own so that one failed directory does not keep the others from theirs.
 *
 * <p>Thread safety: the partition directories are a concurrent map, read without a lock; the LogManager serialises
 * the changes and the writes.
 */
final class LogDirs {

    private static final Logger LOG = LoggerFactory.getLogger(LogDirs.class);

    private final List<LogDir> dirs;
    /** Partition directories on disk: found at open or created since, minus deleted ones. */
    private final Map<TopicPartition, Path> partitionDirs = new ConcurrentHashMap<>();

    private LogDirs(final List<LogDir> dirs, final Map<TopicPartition, Path> found) {
        this.dirs = dirs;
        this.partitionDirs.putAll(found);
    }

    /**
     * Opens the log directories (creating missing ones). A directory that cannot be opened is put in
     * {@code unusable}, for the caller to report offline once it can be told.
     *
     * @throws IOException when no directory can be opened, or a partition has directories in two of them
     */
    static LogDirs open(final List<Path> paths, final LogDirFailures failures, final Map<Path, IOException> unusable)
            throws IOException {
        final List<LogDir> dirs = new ArrayList<>();
        final Map<TopicPartition, Path> found = new HashMap<>();
        for (final Path configured : paths) {
            final Path path = configured.toAbsolutePath().normalize();
            final Map<TopicPartition, Path> partitions = new HashMap<>();
            try {
                dirs.add(LogDir.open(path, failures, partitions));
            } catch (final IOException e) {
                // reported (and logged) once the manager exists
                dirs.add(LogDir.unusable(path, failures));
                unusable.put(path, e);
                continue;
            }
            for (final Map.Entry<TopicPartition, Path> e : partitions.entrySet()) {
                final Path previous = found.putIfAbsent(e.getKey(), e.getValue());
                if (previous != null) {
                    throw new IOException(
                            "Partition " + e.getKey() + " has two directories: " + previous + " and " + e.getValue());
                }
            }
        }
        if (unusable.size() == dirs.size()) {
            final IOException none =
                    new IOException("None of the log directories " + unusable.keySet() + " can be opened");
            unusable.values().forEach(none::addSuppressed);
            throw none;
        }
        return new LogDirs(dirs, found);
    }

    int count() {
        return dirs.size();
    }

    /** The directory of {@code tp} on disk, or null when it has none. */
    Path partitionDir(final TopicPartition tp) {
        return partitionDirs.get(tp);
    }

    Set<TopicPartition> partitions() {
        return Set.copyOf(partitionDirs.keySet());
    }

    void added(final TopicPartition tp, final Path partitionDir) {
        partitionDirs.put(tp, partitionDir);
    }

    /**
     * Forgets the directory of {@code tp} and deletes it (its log closed): renamed to
     * {@code <topic>-<partition>.<uuid>-delete} first, so that a crash half way leaves a name the next open removes.
     * The directory of a partition in an offline log directory is left for the next start to delete as a stray.
     */
    void delete(final TopicPartition tp) {
        final Path dir = partitionDirs.remove(tp);
        if (dir == null) {
            return;
        }
        if (dirOf(dir).isOffline()) {
            // the next start, if the directory is readable again, deletes it as a stray
            LOG.warn("Not deleting {}: its log directory is offline", dir);
            return;
        }
        StorageIo.run("deleting " + dir, () -> {
            final String uuid = UUID.randomUUID().toString().replace("-", "");
            final Path renamed = dir.resolveSibling(tp.topic() + "-" + tp.partition() + "." + uuid + "-delete");
            Files.move(dir, renamed, StandardCopyOption.ATOMIC_MOVE);
            OffsetCheckpointFile.fsyncDirectory(dir.getParent());
            LogDir.deleteRecursively(renamed);
        });
    }

    /** The log directory that holds {@code partitionDir}. */
    LogDir dirOf(final Path partitionDir) {
        for (final LogDir dir : dirs) {
            if (dir.holds(partitionDir)) {
                return dir;
            }
        }
        throw new IllegalStateException(partitionDir + " is in no log directory");
    }

    /** The configured log directories that are offline, in configuration order. */
    List<Path> offlineDirs() {
        final List<Path> offline = new ArrayList<>();
        for (final LogDir dir : dirs) {
            if (dir.isOffline()) {
                offline.add(dir.path());
            }
        }
        return offline;
    }

    /** The online directory with the fewest partitions, or null when every directory is offline. */
    LogDir leastLoaded() {
        LogDir best = null;
        int bestCount = Integer.MAX_VALUE;
        for (final LogDir dir : dirs) {
            if (dir.isOffline()) {
                continue;
            }
            int count = 0;
            for (final Path p : partitionDirs.values()) {
                if (dir.holds(p)) {
                    count++;
                }
            }
            if (count < bestCount) {
                best = dir;
                bestCount = count;
            }
        }
        return best;
    }

    /** See {@link LogManager#describeLogDirs}. */
    List<LogDirDescription> describe(final Collection<PartitionLog> logs) {
        final List<LogDirDescription> result = new ArrayList<>();
        for (final LogDir dir : dirs) {
            final IOException failure = dir.failure();
            if (failure != null) {
                result.add(new LogDirDescription(dir.path(), failure, -1, -1, List.of()));
                continue;
            }
            long total = -1;
            long usable = -1;
            try {
                final FileStore store = Files.getFileStore(dir.path());
                total = spaceOf(store.getTotalSpace());
                usable = spaceOf(store.getUsableSpace());
            } catch (final IOException e) {
                LOG.warn("Cannot read the space of log directory {}", dir.path(), e);
            }
            final List<PartitionLog> inDir = new ArrayList<>();
            for (final PartitionLog log : logs) {
                if (dir.holds(log.dir())) {
                    inDir.add(log);
                }
            }
            result.add(new LogDirDescription(dir.path(), null, total, usable, inDir));
        }
        return result;
    }

    /** Java reports a negative size for file systems over 8 EiB (JDK-8162520), as Kafka notes too. */
    private static long spaceOf(final long bytes) {
        return bytes < 0 ? Long.MAX_VALUE : bytes;
    }

    /** One of {@link LogDir}'s checkpoint writes. */
    @FunctionalInterface
    interface CheckpointWrite {
        void write(LogDir dir, Map<TopicPartition, Path> partitionDirs, Map<TopicPartition, PartitionLog> logs);
    }

    /** Writes a checkpoint of the open logs to every directory, stopping at the first that fails. */
    void writeAll(final CheckpointWrite write, final Map<TopicPartition, PartitionLog> logs) {
        for (final LogDir dir : dirs) {
            write.write(dir, partitionDirs, logs);
        }
    }

    /**
     * Writes a checkpoint of the open logs to each directory on its own: a failure is logged, and the other
     * directories still get theirs; the next pass or close tries again (a lost cleaner checkpoint only costs a fuller
     * cleaning).
     */
    void writeEach(final CheckpointWrite write, final Map<TopicPartition, PartitionLog> logs) {
        for (final LogDir dir : dirs) {
            try {
                write.write(dir, partitionDirs, logs);
            } catch (final KafkaStorageException e) {
                // logged where it was met
            }
        }
    }

    /**
     * At close, once every log is closed: the checkpoints of each online directory, then its clean-shutdown marker
     * if all its logs are consistent (each partition in it was opened, and so recovered, or deleted during the run,
     * and none went offline).
     *
     * @return the first failure, after every directory had its turn; null when there was none
     */
    KafkaStorageException writeAtClose(final Map<TopicPartition, PartitionLog> logs) {
        KafkaStorageException failure = null;
        for (final LogDir dir : dirs) {
            if (dir.isOffline()) {
                LOG.warn("Not marking {} clean: it is offline after a disk error", dir.path());
                continue;
            }
            try {
                dir.writeRecoveryPoints(partitionDirs, logs);
                dir.writeLogStartOffsets(partitionDirs, logs);
                dir.writeCleanerOffsets(partitionDirs, logs);
                boolean allConsistent = dir.cleanAtOpen();
                if (!allConsistent) {
                    allConsistent = true;
                    for (final Map.Entry<TopicPartition, Path> e : partitionDirs.entrySet()) {
                        if (dir.holds(e.getValue()) && !logs.containsKey(e.getKey())) {
                            allConsistent = false;
                        }
                    }
                }
                for (final PartitionLog log : logs.values()) {
                    if (dir.holds(log.dir()) && log.isOffline()) {
                        allConsistent = false;
                    }
                }
                if (allConsistent) {
                    dir.writeCleanShutdownMarker();
                } else {
                    LOG.warn("Not marking {} clean: it holds partitions that were not recovered", dir.path());
                }
            } catch (final KafkaStorageException e) {
                failure = failure == null ? e : failure;
            }
        }
        return failure;
    }
}
