package io.runnel.storage;

import io.runnel.storage.cleaner.LogCleaner;
import io.runnel.storage.flush.LogFlusher;
import io.runnel.storage.log.LogLoader;
import io.runnel.storage.log.LogSegment;
import io.runnel.storage.log.StorageIo;
import io.runnel.storage.producer.ProducerStateManager;
import io.runnel.storage.retention.RetentionRules;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.CorruptRecordException;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.apache.kafka.common.errors.OffsetOutOfRangeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.UnsupportedForMessageFormatException;

/**
 * The log of one partition: an ordered list of {@link LogSegment}s in directory {@code <topic>-<partition>},
 * the last one active, plus the idempotent-producer state ({@link ProducerStateManager}). It owns the log's state
 * and offers its operations; the work is done by its parts in this package, each on this object's fields under the
 * rules below: appends and rolls ({@link LogAppender}), reads and timestamp lookups ({@link LogReader}), flushes and
 * close ({@link LogFlushing}), retention, DeleteRecords and truncation ({@link LogTrimming}, see
 * {@link RetentionRules}), the cleaner's side of compaction ({@link LogCleaning}, for {@link LogCleaner}), and disk
 * errors ({@link LogIo}).
 *
 * <p>Thread safety: appends, rolls, config changes, timestamp lookups, retention, truncation, the cleaner's swaps
 * and close are serialised by one internal lock (the appender owns all mutable state). {@link #read} takes no lock
 * and may run on any number of threads concurrently with an append: an append writes its bytes, then its index
 * entries, then publishes the segment size and finally the log end offset with volatile writes, and a read only
 * looks below what it saw published, so it never sees a partial batch. The segment list is a copy-on-write array,
 * so segments that retention, truncation or the cleaner removed are not closed at once: they are handed back with
 * their files renamed, for closing once {@code file.delete.delay.ms} has passed.
 *
 * <p>An append never fsyncs: when its {@code flush.*} configs or a roll call for a flush, the log asks its
 * {@link Flusher} (the broker's {@link LogFlusher} thread) to call {@link #flushUnflushed}, see {@link LogFlushing}.
 * The flush lock that serialises flushes and close is always taken before the append lock, never while holding it.
 */
public final class PartitionLog implements AutoCloseable {

    /** Who fsyncs a log when it asks ({@link Flusher#requestFlush} is called without the log's locks held). */
    @FunctionalInterface
    public interface Flusher {
        void requestFlush(PartitionLog log);
    }

    /**
     * Flushes on the appending thread right after the append, as Kafka does inline: for logs opened on their own
     * (tests, tools); the broker's logs use {@link LogFlusher}.
     */
    public static final Flusher CALLER_FLUSHES = PartitionLog::flushUnflushed;

    // Shared with the parts; the mutable ones are changed under the lock, volatile for the lock-free readers.
    final TopicPartition topicPartition;
    final Path dir;
    final InstantSource clock;
    final ReentrantLock lock = new ReentrantLock();
    final ProducerStateManager producers;
    final LogIo io;
    final SegmentList segments;
    /** Guarded by lock. */
    final FlushState flushState;

    volatile LogConfig config;
    volatile long logEndOffset;
    volatile long logStartOffset;
    /** Written under the lock; volatile for {@link #read}, which takes none. */
    volatile boolean closed;

    private final Flusher flusher;
    final LogAppender appender;
    private final LogReader reader;
    private final LogFlushing flushing;
    private final LogTrimming trimming;
    final LogCleaning cleaning;

    private PartitionLog(
            final TopicPartition topicPartition,
            final Path dir,
            final LogConfig config,
            final InstantSource clock,
            final ProducerStateManager producers,
            final LogLoader.LoadedLog loaded,
            final long logStartOffsetCheckpoint,
            final LogDirFailures dirFailures,
            final Flusher flusher) {
        this.topicPartition = topicPartition;
        this.dir = dir;
        this.io = new LogIo(topicPartition, dir, dirFailures);
        this.config = config;
        this.clock = clock;
        this.producers = producers;
        this.flusher = flusher;
        this.segments = new SegmentList(loaded.segments());
        this.logEndOffset = loaded.logEndOffset();
        // The checkpoint is ahead of the first segment when a crash undid a deletion (the next retention pass
        // removes that segment again), or after DeleteRecords; it is never past the end, as the loader restarts a
        // log whose segments end below it empty at it.
        this.logStartOffset = Math.max(segments.first().baseOffset(), logStartOffsetCheckpoint);
        this.flushState = new FlushState(loaded.logEndOffset(), clock.millis());
        this.appender = new LogAppender(this);
        this.reader = new LogReader(this);
        this.flushing = new LogFlushing(this);
        this.trimming = new LogTrimming(this);
        this.cleaning = new LogCleaning(this);
    }

