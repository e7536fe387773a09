package io.runnel.storage;

import static io.runnel.storage.record.RecordBatchFlyweight.HEADER_SIZE;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.ReentrantLock;
import java.util.zip.CRC32C;

import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.CorruptRecordException;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.apache.kafka.common.errors.OffsetOutOfRangeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.UnsupportedForMessageFormatException;
import org.apache.kafka.common.record.TimestampType;

import io.runnel.storage.cleaner.LogCleaner;
import io.runnel.storage.flush.LogFlusher;
import io.runnel.storage.log.LogLoader;
import io.runnel.storage.log.LogSegment;
import io.runnel.storage.log.SegmentSwap;
import io.runnel.storage.log.StorageIo;
import io.runnel.storage.producer.ProducerSequenceCheck;
import io.runnel.storage.producer.ProducerStateManager;
import io.runnel.storage.record.BatchValidator;
import io.runnel.storage.record.CompactedRecordKeys;
import io.runnel.storage.record.RecordBatchFlyweight;
import io.runnel.storage.retention.RetentionRules;

/**
 * The log of one partition: an ordered list of {@link LogSegment}s in directory {@code <topic>-<partition>},
 * the last one active, plus the idempotent-producer state ({@link ProducerStateManager}).
 *
 * <p>Thread safety: appends, rolls, config changes, timestamp lookups, retention and close are
 * serialised by one internal lock (the appender owns all mutable state). {@link #read} takes no lock and may run
 * on any number of threads concurrently with an append: an append writes its bytes, then its index entries, then
 * publishes the segment size and finally the log end offset with volatile writes, and a read only looks below
 * what it saw published, so it never sees a partial batch. The segment list is a copy-on-write array.
 *
 * <p>Retention ({@link #deleteOldSegments}) removes whole segments from the front of that array, see
 * {@link RetentionRules}. A reader may still hold the old array, or a {@link LogSlice} of a removed segment that a
 * fetch response is sending, so removed segments are not closed here: they are handed back with their files
 * renamed, for closing once {@code file.delete.delay.ms} has passed.
 *
 * <p>Compaction ({@link LogCleaner}) rewrites closed segments off the lock and swaps each cleaned copy in under
 * it ({@link #replaceWithCleaned}), handing the old one back for delayed closing just as retention does.
 *
 * <p>Append path (no per-record work unless the topic is compacted, where every record must have a key; no copies
 * besides the one write to the file): every batch's 61-byte header
 * is checked through a flyweight (length, magic 2, size, CRC-32C, record count; {@link BatchValidator}) before
 * anything is written,
 * idempotent producers' sequences are checked, then base offset and partition leader epoch (not covered by the
 * CRC) are rewritten in place (plus max timestamp and CRC for LOG_APPEND_TIME topics) and the whole request is
 * written with one positional write.
 *
 * <p>Flushing: an append never fsyncs. When it crosses {@code flush.messages}, or {@code flush.ms} has passed since
 * the last flush, or it rolled a segment, the log asks its {@link Flusher} (the broker's {@link LogFlusher} thread)
 * to call {@link #flushUnflushed}, which fsyncs every segment from the recovery point on without holding the append
 * lock, then moves the recovery point to the end offset it read before the fsync. An append that crossed
 * {@code flush.messages} is durable only then: its {@link AppendResult#flushed} completes on the flusher's thread
 * (or fails with {@link KafkaStorageException}, the log then offline). A second lock serialises flushes with each
 * other and with close; it is always taken before the append lock, never while holding it.
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

    private static final ThreadLocal<ByteBuffer> READ_SCRATCH =
            ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(HEADER_SIZE));

    private final TopicPartition topicPartition;
    private final Path dir;
    private final InstantSource clock;
    private final ReentrantLock lock = new ReentrantLock();
    /** Held for a whole flush (the fsync included) and by close; taken before {@link #lock}, never after it. */
    private final ReentrantLock flushLock = new ReentrantLock();
    private final ProducerStateManager producers;
    /** Where this log reports a disk error, and learns that another log's error took its directory offline. */
    private final LogDirFailures dirFailures;
    private final Path logDir;
    private final Flusher flusher;
    private final SegmentList segments;
    /** Guarded by lock. */
    private final FlushState flushState;

    private volatile LogConfig config;
    private volatile long logEndOffset;
    private volatile long logStartOffset;
    private volatile boolean offline;
    /** Where the part of the log the cleaner has not seen yet starts (checkpointed by the LogManager). */
    private volatile long firstDirtyOffset;
    /** Bumped by every {@link #truncateTo}, so a cleaning that began before one does not swap in stale copies. */
    private volatile long truncations;

    // Guarded by lock.
    private final RecordBatchFlyweight batch = new RecordBatchFlyweight();
    private final CRC32C crc = new CRC32C();
    private final BatchValidator validator = new BatchValidator();
    private final ProducerSequenceCheck sequences;
    /** Written under the lock; volatile for {@link #read}, which takes none. */
    private volatile boolean closed;

    private PartitionLog(final TopicPartition topicPartition, final Path dir, final LogConfig config,
                         final InstantSource clock, final ProducerStateManager producers,
                         final LogLoader.LoadedLog loaded, final long logStartOffsetCheckpoint,
                         final LogDirFailures dirFailures, final Flusher flusher) {
        this.topicPartition = topicPartition;
        this.dir = dir;
        this.dirFailures = dirFailures;
        this.logDir = dir.getParent();
        this.config = config;
        this.clock = clock;
        this.producers = producers;
        this.sequences = new ProducerSequenceCheck(producers);
        this.flusher = flusher;
        this.segments = new SegmentList(loaded.segments());
        this.logEndOffset = loaded.logEndOffset();
        // The checkpoint is ahead of the first segment when a crash undid a deletion (the next retention pass
        // removes that segment again); it can never be past the end, as retention rolls before deleting the last
        // segment, unless the files were tampered with.
        this.logStartOffset = Math.min(Math.max(segments.first().baseOffset(), logStartOffsetCheckpoint),
                logEndOffset);
        this.firstDirtyOffset = logStartOffset;
        this.flushState = new FlushState(loaded.logEndOffset(), clock.millis());
    }

    /**
     * {@link #open(TopicPartition, Path, LogConfig, InstantSource, long, long, boolean, Flusher)} with a log that
     * flushes on the appending thread ({@link #CALLER_FLUSHES}).
     */
    public static PartitionLog open(final TopicPartition topicPartition, final Path dir, final LogConfig config,
                                    final InstantSource clock, final long logStartOffset, final long recoveryPoint,
                                    final boolean cleanShutdown) {
        return open(topicPartition, dir, config, clock, logStartOffset, recoveryPoint, cleanShutdown,
                LogDirFailures.unobserved(), CALLER_FLUSHES);
    }

    /**
     * Opens (or creates) the log in {@code dir}. After an unclean shutdown, segments from the one holding
     * {@code recoveryPoint} onwards are scanned and repaired; see {@link LogLoader}. The log starts at
     * {@code logStartOffset} (the checkpointed value) or at its first segment, whichever is later. The log asks
     * {@code flusher} to flush it when its {@code flush.*} configs or a roll call for it. Disk errors are reported
     * to {@code dirFailures}: a failure to open takes the directory offline, and so does any later disk error of
     * this log, which then stops with every other log of the directory.
     */
    public static PartitionLog open(final TopicPartition topicPartition, final Path dir, final LogConfig config,
                                    final InstantSource clock, final long logStartOffset, final long recoveryPoint,
                                    final boolean cleanShutdown, final LogDirFailures dirFailures,
                                    final Flusher flusher) {
        return StorageIo.call("opening log " + dir, () -> {
            Files.createDirectories(dir);
            final ProducerStateManager producers = new ProducerStateManager(dir);
            final LogLoader.LoadedLog loaded = LogLoader.load(dir, recoveryPoint, cleanShutdown,
                    config.indexIntervalBytes(), config.segmentIndexBytes(), clock.millis(), producers);
            return new PartitionLog(topicPartition, dir, config, clock, producers, loaded, logStartOffset, dirFailures,
                    flusher);
        }, cause -> dirFailures.report(dir.getParent(), cause));
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
     * Validates and appends one or more magic v2 record batches as received from a client.
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
        ByteBuffer buffer = records.order() == ByteOrder.BIG_ENDIAN ? records
                : records.duplicate().order(ByteOrder.BIG_ENDIAN);
        if (buffer.isReadOnly()) {
            final ByteBuffer copy = ByteBuffer.allocate(buffer.remaining());
            copy.put(buffer.duplicate()).flip();
            buffer = copy;
        }
        final AppendResult result;
        final boolean askFlusher;
        lock.lock();
        try {
            ensureWritable();
            final LogConfig cfg = config;
            final int count = validator.validate(buffer, cfg.maxMessageBytes());
            final int[] batchStarts = validator.batchStarts();
            if (count == 0) {
                return new AppendResult(-1, -1, -1, logStartOffset, 0, false, AppendResult.NOTHING_TO_AWAIT);
            }
            if (cfg.compacted()) {
                CompactedRecordKeys.requireKeys(buffer, topicPartition);
            }
            final ProducerSequenceCheck.Duplicate duplicate = sequences.check(buffer, batchStarts, count);
            if (duplicate != null) {
                final long appendTime = cfg.timestampType() == TimestampType.LOG_APPEND_TIME ? duplicate.timestamp()
                        : -1;
                // as in Kafka, a retry is answered at once, without waiting for the original's flush
                return new AppendResult(duplicate.firstOffset(), duplicate.lastOffset(), appendTime, logStartOffset,
                        duplicate.recordCount(), true, AppendResult.NOTHING_TO_AWAIT);
            }
            final long now = clock.millis();
            final long firstOffset = logEndOffset;
            final boolean logAppendTime = cfg.timestampType() == TimestampType.LOG_APPEND_TIME;
            long nextOffset = firstOffset;
            int recordCount = 0;
            for (int i = 0; i < count; i++) {
                batch.wrap(buffer, batchStarts[i]);
                batch.baseOffset(nextOffset).partitionLeaderEpoch(leaderEpoch);
                if (logAppendTime) {
                    batch.attributes((short) (batch.attributes() | RecordBatchFlyweight.TIMESTAMP_TYPE_MASK))
                            .maxTimestamp(now);
                    batch.crc(batch.computeCrc(crc));
                }
                nextOffset += batch.lastOffsetDelta() + 1L;
                recordCount += batch.recordCount();
            }
            final boolean rolled = segments.rollDue(buffer.remaining(), nextOffset - 1, now, cfg);
            final LogSegment segment = rolled ? roll(now, cfg) : segments.active();
            final ByteBuffer written = buffer;
            runIo("appending to " + topicPartition,
                    () -> segment.append(written, batchStarts, count, batch, cfg.indexIntervalBytes(), now));
            sequences.recordAppended(buffer, batchStarts, count);
            logEndOffset = nextOffset;
            final CompletableFuture<Void> flushed = flushState.awaitIfDue(recordCount, nextOffset - 1, cfg);
            askFlusher = flushState.request(flushed != AppendResult.NOTHING_TO_AWAIT || rolled
                    || (cfg.flushIntervalMs() != Long.MAX_VALUE && now - flushState.lastFlushMs()
                    >= cfg.flushIntervalMs()));
            result = new AppendResult(firstOffset, nextOffset - 1, logAppendTime ? now : -1, logStartOffset,
                    recordCount, false, flushed);
        } finally {
            lock.unlock();
        }
        // outside the lock: the caller-flushes flusher takes the flush lock, which is never taken after this one
        if (askFlusher) {
            flusher.requestFlush(this);
        }
        return result;
    }

    /** Seals the active segment and publishes a new one at the log end offset. */
    private LogSegment roll(final long now, final LogConfig cfg) {
        final long newBase = logEndOffset;
        return callIo("rolling a new segment of " + topicPartition + " at offset " + newBase, () -> {
            segments.active().onRolled();
            producers.writeSnapshot(newBase);
            // the recovery point stays: the old segment is fsync'd by the flush the append asks for
            return segments.roll(dir, newBase, cfg.segmentIndexBytes(), now);
        });
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
     * One flush: reads the end offset, fsyncs every segment from the one holding the recovery point to the active
     * one without the append lock (appends go on meanwhile and wait for the next flush), then moves the recovery
     * point to that end offset and completes the appends waiting for it, on this thread. Does nothing on a closed
     * or offline log (closing completed or failed the waiters). A failed fsync takes the log offline and fails
     * every waiter with {@link KafkaStorageException}, which it then throws.
     *
     * @return whether anything was fsync'd
     */
    public boolean flushUnflushed() {
        final List<CompletableFuture<Void>> done = new ArrayList<>();
        flushLock.lock();
        try {
            if (!flushLocked(done)) {
                return false;
            }
        } finally {
            flushLock.unlock();
        }
        // outside both locks: completing runs the waiters' continuations (the produce responses)
        done.forEach(flushed -> flushed.complete(null));
        return true;
    }

    /** The body of {@link #flushUnflushed}, under the flush lock; adds the waiters it satisfied to {@code done}. */
    private boolean flushLocked(final List<CompletableFuture<Void>> done) {
        final long end;
        final LogSegment[] toFlush;
        final boolean wasOffline;
        lock.lock();
        try {
            flushState.flushStarting();
            if (closed) {
                return false;
            }
            wasOffline = isOffline();
            end = logEndOffset;
            toFlush = end > flushState.recoveryPoint() ? segments.from(flushState.recoveryPoint()) : null;
        } finally {
            lock.unlock();
        }
        if (wasOffline) {
            // an append failed after these waiters asked for their flush
            failWaiters(new KafkaStorageException("Log of " + topicPartition + " is offline after a disk error"));
            return false;
        }
        if (toFlush == null) {
            flushState.flushedNothing(clock.millis());
            return false;
        }
        try {
            runIo("flushing " + topicPartition, () -> SegmentList.flush(toFlush));
        } catch (final KafkaStorageException failure) {
            failWaiters(failure);
            throw failure;
        }
        lock.lock();
        try {
            done.addAll(flushState.flushedTo(end, clock.millis()));
        } finally {
            lock.unlock();
        }
        return true;
    }

    /** Fails every waiting append (the log went offline or was closed before its flush). */
    private void failWaiters(final KafkaStorageException failure) {
        takeWaiters().forEach(flushed -> flushed.completeExceptionally(failure));
    }

    private List<CompletableFuture<Void>> takeWaiters() {
        lock.lock();
        try {
            return flushState.takeWaiters();
        } finally {
            lock.unlock();
        }
    }

    // --------------------------------------------------------------------------------------------- failures

    private void ensureWritable() {
        if (closed) {
            throw new KafkaStorageException("Log of " + topicPartition + " is closed");
        }
        ensureOnline();
    }

    private void ensureOnline() {
        if (isOffline()) {
            throw new KafkaStorageException("Log of " + topicPartition + " is offline after a disk error in "
                    + (offline ? "it" : "its log directory " + logDir));
        }
    }

    /** A disk action on this log's files, through the one chokepoint for disk failures. */
    private <T> T callIo(final String what, final StorageIo.IoCallable<T> action) {
        return StorageIo.call(what, action, this::markOffline);
    }

    private void runIo(final String what, final StorageIo.IoRunnable action) {
        StorageIo.run(what, action, this::markOffline);
    }

    /**
     * Marks this log offline and its whole log directory with it (the one place that does, so a half-done write
     * is never followed by another in any log of a failing disk).
     */
    private void markOffline(final IOException cause) {
        offline = true;
        dirFailures.report(logDir, cause);
    }

    /** A disk error met outside this class while working on this log's files (the cleaner's rewrites). */
    public KafkaStorageException reportDiskError(final String what, final IOException cause) {
        return StorageIo.failure(what, cause, this::markOffline);
    }

    // ------------------------------------------------------------------------------------------------- read

    /**
     * Whole batches starting with the one that holds {@code fetchOffset}, from one segment.
     *
     * @param maxBytes           at most this many bytes, unless {@code minOneBatch} and the first batch is larger
     * @param maxOffsetExclusive only batches whose base offset is below this (the high watermark)
     * @throws OffsetOutOfRangeException when {@code fetchOffset} is outside [log start, log end]
     */
    public LogSlice read(final long fetchOffset, final int maxBytes, final long maxOffsetExclusive,
                         final boolean minOneBatch) {
        ensureOnline();
        final long end = logEndOffset;
        // The array before the start offset: retention publishes the new start before the shorter array, so a
        // reader that sees the shorter array also sees the start that excludes what it lost.
        final LogSegment[] segs = segments.array();
        final long start = logStartOffset;
        if (fetchOffset < start || fetchOffset > end) {
            throw new OffsetOutOfRangeException("Offset " + fetchOffset + " is out of range for " + topicPartition
                    + ": log start " + start + ", log end " + end);
        }
        if (fetchOffset == end || fetchOffset >= maxOffsetExclusive) {
            return LogSlice.empty();
        }
        // Never expose more than the log end offset read above, even if a newer batch is already in the file.
        final long bound = Math.min(maxOffsetExclusive, end);
        final ByteBuffer scratch = READ_SCRATCH.get();
        final String what = "reading " + topicPartition + " at offset " + fetchOffset;
        // an UncheckedIOException is a lazily opened index that could not be mapped, or one let go of at close
        return StorageIo.call(what, () -> SegmentList.read(segs, fetchOffset, maxBytes, bound, minOneBatch, scratch),
                cause -> onReadFailure(what, cause));
    }

    /**
     * A read takes no lock, so the log may close under it (its topic deleted, its directory failed): the closed
     * files then fail the read, which is no sign of a bad disk. Any other failure is one.
     */
    private void onReadFailure(final String what, final IOException cause) {
        if (closed) {
            throw new KafkaStorageException("Log of " + topicPartition + " closed while " + what);
        }
        markOffline(cause);
    }

    // ------------------------------------------------------------------------------------------- retention

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
        lock.lock();
        try {
            if (closed || isOffline()) {
                return List.of();
            }
            final LogConfig cfg = config;
            final int count = callIo("applying retention to " + topicPartition,
                    () -> RetentionRules.deletableCount(segments.array(), cfg, logStartOffset, nowMs));
            if (count == 0) {
                return List.of();
            }
            if (count == segments.count()) {
                roll(nowMs, cfg);
            }
            logStartOffset = Math.max(logStartOffset, segments.array()[count].baseOffset());
            return callIo("renaming deleted segments of " + topicPartition, () -> segments.removeOldest(count));
        } finally {
            lock.unlock();
        }
    }

    /**
     * DeleteRecords: moves the log start offset up to {@code offset} (never down), so nothing below it can be
     * fetched any more; the next retention pass deletes the segments that then lie wholly below it.
     *
     * @return the log start offset after the call (DeleteRecords' low watermark)
     * @throws OffsetOutOfRangeException when {@code offset} is past the log end offset
     */
    public long advanceLogStartOffset(final long offset) {
        lock.lock();
        try {
            ensureWritable();
            if (offset > logEndOffset) {
                throw new OffsetOutOfRangeException("Cannot delete records of " + topicPartition + " before offset "
                        + offset + ": the log ends at " + logEndOffset);
            }
            if (offset > logStartOffset) {
                logStartOffset = offset;
            }
            return logStartOffset;
        } finally {
            lock.unlock();
        }
    }

    // ------------------------------------------------------------------------------------------ truncation

    /**
     * Drops every record at and above {@code offset} (Kafka's {@code UnifiedLog.truncateTo}, for a replica that
     * must give up a divergent tail): segments whose base offset is above it leave the log, the one holding it is
     * cut at the batch that holds it and becomes the active segment with its indexes rebuilt, producer state is
     * rebuilt from the newest snapshot at or below the new end, and the recovery point, the cleaner's first dirty
     * offset and the log start offset come down to the new end if they were above it. A log whose first segment
     * starts at or above {@code offset} is emptied and restarts at {@code offset}. Only whole batches are kept, as
     * in Kafka: an offset inside a batch truncates the whole batch, and the log then ends at its base offset. An
     * offset in a gap the cleaner left ends the log at {@code offset}, as Kafka's does; like Kafka's, a log reopened
     * before anything else was appended then ends after its last record again.
     * Nothing happens when {@code offset} is at or past the log end.
     *
     * @return the removed segments, renamed to {@code .deleted} but still open, for the caller to
     *         {@link LogSegment#closeAndDelete} after {@code file.delete.delay.ms} as with {@link #deleteOldSegments}
     * @throws KafkaStorageException disk failure (the log is then offline)
     */
    public List<LogSegment> truncateTo(final long offset) {
        if (offset < 0) {
            throw new IllegalArgumentException("Cannot truncate " + topicPartition + " to negative offset " + offset);
        }
        lock.lock();
        try {
            ensureWritable();
            if (offset >= logEndOffset) {
                return List.of();
            }
            truncations++;
            final LogConfig cfg = config;
            final boolean emptied = offset <= segments.first().baseOffset();
            // readers first stop looking at what goes: they never read at or past the published end
            logEndOffset = Math.max(offset, segments.first().baseOffset());
            final SegmentList.Truncated truncated = callIo("truncating " + topicPartition + " to offset " + offset,
                    () -> {
                        final SegmentList.Truncated cut = segments.truncateTo(dir, offset, cfg, clock.millis());
                        LogLoader.rebuildProducerState(List.of(segments.array()), cut.endOffset(), producers);
                        return cut;
                    });
            final long end = truncated.endOffset();
            if (emptied) {
                logStartOffset = offset;
            }
            logEndOffset = end;
            logStartOffset = Math.min(logStartOffset, end);
            flushState.lowerRecoveryPointTo(end);
            firstDirtyOffset = Math.min(firstDirtyOffset, end);
            return truncated.removed();
        } finally {
            lock.unlock();
        }
    }

    // ------------------------------------------------------------------------------------------ compaction

    /** The current segment array, for the cleaner to read (it never changes an array it was handed). */
    public LogSegment[] segmentsForCleaning() {
        return segments.array();
    }

    /** Where the part of the log no cleaner pass has seen starts, within [log start, log end]. */
    public long firstDirtyOffset() {
        return Math.min(Math.max(firstDirtyOffset, logStartOffset), logEndOffset);
    }

    /** How many times the log was truncated; a cleaning that saw another count must not swap anything in. */
    public long truncations() {
        return truncations;
    }

    /** The cleaner checkpoint read at open ({@code cleaner-offset-checkpoint}), held within [log start, log end]. */
    void restoreFirstDirtyOffset(final long checkpointed) {
        lock.lock();
        try {
            firstDirtyOffset = Math.min(Math.max(checkpointed, logStartOffset), logEndOffset);
        } finally {
            lock.unlock();
        }
    }

    /** A cleaner pass covered everything below {@code offset}, unless the log was truncated since it began. */
    public void markCleanedUpTo(final long offset, final long truncationsAtStart) {
        lock.lock();
        try {
            if (truncations == truncationsAtStart) {
                firstDirtyOffset = Math.max(firstDirtyOffset, Math.min(offset, logEndOffset));
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Puts the cleaned copy of the consecutive segments {@code group} (the {@code .swap} files of the first one's
     * base offset, see {@link SegmentSwap}) in their place, under the lock but doing only renames and an
     * index-trusting open. Readers that took the old array or a slice of an old segment keep reading it: its files
     * are renamed to {@code .deleted} and stay open.
     *
     * @return the replaced segments, for closing after {@code file.delete.delay.ms}; empty when they are no longer
     *         all in the log (retention removed some, the log was truncated or closed), the cleaned files then deleted
     * @throws KafkaStorageException disk failure (the log is then offline)
     */
    public List<LogSegment> replaceWithCleaned(final List<LogSegment> group, final long truncationsAtStart) {
        lock.lock();
        try {
            final int index = segments.indexOfClosed(group);
            final long base = group.get(0).baseOffset();
            return callIo("swapping in the cleaned segment " + base + " of " + topicPartition, () -> {
                if (closed || isOffline() || index < 0 || truncations != truncationsAtStart) {
                    SegmentSwap.discard(dir, base);
                    return List.of();
                }
                final LogConfig cfg = config;
                // the old files go first: a crash from here on finds the .swap log and completes the swap
                for (final LogSegment old : group) {
                    old.renameForDeletion();
                }
                SegmentSwap.install(dir, base);
                final LogSegment cleaned = LogSegment.open(dir, base, cfg.segmentIndexBytes(), false);
                cleaned.loadTrusted(cfg.indexIntervalBytes(), cfg.segmentIndexBytes(), false);
                segments.replace(index, group.size(), cleaned);
                return List.copyOf(group);
            });
        } finally {
            lock.unlock();
        }
    }

    // ------------------------------------------------------------------------------------ timestamp lookups

    /**
     * The first record (by offset) at or after the log start offset whose timestamp is &gt;= {@code timestamp}.
     * Decodes one batch.
     */
    public Optional<TimestampAndOffset> offsetForTimestamp(final long timestamp) {
        lock.lock();
        try {
            ensureOnline();
            final long start = logStartOffset;
            return callIo("searching " + topicPartition + " by timestamp",
                    () -> segments.findByTimestamp(timestamp, start));
        } finally {
            lock.unlock();
        }
    }

    /** The first record carrying the largest timestamp in the log (ListOffsets MAX_TIMESTAMP, KIP-734). */
    public Optional<TimestampAndOffset> maxTimestampOffset() {
        lock.lock();
        try {
            ensureOnline();
            return callIo("searching " + topicPartition + " for the max timestamp", segments::maxTimestampRecord);
        } finally {
            lock.unlock();
        }
    }

    // ------------------------------------------------------------------------------------------------ close

    /**
     * Flushes, writes the final index entries and trims the indexes, snapshots producer state, closes files; then
     * completes the appends waiting for a flush (or fails them, if the log is offline or closing failed). An offline
     * log writes nothing: it only closes its files.
     */
    @Override
    public void close() {
        flushLock.lock();
        try {
            closeLocked();
        } catch (final KafkaStorageException e) {
            failWaiters(e);
            throw e;
        } finally {
            flushLock.unlock();
        }
        if (isOffline()) {
            failWaiters(new KafkaStorageException("Log of " + topicPartition + " is offline after a disk error"));
        } else {
            takeWaiters().forEach(flushed -> flushed.complete(null));
        }
    }

    private void closeLocked() {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            if (isOffline()) {
                segments.closeWithoutWriting();
                return;
            }
            final long end = logEndOffset;
            try {
                runIo("closing log of " + topicPartition, () -> {
                    producers.writeSnapshot(end);
                    segments.close();
                });
            } catch (final KafkaStorageException e) {
                segments.closeWithoutWriting();
                throw e;
            }
            flushState.closedAt(end);
        } finally {
            lock.unlock();
        }
    }

    /** Closes the files without flushing anything (the log is about to be deleted); waiting appends fail. */
    public void closeForDelete() {
        flushLock.lock();
        try {
            lock.lock();
            try {
                if (closed) {
                    return;
                }
                closed = true;
                segments.closeWithoutWriting();
            } finally {
                lock.unlock();
            }
        } finally {
            flushLock.unlock();
        }
        failWaiters(new KafkaStorageException("Log of " + topicPartition + " was deleted before its flush"));
    }

    /** True after a disk error in this log or in another log of its directory: it takes no more writes or reads. */
    public boolean isOffline() {
        return offline || dirFailures.isOffline(logDir);
    }

    @Override
    public String toString() {
        return "PartitionLog(" + topicPartition + ", start=" + logStartOffset + ", end=" + logEndOffset
                + ", segments=" + segments.count() + ")";
    }
}
