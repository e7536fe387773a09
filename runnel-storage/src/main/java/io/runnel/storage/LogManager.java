package io.runnel.storage;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToLongFunction;
import java.util.regex.Pattern;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.runnel.storage.log.OffsetCheckpointFile;
import io.runnel.storage.log.StorageIo;

/**
 * All partition logs of this broker, spread over one or more log directories.
 *
 * <p>Layout of each log directory:
 * <pre>
 *   .runnel_cleanshutdown              present only between a clean close and the next open
 *   recovery-point-offset-checkpoint   where recovery starts, see {@link OffsetCheckpointFile}
 *   log-start-offset-checkpoint        the first offset of each log, written after retention deleted segments
 *   cleaner-offset-checkpoint          where each compacted log's dirty part starts, written after the cleaner ran
 *   &lt;topic&gt;-&lt;partition&gt;/              one per partition, see {@link PartitionLog}
 *   &lt;topic&gt;-&lt;partition&gt;.&lt;uuid hex&gt;-delete/   a partition being deleted (removed again at open)
 * </pre>
 * Open reads and deletes the clean-shutdown marker: if it was missing, logs in that directory are recovered from
 * their recovery point when first opened. A directory is only marked clean again at close if every partition in
 * it was opened (and so recovered) or deleted during the run.
 *
 * <p>Retention runs on its own thread ({@link LogRetention}) every {@code log.retention.check.interval.ms}, the
 * cleaner of compacted logs on another ({@link LogCleaner}) every {@code log.cleaner.backoff.ms}.
 *
 * <p>Thread safety: {@link #get} is lock-free; creation, deletion, checkpoints and close are serialised on this
 * object.
 */