    /**
     * {@link #open(TopicPartition, Path, LogConfig, InstantSource, long, long, boolean, Flusher)} with a log that
     * flushes on the appending thread ({@link #CALLER_FLUSHES}).
     */
    public static PartitionLog open(
            final TopicPartition topicPartition,
            final Path dir,
            final LogConfig config,
            final InstantSource clock,
            final long logStartOffset,
            final long recoveryPoint,
            final boolean cleanShutdown) {
        return open(
                topicPartition,
                dir,
                config,
                clock,
                logStartOffset,
                recoveryPoint,
                cleanShutdown,
                LogDirFailures.unobserved(),
                CALLER_FLUSHES);
    }

    /**
     * Opens (or creates) the log in {@code dir}. After an unclean shutdown, segments from the one holding
     * {@code recoveryPoint} onwards are scanned and repaired; see {@link LogLoader}. The log starts at
     * {@code logStartOffset} (the checkpointed value) or at its first segment, whichever is later. The log asks
     * {@code flusher} to flush it when its {@code flush.*} configs or a roll call for it. Disk errors are reported
     * to {@code dirFailures}: a failure to open takes the directory offline, and so does any later disk error of
     * this log, which then stops with every other log of the directory.
     */
    public static PartitionLog open(
            final TopicPartition topicPartition,
            final Path dir,
            final LogConfig config,
            final InstantSource clock,
            final long logStartOffset,
            final long recoveryPoint,
            final boolean cleanShutdown,
            final LogDirFailures dirFailures,
            final Flusher flusher) {
        return StorageIo.call(
                "opening log " + dir,
                () -> {
                    Files.createDirectories(dir);
                    final ProducerStateManager producers = new ProducerStateManager(dir);
                    final LogLoader.LoadedLog loaded = LogLoader.load(
                            dir,
                            logStartOffset,
                            recoveryPoint,
                            cleanShutdown,
                            config.indexIntervalBytes(),
                            config.segmentIndexBytes(),
                            clock.millis(),
                            producers);
                    return new PartitionLog(
                            topicPartition,
                            dir,
                            config,
                            clock,
                            producers,
                            loaded,
                            logStartOffset,
                            dirFailures,
                            flusher);
                },
                cause -> dirFailures.report(dir.getParent(), cause));
    }

    public TopicPartition topicPartition() {
        return topicPartition;
    }

    public Path dir() {
        return dir;
    }

    public long logStartOffset() {
        return logStartOffset;
    }

    public long logEndOffset() {
        return logEndOffset;
    }

    public LogConfig config() {
        return config;
    }

    public void updateConfig(final LogConfig newConfig) {
        config = newConfig;
    }

    public int segmentCount() {
        return segments.count();
    }

    /** Bytes in all segments' log files (what {@code retention.bytes} limits). */
    public long sizeInBytes() {
        return segments.sizeInBytes();
    }

    /** Offset below which everything is known to be on disk (fsync'd). */
    public long recoveryPoint() {
        return flushState.recoveryPoint();
    }

    /** When the last flush finished (or the log opened), for {@code flush.ms}. */
    public long lastFlushMs() {
        return flushState.lastFlushMs();
    }

    // ----------------------------------------------------------------------------------------------- append

    /**
     * Validates and appends one or more magic v2 record batches as received from a client ({@link LogAppender}).
     * The buffer's bytes are rewritten in place (offsets, leader epoch, and for LOG_APPEND_TIME the max
     * timestamp and CRC); its position and limit are unchanged and no reference is kept.
     *
     * @throws CorruptRecordException               short, inconsistent or trailing bytes, or a CRC mismatch
     * @throws UnsupportedForMessageFormatException magic other than 2
     * @throws RecordTooLargeException              a batch larger than {@code maxMessageBytes}
     * @throws InvalidRecordException               record count and last offset delta disagree, or a record
     *                                              without a key on a compacted topic
     * @throws org.apache.kafka.common.errors.OutOfOrderSequenceException   idempotent sequence gap
     * @throws org.apache.kafka.common.errors.InvalidProducerEpochException fenced producer epoch
     * @throws KafkaStorageException                disk failure (the log is then offline)
     * @return the offsets; its {@link AppendResult#flushed} completes once the records are fsync'd if this append
     *         crossed {@code flush.messages}, and is already complete otherwise
     */
    public AppendResult appendAsLeader(final ByteBuffer records, final int leaderEpoch) {
        final ByteBuffer buffer = LogAppender.writable(records);
        final LogAppender.Appended appended;
        lock.lock();
        try {
            ensureWritable();
            appended = appender.append(buffer, leaderEpoch);
        } finally {
            lock.unlock();
        }
        // outside the lock: the caller-flushes flusher takes the flush lock, which is never taken after this one
        if (appended.askFlusher()) {
            flusher.requestFlush(this);
        }
        return appended.result();
    }

    // ------------------------------------------------------------------------------------------------ flush

    /**
     * fsyncs everything appended so far (and the segments rolled since the last flush) on the calling thread, and
     * advances the recovery point to the log end.
     *
     * @throws KafkaStorageException the log is closed or offline, or the fsync failed (the log is then offline)
     */
    public void flush() {
        lock.lock();
        try {
            ensureWritable();
        } finally {
            lock.unlock();
        }
        flushUnflushed();
        if (isOffline()) {
            throw new KafkaStorageException("Log of " + topicPartition + " is offline after a disk error");
        }
    }

