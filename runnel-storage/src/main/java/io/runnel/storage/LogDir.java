package io.runnel.storage;

import io.runnel.storage.log.OffsetCheckpointFile;
import io.runnel.storage.log.StorageIo;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashMap;
import java.util.Map;
import java.util.function.ToLongFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One log directory of the {@link LogManager}: its clean-shutdown marker, its three checkpoint files and whether it
 * is offline (in {@link LogDirFailures}). The layout is the LogManager's class doc; the checkpoints are
 * {@link OffsetCheckpointFile}s.
 *
 * <p>Opening takes the clean-shutdown marker away (a crash from then on leaves the directory unclean), reads the
 * checkpoints, removes the leftovers of partitions being deleted and finds the partition directories. Writes of an
 * offline directory are skipped; a failed write takes the directory offline.
 *
 * <p>Thread safety: immutable after open but for the failure state, which {@link LogDirFailures} keeps; the
 * LogManager serialises the writes.
 */
final class LogDir {

    private static final Logger LOG = LoggerFactory.getLogger(LogDir.class);

    static final String CLEAN_SHUTDOWN_FILE = ".runnel_cleanshutdown";
    private static final Pattern DELETED_DIR = Pattern.compile("^.+-\\d+\\.[0-9a-f]{32}-delete$");
    private static final Pattern PARTITION_DIR = Pattern.compile("^(.+)-(\\d+)$");

    private final Path path;
    private final LogDirFailures failures;
    private final boolean cleanAtOpen;
    private final Map<TopicPartition, Long> recoveryPointsAtOpen;
    private final Map<TopicPartition, Long> logStartOffsetsAtOpen;
    private final Map<TopicPartition, Long> cleanerOffsetsAtOpen;

    private LogDir(
            final Path path,
            final LogDirFailures failures,
            final boolean cleanAtOpen,
            final Map<TopicPartition, Long> recoveryPointsAtOpen,
            final Map<TopicPartition, Long> logStartOffsetsAtOpen,
            final Map<TopicPartition, Long> cleanerOffsetsAtOpen) {
        this.path = path;
        this.failures = failures;
        this.cleanAtOpen = cleanAtOpen;
        this.recoveryPointsAtOpen = recoveryPointsAtOpen;
        this.logStartOffsetsAtOpen = logStartOffsetsAtOpen;
        this.cleanerOffsetsAtOpen = cleanerOffsetsAtOpen;
    }

    /**
     * Takes the clean-shutdown marker, reads the checkpoints, clears leftovers and puts the partitions found in
     * {@code partitions}.
     */
    static LogDir open(final Path path, final LogDirFailures failures, final Map<TopicPartition, Path> partitions)
            throws IOException {
        final boolean fresh = !Files.exists(path) || isEmpty(path);
        Files.createDirectories(path);
        final Path marker = path.resolve(CLEAN_SHUTDOWN_FILE);
        // a directory with nothing in it has nothing to recover
        final boolean clean = fresh || Files.exists(marker);
        if (Files.exists(marker)) {
            Files.delete(marker);
            OffsetCheckpointFile.fsyncDirectory(path);
        } else if (!clean) {
            LOG.info("Log directory {} was not shut down cleanly; its logs will be recovered", path);
        }
        final LogDir dir = new LogDir(
                path,
                failures,
                clean,
                OffsetCheckpointFile.read(path, OffsetCheckpointFile.RECOVERY_POINT),
                OffsetCheckpointFile.read(path, OffsetCheckpointFile.LOG_START_OFFSET),
                OffsetCheckpointFile.read(path, OffsetCheckpointFile.CLEANER_OFFSET));
        try (DirectoryStream<Path> children = Files.newDirectoryStream(path, Files::isDirectory)) {
            for (final Path child : children) {
                final String name = child.getFileName().toString();
                if (DELETED_DIR.matcher(name).matches()) {
                    LOG.info("Removing leftover of a deleted partition {}", child);
                    deleteRecursively(child);
                    continue;
                }
                final TopicPartition tp = parsePartitionDir(name);
                if (tp != null) {
                    partitions.put(tp, child);
                }
            }
        }
        return dir;
    }

    /** A directory that could not be opened: it holds nothing this run, and is reported offline. */
    static LogDir unusable(final Path path, final LogDirFailures failures) {
        return new LogDir(path, failures, false, Map.of(), Map.of(), Map.of());
    }

    static TopicPartition parsePartitionDir(final String name) {
        if (name.equals(LogManager.METADATA_QUORUM_DIR)) {
            return null;
        }
        final Matcher m = PARTITION_DIR.matcher(name);
        if (!m.matches()) {
            return null;
        }
        try {
            return new TopicPartition(m.group(1), Integer.parseInt(m.group(2)));
        } catch (final NumberFormatException e) {
            return null;
        }
    }

