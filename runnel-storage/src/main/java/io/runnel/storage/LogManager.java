package io.runnel.storage;

import io.runnel.storage.cleaner.CleanerConfig;
import io.runnel.storage.cleaner.LogCleaner;
import io.runnel.storage.flush.LogFlusher;
import io.runnel.storage.log.OffsetCheckpointFile;
import io.runnel.storage.retention.LogRetention;
import java.io.IOException;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
 * Each directory is a {@link LogDir}, which owns its marker, checkpoints and failure state; {@link LogDirs} keeps
 * them together with the partition directories in each, and {@link LogOpener} opens and places the logs. Open reads
 * and deletes the clean-shutdown marker: if it was missing, logs in that directory are recovered from their recovery
 * point when first opened. A directory is only marked clean again at close if every partition in it was opened (and
 * so recovered) or deleted during the run.
 *
 * <p>Disk errors are isolated per directory ({@link LogDirFailures}, Kafka's KIP-112 model): a directory that
 * cannot be opened at start, or whose files or logs meet any IO error later, is offline until restart. Its logs
 * stop (no writes, no reads, closed without writing at close), no partition is placed in it, and its checkpoints
 * and clean-shutdown marker are not written again; the other directories go on. Only when no directory can be
 * opened does {@link #open} fail. When every directory has failed at run time, the broker stays up and every
 * partition answers KAFKA_STORAGE_ERROR (Kafka halts instead, so that its partitions move to other brokers; a single
 * node has nowhere to move them, and staying up keeps DescribeLogDirs and Metadata saying what failed). The files of
 * a failed directory's logs are closed by the {@link LogDirFailureHandler}.
 *
 * <p>Retention runs on its own thread ({@link LogRetention}) every {@code log.retention.check.interval.ms}. The
 * logs' fsyncs and the periodic recovery-point checkpoints run on another ({@link LogFlusher}), the cleaner of
 * compacted logs on {@code log.cleaner.threads} more ({@link LogCleaner}) every {@code log.cleaner.backoff.ms}.
 *
 * <p>At start the logs found on disk are opened together ({@link #openAll}), and at close they are closed together,
 * {@code num.recovery.threads.per.data.dir} at a time per directory, on threads that end with the call.
 *
 * <p>Thread safety: {@link #get} is lock-free; creation, deletion, checkpoints and close are serialised on this
 * object.
 */
public final class LogManager implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LogManager.class);

    public static final String CLEAN_SHUTDOWN_FILE = LogDir.CLEAN_SHUTDOWN_FILE;
    /** Kafka's default {@code log.retention.check.interval.ms}. */
    public static final long DEFAULT_RETENTION_CHECK_INTERVAL_MS = 300_000L;

    static final String RECOVERY_THREAD_PREFIX = "runnel-log-recovery-";
    /**
     * Where a controller keeps the metadata quorum's log when {@code metadata.log.dir} is a data directory: named
     * like a partition, as Kafka names it, and never taken for one (Kafka's log manager skips it too).
     */
    public static final String METADATA_QUORUM_DIR = "__cluster_metadata-0";

    static final String SHUTDOWN_THREAD_PREFIX = "runnel-log-shutdown-";

    private final LogDirs dirs;
    private final LogDirFailures failures;
    private final InstantSource clock;
    private final Map<TopicPartition, PartitionLog> logs = new ConcurrentHashMap<>();
    private final LogDirFailureHandler failureHandler;
    private final LogRetention retention;
    private final LogCleaner cleaner;
    private final LogFlusher flusher;
    private final LogOpener opener;
    private final int recoveryThreadsPerDir;
    private boolean closed;

    private LogManager(
            final LogDirs dirs, final LogDirFailures failures, final InstantSource clock, final Settings settings) {
        this.dirs = dirs;
        this.failures = failures;
        this.clock = clock;
        this.failureHandler = new LogDirFailureHandler(dirs, logs);
        this.retention = new LogRetention(
                () -> List.copyOf(logs.values()),
                clock,
                settings.retentionCheckIntervalMs(),
                this::checkpointLogStartOffsets);
        this.cleaner = new LogCleaner(
                () -> List.copyOf(logs.values()), clock, settings.cleaner(), this::checkpointCleanerOffsets);
        final FlushIntervals flushIntervals = settings.flush();
        this.flusher = new LogFlusher(
                () -> List.copyOf(logs.values()),
                clock,
                flushIntervals.schedulerIntervalMs(),
                flushIntervals.checkpointIntervalMs(),
                this::checkpointRecoveryPointsIfOpen);
        this.recoveryThreadsPerDir = settings.recoveryThreadsPerDir();
        this.opener = new LogOpener(dirs, failures, clock, flusher, recoveryThreadsPerDir);
    }

    /**
     * The broker-wide flush settings.
     *
     * @param schedulerIntervalMs  {@code log.flush.scheduler.interval.ms}: how often logs are checked against their
     *                             {@code flush.ms} ({@link Long#MAX_VALUE}, Kafka's default: never)
     * @param checkpointIntervalMs {@code log.flush.offset.checkpoint.interval.ms}: how often the recovery points are
     *                             written to disk
     */
    public record FlushIntervals(long schedulerIntervalMs, long checkpointIntervalMs) {
        /** Kafka's defaults. */
        public static FlushIntervals defaults() {
            return new FlushIntervals(
                    LogFlusher.DEFAULT_SCHEDULER_INTERVAL_MS, LogFlusher.DEFAULT_CHECKPOINT_INTERVAL_MS);
        }
    }

    /**
     * The settings of the storage threads.
     *
     * @param retentionCheckIntervalMs {@code log.retention.check.interval.ms}: how often retention runs (first that
     *                                 long after open)
     * @param cleaner                  the log cleaner's {@code log.cleaner.*} settings
     * @param flush                    the flusher's {@code log.flush.*} settings
     * @param recoveryThreadsPerDir    {@code num.recovery.threads.per.data.dir}: how many logs of one directory
     *                                 {@link #openAll} opens (and recovers) at once, and {@link #close} closes
     */
    public record Settings(
            long retentionCheckIntervalMs, CleanerConfig cleaner, FlushIntervals flush, int recoveryThreadsPerDir) {
        /** Kafka's default {@code num.recovery.threads.per.data.dir} (KIP-1030). */
        public static final int DEFAULT_RECOVERY_THREADS_PER_DIR = 2;

        public Settings {
            if (recoveryThreadsPerDir < 1) {
                throw new IllegalArgumentException(
                        "num.recovery.threads.per.data.dir must be at least 1, was " + recoveryThreadsPerDir);
            }
        }

        /** Kafka's defaults. */
        public static Settings defaults() {
            return new Settings(
                    DEFAULT_RETENTION_CHECK_INTERVAL_MS,
                    CleanerConfig.defaults(),
                    FlushIntervals.defaults(),
                    DEFAULT_RECOVERY_THREADS_PER_DIR);
        }

        public Settings withRetentionCheckIntervalMs(final long ms) {
            return new Settings(ms, cleaner, flush, recoveryThreadsPerDir);
        }

        public Settings withRecoveryThreadsPerDir(final int threads) {
            return new Settings(retentionCheckIntervalMs, cleaner, flush, threads);
        }

        public Settings withFlush(final FlushIntervals intervals) {
            return new Settings(retentionCheckIntervalMs, cleaner, intervals, recoveryThreadsPerDir);
        }
    }

    /** {@link #open(List, InstantSource, Settings)} with Kafka's defaults. */
    public static LogManager open(final List<Path> logDirs, final InstantSource clock) throws IOException {
        return open(logDirs, clock, Settings.defaults());
    }

    /**
     * Opens the log directories (creating missing ones) and starts the retention thread, the log cleaner and the
     * flusher with {@code settings}. A directory that cannot be opened is offline from the start.
     *
     * @throws IOException when no directory can be opened, or a partition has directories in two of them
     */
    public static LogManager open(final List<Path> logDirs, final InstantSource clock, final Settings settings)
            throws IOException {
        if (logDirs.isEmpty()) {
            throw new IllegalArgumentException("at least one log directory is needed");
        }
        final Map<Path, IOException> unusable = new LinkedHashMap<>();
        // no directory is reported offline before the manager exists: the unusable ones are reported at the end
        final LogManager[] created = new LogManager[1];
        final LogDirFailures failures =
                new LogDirFailures((dir, cause) -> created[0].failureHandler.onFailure(dir, cause));
        final LogDirs dirs = LogDirs.open(logDirs, failures, unusable);
        final LogManager manager = new LogManager(dirs, failures, clock, settings);
        created[0] = manager;
        unusable.forEach(failures::report);
        return manager;
    }

    static TopicPartition parsePartitionDir(final String name) {
        return LogDir.parsePartitionDir(name);
    }

    /** Partition directories currently on disk (found at open or created since, minus deleted ones). */
    public Set<TopicPartition> partitionsOnDisk() {
        return dirs.partitions();
    }

    public Optional<PartitionLog> get(final TopicPartition tp) {
        return Optional.ofNullable(logs.get(tp));
    }

    /** {@link #getOrCreate(TopicPartition, LogConfig, boolean)} of a new partition. */
    public PartitionLog getOrCreate(final TopicPartition tp, final LogConfig config) throws IOException {
        return getOrCreate(tp, config, true);
    }

    /**
     * The log of {@code tp}: already open, opened from disk (recovering it if its directory was not shut down
     * cleanly), or created in the online log directory that holds the fewest partitions.
     *
     * @param isNew false when the partition existed before this broker started: if it is on no online directory
     *              while some directory is offline, its data is most likely there, so (as in Kafka) no empty log
     *              is created in its place
     * @throws KafkaStorageException the partition is in an offline directory (or may be), no directory is online,
     *                               or the disk failed while opening or creating it
     */
    public synchronized PartitionLog getOrCreate(final TopicPartition tp, final LogConfig config, final boolean isNew)
            throws IOException {
        if (closed) {
            throw new KafkaStorageException("LogManager is closed");
        }
        final PartitionLog existing = logs.get(tp);
        if (existing != null) {
            return existing;
        }
        final PartitionLog log = opener.openOrCreate(tp, config, isNew);
        logs.put(tp, log);
        return log;
    }

    /**
     * Opens the log of each of these partitions that is on disk, as {@link #getOrCreate} would, but
     * {@code num.recovery.threads.per.data.dir} at a time in each directory ({@link LogDirWorkers}, threads named
     * {@value #RECOVERY_THREAD_PREFIX}N; Kafka's {@code loadLogs} at start): after an unclean shutdown every one of
     * them is recovered, and that work is CPU and disk bound. Partitions not on disk, or already open, are left to
     * {@link #getOrCreate}.
     *
     * @return for each partition opened here, its log, or the exception {@link #getOrCreate} would have thrown
     *         (KafkaStorageException for a partition of an offline directory or a disk error while opening it)
     */
    public synchronized Map<TopicPartition, CompletableFuture<PartitionLog>> openAll(
            final Map<TopicPartition, LogConfig> configs) {
        if (closed) {
            return new HashMap<>();
        }
        return opener.openAll(configs, logs);
    }

    /** The configured log directories that are offline, in configuration order. */
    public List<Path> offlineDirs() {
        return dirs.offlineDirs();
    }

    /**
     * Every configured log directory as DescribeLogDirs reports it: its error, its file system's space and the open
     * logs in it (none for an offline directory, whose logs no longer count).
     */
    public List<LogDirDescription> describeLogDirs() {
        return dirs.describe(logs.values());
    }

    /** Closes the log (if open), renames its directory to {@code <topic>-<partition>.<uuid>-delete} and deletes it. */
    public synchronized void delete(final TopicPartition tp) throws IOException {
        final PartitionLog log = logs.remove(tp);
        if (log != null) {
            log.closeForDelete();
        }
        dirs.delete(tp);
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
        dirs.writeEach(LogDir::writeCleanerOffsets, logs);
    }

    /** Recovery points of the open logs; partitions on disk that were never opened keep their old value. */
    public synchronized void checkpointRecoveryPoints() {
        dirs.writeAll(LogDir::writeRecoveryPoints, logs);
    }

    /** The flusher's periodic checkpoint: each directory on its own, none once closing has written the final ones. */
    private synchronized void checkpointRecoveryPointsIfOpen() {
        if (closed) {
            return;
        }
        dirs.writeEach(LogDir::writeRecoveryPoints, logs);
    }

    /** How many log flushes the flusher thread has done (each one fsync per segment it covered). */
    public long flushCount() {
        return flusher.flushCount();
    }

    /** The flusher, for tests that need its thread busy. */
    LogFlusher flusher() {
        return flusher;
    }

    /**
     * Writes the log start offset checkpoints on the retention thread, off the caller's (a request handler's)
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
        dirs.writeEach(LogDir::writeLogStartOffsets, logs);
    }

    /**
     * Stops the retention, cleaner and flusher threads (deleting the segments they retired), closes every log (flush,
     * index trim, producer snapshot, appends waiting for a flush completed; {@code num.recovery.threads.per.data.dir}
     * at a time per directory, threads named {@value #SHUTDOWN_THREAD_PREFIX}N), writes the checkpoints, then the
     * clean-shutdown marker of each directory whose logs are all consistent.
     */
    @Override
    public void close() {
        // outside this object's lock: a running pass may be waiting for it to write its checkpoint
        retention.close();
        cleaner.close();
        flusher.close();
        failureHandler.close();
        closeLogs();
    }

    private synchronized void closeLogs() {
        if (closed) {
            return;
        }
        closed = true;
        KafkaStorageException failure = null;
        final Map<TopicPartition, Path> dirOf = new HashMap<>();
        logs.forEach((tp, log) -> dirOf.put(tp, log.dir().getParent()));
        final Map<TopicPartition, CompletableFuture<Void>> closing =
                LogDirWorkers.runAll(SHUTDOWN_THREAD_PREFIX, recoveryThreadsPerDir, dirOf, tp -> {
                    logs.get(tp).close();
                    return null;
                });
        for (final CompletableFuture<Void> done : closing.values()) {
            try {
                done.join();
            } catch (final CompletionException e) {
                if (!(e.getCause() instanceof KafkaStorageException storage)) {
                    throw e; // a bug: no directory is marked clean
                }
                // the log reported its directory offline, so nothing more is written there
                failure = failure == null ? storage : failure;
            }
        }
        final KafkaStorageException atClose = dirs.writeAtClose(logs);
        failure = failure == null ? atClose : failure;
        logs.clear();
        if (failure != null) {
            throw failure;
        }
    }
}