    /**
     * One flush from the recovery point to the log end, without holding the append lock during the fsync; completes
     * the appends waiting for it, on this thread. See {@link LogFlushing#flushUnflushed}.
     *
     * @return whether anything was fsync'd
     * @throws KafkaStorageException the fsync failed (the log is then offline, its waiting appends failed)
     */
    public boolean flushUnflushed() {
        return flushing.flushUnflushed();
    }

    // ------------------------------------------------------------------------------------------------- read

    /**
     * Whole batches starting with the one that holds {@code fetchOffset}, from one segment; takes no lock
     * ({@link LogReader}).
     *
     * @param maxBytes           at most this many bytes, unless {@code minOneBatch} and the first batch is larger
     * @param maxOffsetExclusive only batches whose base offset is below this (the high watermark)
     * @throws OffsetOutOfRangeException when {@code fetchOffset} is outside [log start, log end]
     */
    public LogSlice read(
            final long fetchOffset, final int maxBytes, final long maxOffsetExclusive, final boolean minOneBatch) {
        return reader.read(fetchOffset, maxBytes, maxOffsetExclusive, minOneBatch);
    }

    // ----------------------------------------------------------------------------------- retention, truncation

    /**
     * Removes the oldest segments that retention allows at {@code nowMs} ({@link RetentionRules}) and advances
     * the log start offset to the first remaining segment. When every segment goes, a new empty active segment is
     * rolled first, so the log always has one.
     *
     * @return the removed segments, their files renamed to {@code .deleted} but still open: the caller must
     *         {@link LogSegment#closeAndDelete} them after {@code file.delete.delay.ms}, when no reader can still
     *         be using them. Empty when nothing was removed or the log is closed or offline.
     * @throws KafkaStorageException disk failure (the log is then offline)
     */
    public List<LogSegment> deleteOldSegments(final long nowMs) {
        return trimming.deleteOldSegments(nowMs);
    }

    /**
     * DeleteRecords: moves the log start offset up to {@code offset} (never down), so nothing below it can be
     * fetched any more; the next retention pass deletes the segments that then lie wholly below it.
     *
     * @return the log start offset after the call (DeleteRecords' low watermark)
     * @throws OffsetOutOfRangeException when {@code offset} is past the log end offset
     */
    public long advanceLogStartOffset(final long offset) {
        return trimming.advanceLogStartOffset(offset);
    }

    /**
     * Drops every record at and above {@code offset}, whole batches only, as Kafka's {@code UnifiedLog.truncateTo}
     * does for a replica that must give up a divergent tail; see {@link LogTrimming#truncateTo}. Nothing happens
     * when {@code offset} is at or past the log end.
     *
     * @return the removed segments, renamed to {@code .deleted} but still open, for the caller to
     *         {@link LogSegment#closeAndDelete} after {@code file.delete.delay.ms} as with {@link #deleteOldSegments}
     * @throws KafkaStorageException disk failure (the log is then offline)
     */
    public List<LogSegment> truncateTo(final long offset) {
        return trimming.truncateTo(offset);
    }

    /** The log's side of compaction, which the cleaner works with. */
    public LogCleaning cleaning() {
        return cleaning;
    }

    // ------------------------------------------------------------------------------------ timestamp lookups

    /**
     * The first record (by offset) at or after the log start offset whose timestamp is &gt;= {@code timestamp}.
     * Decodes one batch.
     */
    public Optional<TimestampAndOffset> offsetForTimestamp(final long timestamp) {
        return reader.offsetForTimestamp(timestamp);
    }

    /** The first record carrying the largest timestamp in the log (ListOffsets MAX_TIMESTAMP, KIP-734). */
    public Optional<TimestampAndOffset> maxTimestampOffset() {
        return reader.maxTimestampOffset();
    }

    // ------------------------------------------------------------------------------------------------ close

    /**
     * Flushes, writes the final index entries and trims the indexes, snapshots producer state, closes files; then
     * completes the appends waiting for a flush (or fails them, if the log is offline or closing failed). An offline
     * log writes nothing: it only closes its files.
     */
    @Override
    public void close() {
        flushing.close();
    }

    /** Closes the files without flushing anything (the log is about to be deleted); waiting appends fail. */
    public void closeForDelete() {
        flushing.closeForDelete();
    }

    // --------------------------------------------------------------------------------------------- failures

    /** @throws KafkaStorageException the log is closed or offline */
    void ensureWritable() {
        if (closed) {
            throw new KafkaStorageException("Log of " + topicPartition + " is closed");
        }
        io.ensureOnline();
    }

    /** True after a disk error in this log or in another log of its directory: it takes no more writes or reads. */
    public boolean isOffline() {
        return io.isOffline();
    }

    @Override
    public String toString() {
        return "PartitionLog(" + topicPartition + ", start=" + logStartOffset + ", end=" + logEndOffset + ", segments="
                + segments.count() + ")";
    }
}