    Path path() {
        return path;
    }

    boolean isOffline() {
        return failures.isOffline(path);
    }

    /** The error that took this directory offline, or null while it is online. */
    IOException failure() {
        return failures.failure(path);
    }

    /** Whether {@code partitionDir} is a partition directory of this log directory. */
    boolean holds(final Path partitionDir) {
        return partitionDir.getParent().equals(path);
    }

    /** Whether the marker was there at open: the logs need no recovery. */
    boolean cleanAtOpen() {
        return cleanAtOpen;
    }

    long recoveryPointAtOpen(final TopicPartition tp) {
        return recoveryPointsAtOpen.getOrDefault(tp, 0L);
    }

    long logStartOffsetAtOpen(final TopicPartition tp) {
        return logStartOffsetsAtOpen.getOrDefault(tp, 0L);
    }

    /** Where the cleaner had got to in {@code tp} at open, or null when it never cleaned it. */
    Long cleanerOffsetAtOpen(final TopicPartition tp) {
        return cleanerOffsetsAtOpen.get(tp);
    }

    /**
     * Writes the recovery points of the open logs of this directory; partitions on disk that were never opened keep
     * their old value.
     */
    void writeRecoveryPoints(
            final Map<TopicPartition, Path> partitionDirs, final Map<TopicPartition, PartitionLog> logs) {
        writeCheckpoint(
                OffsetCheckpointFile.RECOVERY_POINT,
                recoveryPointsAtOpen,
                partitionDirs,
                logs,
                PartitionLog::recoveryPoint);
    }

    /** Writes the log start offsets, as {@link #writeRecoveryPoints} does the recovery points. */
    void writeLogStartOffsets(
            final Map<TopicPartition, Path> partitionDirs, final Map<TopicPartition, PartitionLog> logs) {
        writeCheckpoint(
                OffsetCheckpointFile.LOG_START_OFFSET,
                logStartOffsetsAtOpen,
                partitionDirs,
                logs,
                PartitionLog::logStartOffset);
    }

    /** Writes where the dirty part of each compacted log starts; logs that are not compacted have no entry. */
    void writeCleanerOffsets(
            final Map<TopicPartition, Path> partitionDirs, final Map<TopicPartition, PartitionLog> logs) {
        writeCheckpoint(
                OffsetCheckpointFile.CLEANER_OFFSET,
                cleanerOffsetsAtOpen,
                partitionDirs,
                logs,
                log -> log.config().compacted() ? log.cleaning().firstDirtyOffset() : -1);
    }

    /** {@code offsetOf} answers -1 for a log that has no entry in this checkpoint. */
    private void writeCheckpoint(
            final String fileName,
            final Map<TopicPartition, Long> atOpen,
            final Map<TopicPartition, Path> partitionDirs,
            final Map<TopicPartition, PartitionLog> logs,
            final ToLongFunction<PartitionLog> offsetOf) {
        if (isOffline()) {
            return;
        }
        final Map<TopicPartition, Long> offsets = new HashMap<>();
        partitionDirs.forEach((tp, partitionDir) -> {
            if (!holds(partitionDir)) {
                return;
            }
            final PartitionLog log = logs.get(tp);
            if (log != null) {
                final long offset = offsetOf.applyAsLong(log);
                if (offset >= 0) {
                    offsets.put(tp, offset);
                }
            } else if (atOpen.containsKey(tp)) {
                offsets.put(tp, atOpen.get(tp));
            }
        });
        StorageIo.run(
                "writing " + fileName + " of " + path,
                () -> OffsetCheckpointFile.write(path, fileName, offsets),
                this::reportFailure);
    }

    /** Marks the directory clean for the next open, once every log in it is closed and consistent. */
    void writeCleanShutdownMarker() {
        StorageIo.run(
                "writing the clean shutdown marker of " + path,
                () -> OffsetCheckpointFile.writeAtomically(path.resolve(CLEAN_SHUTDOWN_FILE), new byte[0]),
                this::reportFailure);
    }

    private void reportFailure(final IOException cause) {
        failures.report(path, cause);
    }

    static void deleteRecursively(final Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(final Path file, final BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(final Path dir, final IOException exc) throws IOException {
                if (exc != null) {
                    throw exc;
                }
                Files.delete(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    private static boolean isEmpty(final Path dir) throws IOException {
        try (var entries = Files.list(dir)) {
            return entries.findAny().isEmpty();
        }
    }

    @Override
    public String toString() {
        return path.toString();
    }
}