public final class LogManager implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LogManager.class);

    public static final String CLEAN_SHUTDOWN_FILE = ".runnel_cleanshutdown";
    /** Kafka's default {@code log.retention.check.interval.ms}. */
    public static final long DEFAULT_RETENTION_CHECK_INTERVAL_MS = 300_000L;
    private static final Pattern DELETED_DIR = Pattern.compile("^.+-\\d+\\.[0-9a-f]{32}-delete$");
    private static final Pattern PARTITION_DIR = Pattern.compile("^(.+)-(\\d+)$");

    private static final class LogDir {
        final Path path;
        final boolean cleanAtOpen;
        final Map<TopicPartition, Long> checkpointAtOpen;
        final Map<TopicPartition, Long> logStartAtOpen;
        final Map<TopicPartition, Long> cleanerAtOpen;

        LogDir(final Path path, final boolean cleanAtOpen, final Map<TopicPartition, Long> checkpointAtOpen,
               final Map<TopicPartition, Long> logStartAtOpen, final Map<TopicPartition, Long> cleanerAtOpen) {
            this.path = path;
            this.cleanAtOpen = cleanAtOpen;
            this.checkpointAtOpen = checkpointAtOpen;
            this.logStartAtOpen = logStartAtOpen;
            this.cleanerAtOpen = cleanerAtOpen;
        }
    }

    private final List<LogDir> logDirs;
    private final InstantSource clock;
    private final Map<TopicPartition, Path> partitionDirs = new ConcurrentHashMap<>();
    private final Map<TopicPartition, PartitionLog> logs = new ConcurrentHashMap<>();
    private final LogRetention retention;
    private final LogCleaner cleaner;
    private boolean closed;

    private LogManager(final List<LogDir> logDirs, final InstantSource clock, final long retentionCheckIntervalMs,
                       final CleanerConfig cleanerConfig) {
        this.logDirs = logDirs;
        this.clock = clock;
        this.retention = new LogRetention(() -> List.copyOf(logs.values()), clock, retentionCheckIntervalMs,
                this::checkpointLogStartOffsets);
        this.cleaner = new LogCleaner(() -> List.copyOf(logs.values()), clock, cleanerConfig,
                this::checkpointCleanerOffsets);
    }

    /** {@link #open(List, InstantSource, long)} with Kafka's retention check interval. */
    public static LogManager open(final List<Path> logDirs, final InstantSource clock) throws IOException {
        return open(logDirs, clock, DEFAULT_RETENTION_CHECK_INTERVAL_MS);
    }

    /**
     * Opens the log directories (creating missing ones) and starts the retention thread, which first runs
     * {@code retentionCheckIntervalMs} from now. Startup IO errors are thrown as they are.
     */
    public static LogManager open(final List<Path> logDirs, final InstantSource clock,
                                  final long retentionCheckIntervalMs) throws IOException {
        return open(logDirs, clock, retentionCheckIntervalMs, CleanerConfig.defaults());
    }

    /**
     * Opens the log directories and starts the retention thread and the log cleaner, which checks the compacted
     * logs every {@code cleanerBackoffMs} ({@code log.cleaner.backoff.ms}).
     */
    public static LogManager open(final List<Path> logDirs, final InstantSource clock,
                                  final long retentionCheckIntervalMs, final long cleanerBackoffMs) throws IOException {
        return open(logDirs, clock, retentionCheckIntervalMs, CleanerConfig.defaults().withBackoffMs(cleanerBackoffMs));
    }

    /**
     * Opens the log directories and starts the retention thread and the log cleaner with {@code cleanerConfig}
     * ({@code log.cleaner.backoff.ms}, {@code log.cleaner.dedupe.buffer.size}, {@code log.cleaner.io.buffer.load.factor}).
     */
    public static LogManager open(final List<Path> logDirs, final InstantSource clock,
                                  final long retentionCheckIntervalMs, final CleanerConfig cleanerConfig)
            throws IOException {
        if (logDirs.isEmpty()) {
            throw new IllegalArgumentException("at least one log directory is needed");
        }
        final List<LogDir> dirs = new ArrayList<>();
        final Map<TopicPartition, Path> found = new HashMap<>();
        for (final Path configured : logDirs) {
            final Path path = configured.toAbsolutePath().normalize();
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
            dirs.add(new LogDir(path, clean, OffsetCheckpointFile.read(path, OffsetCheckpointFile.RECOVERY_POINT),
                    OffsetCheckpointFile.read(path, OffsetCheckpointFile.LOG_START_OFFSET),
                    OffsetCheckpointFile.read(path, OffsetCheckpointFile.CLEANER_OFFSET)));
            try (DirectoryStream<Path> children = Files.newDirectoryStream(path, Files::isDirectory)) {
                for (final Path child : children) {
                    final String name = child.getFileName().toString();
                    if (DELETED_DIR.matcher(name).matches()) {
                        LOG.info("Removing leftover of a deleted partition {}", child);
                        deleteRecursively(child);
                        continue;
                    }
                    final TopicPartition tp = parsePartitionDir(name);
                    if (tp == null) {
                        continue;
                    }
                    final Path previous = found.putIfAbsent(tp, child);
                    if (previous != null) {
                        throw new IOException("Partition " + tp + " has two directories: " + previous + " and " + child);
                    }
                }
            }
        }
        final LogManager manager = new LogManager(dirs, clock, retentionCheckIntervalMs, cleanerConfig);
        manager.partitionDirs.putAll(found);
        return manager;
    }

    static TopicPartition parsePartitionDir(final String name) {
        final java.util.regex.Matcher m = PARTITION_DIR.matcher(name);
        if (!m.matches()) {
            return null;
        }
        try {
            return new TopicPartition(m.group(1), Integer.parseInt(m.group(2)));
        } catch (final NumberFormatException e) {
            return null;
        }
    }

    /** Partition directories currently on disk (found at open or created since, minus deleted ones). */
    public Set<TopicPartition> partitionsOnDisk() {
        return Set.copyOf(partitionDirs.keySet());
    }

    public Optional<PartitionLog> get(final TopicPartition tp) {
        return Optional.ofNullable(logs.get(tp));
    }

    /**
     * The log of {@code tp}: already open, opened from disk (recovering it if its directory was not shut down
     * cleanly), or created in the log directory that holds the fewest partitions.
     */
    public synchronized PartitionLog getOrCreate(final TopicPartition tp, final LogConfig config) throws IOException {
        if (closed) {
            throw new KafkaStorageException("LogManager is closed");
        }
        final PartitionLog existing = logs.get(tp);
        if (existing != null) {
            return existing;
        }
        final Path onDisk = partitionDirs.get(tp);
        final PartitionLog log;
        if (onDisk != null) {
            final LogDir dir = logDirOf(onDisk);
            log = PartitionLog.open(tp, onDisk, config, clock, dir.logStartAtOpen.getOrDefault(tp, 0L),
                    dir.checkpointAtOpen.getOrDefault(tp, 0L), dir.cleanAtOpen);
            final Long cleanedUpTo = dir.cleanerAtOpen.get(tp);
            if (cleanedUpTo != null) {
                log.restoreFirstDirtyOffset(cleanedUpTo);
            }
        } else {
            final LogDir dir = leastLoaded();
            final Path path = dir.path.resolve(tp.topic() + "-" + tp.partition());
            log = PartitionLog.open(tp, path, config, clock, 0L, 0L, true);
            partitionDirs.put(tp, path);
        }
        logs.put(tp, log);
        return log;
    }

    private LogDir leastLoaded() {
        LogDir best = null;
        int bestCount = Integer.MAX_VALUE;
        for (final LogDir dir : logDirs) {
            int count = 0;
            for (final Path p : partitionDirs.values()) {
                if (p.getParent().equals(dir.path)) {
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

    private LogDir logDirOf(final Path partitionDir) {
        for (final LogDir dir : logDirs) {
            if (partitionDir.getParent().equals(dir.path)) {
                return dir;
            }
        }
        throw new IllegalStateException(partitionDir + " is in no log directory");
    }

    /** Closes the log (if open), renames its directory to {@code <topic>-<partition>.<uuid>-delete} and deletes it. */
    public synchronized void delete(final TopicPartition tp) throws IOException {
        final PartitionLog log = logs.remove(tp);
        if (log != null) {
            log.closeForDelete();
        }
        final Path dir = partitionDirs.remove(tp);
        if (dir == null) {
            return;
        }
        StorageIo.run("deleting " + dir, () -> {
            final String uuid = UUID.randomUUID().toString().replace("-", "");
            final Path renamed = dir.resolveSibling(tp.topic() + "-" + tp.partition() + "." + uuid + "-delete");
            Files.move(dir, renamed, StandardCopyOption.ATOMIC_MOVE);
            OffsetCheckpointFile.fsyncDirectory(dir.getParent());
            deleteRecursively(renamed);
        });
    }

    private static void deleteRecursively(final Path root) throws IOException {
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

    /**
     * One retention pass over every open log now (the retention thread runs one every check interval).
     *
     * @return the number of segments removed from their logs
     */
    public int deleteOldSegments() {
        return retention.runOnce();
    }

    /**
     * One cleaner pass over every compacted log now (the cleaner thread runs one every {@code log.cleaner.backoff.ms}).
     *
     * @return the number of segments replaced by cleaned copies
     */
    public int cleanLogs() {
        return cleaner.runOnce();
    }

    /** Segments removed by retention whose files wait out {@code file.delete.delay.ms}. */
    public int pendingSegmentDeletions() {
        return retention.pendingDeletions();
    }

    /**
     * Where each open compacted log's dirty part starts (after every cleaner pass that cleaned a log, and at
     * close); partitions on disk that were never opened keep their old value, logs that are not compacted have none.
     */
    public synchronized void checkpointCleanerOffsets() {
        if (closed) {
            return;
        }
        for (final LogDir dir : logDirs) {
            try {
                writeCleanerOffsets(dir);
            } catch (final KafkaStorageException e) {
                // logged; the next pass or close tries again, and a lost checkpoint only costs a fuller cleaning
            }
        }
    }

    /** Recovery points of the open logs; partitions on disk that were never opened keep their old value. */
    public synchronized void checkpointRecoveryPoints() {
        for (final LogDir dir : logDirs) {
            writeRecoveryPoints(dir);
        }
    }

    /**
     * Writes the log start offset checkpoints on the retention thread, off the caller's (a network thread's)
     * back; completes once they are on disk, or exceptionally if they could not be written.
     */
    public CompletableFuture<Void> checkpointLogStartOffsetsLater() {
        return retention.runLater(this::checkpointLogStartOffsets);
    }

    /** Log start offsets of the open logs; partitions on disk that were never opened keep their old value. */
    public synchronized void checkpointLogStartOffsets() {
        if (closed) {
            return;
        }
        for (final LogDir dir : logDirs) {
            try {
                writeLogStartOffsets(dir);
            } catch (final KafkaStorageException e) {
                // logged; the other directories still get theirs, and the next pass or close tries again
            }
        }
    }

    private void writeRecoveryPoints(final LogDir dir) {
        writeCheckpoint(dir, OffsetCheckpointFile.RECOVERY_POINT, dir.checkpointAtOpen, PartitionLog::recoveryPoint);
    }

    private void writeLogStartOffsets(final LogDir dir) {
        writeCheckpoint(dir, OffsetCheckpointFile.LOG_START_OFFSET, dir.logStartAtOpen, PartitionLog::logStartOffset);
    }

    private void writeCleanerOffsets(final LogDir dir) {
        writeCheckpoint(dir, OffsetCheckpointFile.CLEANER_OFFSET, dir.cleanerAtOpen,
                log -> log.config().compacted() ? log.firstDirtyOffset() : -1);
    }

    /** {@code offsetOf} answers -1 for a log that has no entry in this checkpoint. */
    private void writeCheckpoint(final LogDir dir, final String fileName, final Map<TopicPartition, Long> atOpen,
                                 final ToLongFunction<PartitionLog> offsetOf) {
        final Map<TopicPartition, Long> offsets = new HashMap<>();
        partitionDirs.forEach((tp, path) -> {
            if (!path.getParent().equals(dir.path)) {
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
        StorageIo.run("writing " + fileName + " of " + dir.path,
                () -> OffsetCheckpointFile.write(dir.path, fileName, offsets));
    }

    /**
     * Stops the retention and cleaner threads (deleting the segments they retired), closes every log (flush, index trim,
     * producer snapshot), writes the checkpoints, then the clean-shutdown marker of each directory whose logs are
     * all consistent.
     */
    @Override
    public void close() {
        // outside this object's lock: a running pass may be waiting for it to write its checkpoint
        retention.close();
        cleaner.close();
        closeLogs();
    }

    private synchronized void closeLogs() {
        if (closed) {
            return;
        }
        closed = true;
        KafkaStorageException failure = null;
        final Set<Path> failedDirs = new HashSet<>();
        for (final PartitionLog log : logs.values()) {
            try {
                log.close();
            } catch (final KafkaStorageException e) {
                failedDirs.add(log.dir().getParent());
                failure = failure == null ? e : failure;
            }
        }
        for (final LogDir dir : logDirs) {
            if (failedDirs.contains(dir.path)) {
                continue;
            }
            try {
                writeRecoveryPoints(dir);
                writeLogStartOffsets(dir);
                writeCleanerOffsets(dir);
                boolean allConsistent = dir.cleanAtOpen;
                if (!allConsistent) {
                    allConsistent = true;
                    for (final Map.Entry<TopicPartition, Path> e : partitionDirs.entrySet()) {
                        if (e.getValue().getParent().equals(dir.path) && !logs.containsKey(e.getKey())) {
                            allConsistent = false;
                        }
                    }
                }
                for (final PartitionLog log : logs.values()) {
                    if (log.dir().getParent().equals(dir.path) && log.isOffline()) {
                        allConsistent = false;
                    }
                }
                if (allConsistent) {
                    StorageIo.run("writing the clean shutdown marker of " + dir.path,
                            () -> OffsetCheckpointFile.writeAtomically(dir.path.resolve(CLEAN_SHUTDOWN_FILE), new byte[0]));
                } else {
                    LOG.warn("Not marking {} clean: it holds partitions that were not recovered", dir.path);
                }
            } catch (final KafkaStorageException e) {
                failure = failure == null ? e : failure;
            }
        }
        logs.clear();
        if (failure != null) {
            throw failure;
        }
    }

    private static boolean isEmpty(final Path dir) throws IOException {
        try (var entries = Files.list(dir)) {
            return entries.findAny().isEmpty();
        }
    }
}
