package io.runnel.storage;

import static io.runnel.storage.record.RecordBatchFlyweight.HEADER_SIZE;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
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
import io.runnel.storage.producer.ProducerEntry;
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

    /** An append waiting for the recovery point to pass its last offset. */
    private record FlushWaiter(long lastOffset, CompletableFuture<Void> flushed) {
    }

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

    private volatile LogConfig config;
    private volatile LogSegment[] segments;
    private volatile long logEndOffset;
    private volatile long logStartOffset;
    private volatile boolean offline;
    /** Offset below which everything is fsync'd; written under the lock. */
    private volatile long recoveryPoint;
    private volatile long lastFlushMs;
    /** Where the part of the log the cleaner has not seen yet starts (checkpointed by the LogManager). */
    private volatile long firstDirtyOffset;
    /** Bumped by every {@link #truncateTo}, so a cleaning that began before one does not swap in stale copies. */
    private volatile long truncations;

    // Guarded by lock.
    private final RecordBatchFlyweight batch = new RecordBatchFlyweight();
    private final RecordBatchFlyweight earlier = new RecordBatchFlyweight();
    private final CRC32C crc = new CRC32C();
    private final BatchValidator validator = new BatchValidator();
    /** Records appended since the last flush was asked for by count. */
    private long unflushedMessages;
    /** A flush was asked for and has not started yet: the next one will cover every append until it starts. */
    private boolean flushRequested;
    /** In offset order, as appends are. */
    private final ArrayDeque<FlushWaiter> waiters = new ArrayDeque<>();
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
        this.flusher = flusher;
        this.segments = loaded.segments().toArray(new LogSegment[0]);
        this.logEndOffset = loaded.logEndOffset();
        // The checkpoint is ahead of the first segment when a crash undid a deletion (the next retention pass
        // removes that segment again); it can never be past the end, as retention rolls before deleting the last
        // segment, unless the files were tampered with.
        this.logStartOffset = Math.min(Math.max(segments[0].baseOffset(), logStartOffsetCheckpoint), logEndOffset);
        this.firstDirtyOffset = logStartOffset;
        this.recoveryPoint = loaded.logEndOffset();
        this.lastFlushMs = clock.millis();
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
        try {
            Files.createDirectories(dir);
            final ProducerStateManager producers = new ProducerStateManager(dir);
            final LogLoader.LoadedLog loaded = LogLoader.load(dir, recoveryPoint, cleanShutdown,
                    config.indexIntervalBytes(), config.segmentIndexBytes(), clock.millis(), producers);
            return new PartitionLog(topicPartition, dir, config, clock, producers, loaded, logStartOffset, dirFailures,
                    flusher);
        } catch (final IOException e) {
            dirFailures.report(dir.getParent(), e);
            throw StorageIo.failure("opening log " + dir, e);
        }
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
        return segments.length;
    }

    /** Bytes in all segments' log files (what {@code retention.bytes} limits). */
    public long sizeInBytes() {
        long size = 0;
        for (final LogSegment segment : segments) {
            size += segment.size();
        }
        return size;
    }

    /** Offset below which everything is known to be on disk (fsync'd). */
    public long recoveryPoint() {
        return recoveryPoint;
    }

    /** When the last flush finished (or the log opened), for {@code flush.ms}. */
    public long lastFlushMs() {
        return lastFlushMs;
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
            final AppendResult duplicate = checkProducers(buffer, batchStarts, count, cfg);
            if (duplicate != null) {
                return duplicate;
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
            final LogSegment active = segments[segments.length - 1];
            final LogSegment segment = maybeRoll(buffer.remaining(), nextOffset - 1, now, cfg);
            try {
                segment.append(buffer, batchStarts, count, batch, cfg.indexIntervalBytes(), now);
            } catch (final IOException e) {
                throw diskError("appending to " + topicPartition, e);
            }
            for (int i = 0; i < count; i++) {
                batch.wrap(buffer, batchStarts[i]);
                final long producerId = batch.producerId();
                if (producerId >= 0) {
                    producers.update(producerId, batch.producerEpoch(), batch.baseSequence(), batch.lastSequence(),
                            batch.baseOffset(), batch.lastOffset(), batch.maxTimestamp());
                }
            }
            logEndOffset = nextOffset;
            final CompletableFuture<Void> flushed = awaitFlushIfDue(recordCount, nextOffset - 1, cfg);
            final boolean wanted = flushed != AppendResult.NOTHING_TO_AWAIT || segment != active
                    || (cfg.flushIntervalMs() != Long.MAX_VALUE && now - lastFlushMs >= cfg.flushIntervalMs());
            askFlusher = wanted && !flushRequested;
            flushRequested |= wanted;
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

    /**
     * Counts the appended records against {@code flush.messages}; when they reach it (Kafka flushes inline then),
     * the append waits for a flush: returns its future, else {@link AppendResult#NOTHING_TO_AWAIT}.
     */
    private CompletableFuture<Void> awaitFlushIfDue(final int appendedRecords, final long lastOffset,
                                                    final LogConfig cfg) {
        unflushedMessages += appendedRecords;
        if (cfg.flushIntervalMessages() == Long.MAX_VALUE || unflushedMessages < cfg.flushIntervalMessages()) {
            return AppendResult.NOTHING_TO_AWAIT;
        }
        // the flush this asks for covers these records, so the count starts again now
        unflushedMessages = 0;
        final CompletableFuture<Void> flushed = new CompletableFuture<>();
        waiters.addLast(new FlushWaiter(lastOffset, flushed));
        return flushed;
    }

    /** Duplicate detection and sequence/epoch checks; returns the original append for a duplicate, else null. */
    private AppendResult checkProducers(final ByteBuffer buffer, final int[] batchStarts, final int count,
                                        final LogConfig cfg) {
        for (int i = 0; i < count; i++) {
            batch.wrap(buffer, batchStarts[i]);
            final long producerId = batch.producerId();
            if (producerId < 0) {
                continue;
            }
            final short epoch = batch.producerEpoch();
            final int firstSeq = batch.baseSequence();
            int previous = -1;
            for (int j = i - 1; j >= 0 && previous < 0; j--) {
                if (earlier.wrap(buffer, batchStarts[j]).producerId() == producerId) {
                    previous = j;
                }
            }
            if (previous >= 0) {
                ProducerStateManager.checkSequence(producerId, true, earlier.producerEpoch(), earlier.lastSequence(),
                        epoch, firstSeq);
                continue;
            }
            final ProducerEntry entry = producers.get(producerId);
            if (entry == null) {
                ProducerStateManager.checkSequence(producerId, false, (short) -1, -1, epoch, firstSeq);
                continue;
            }
            final int duplicate = entry.findDuplicate(epoch, firstSeq, batch.lastSequence());
            if (duplicate >= 0) {
                final long first = entry.firstOffsetAt(duplicate);
                final long last = entry.lastOffsetAt(duplicate);
                final long appendTime = cfg.timestampType() == TimestampType.LOG_APPEND_TIME
                        ? entry.timestampAt(duplicate) : -1;
                // as in Kafka, a retry is answered at once, without waiting for the original's flush
                return new AppendResult(first, last, appendTime, logStartOffset, (int) (last - first + 1), true,
                        AppendResult.NOTHING_TO_AWAIT);
            }
            ProducerStateManager.checkSequence(producerId, entry.batchCount() > 0, entry.epoch(), entry.lastSeq(),
                    epoch, firstSeq);
        }
        return null;
    }

    private LogSegment maybeRoll(final int bytes, final long lastOffset, final long now, final LogConfig cfg) {
        final LogSegment active = segments[segments.length - 1];
        if (active.isEmpty()) {
            return active;
        }
        final long rollBase = active.rollingBasedTimestampMs();
        final boolean roll = active.wouldExceed(bytes, cfg.segmentBytes())
                || (rollBase >= 0 && now - rollBase > cfg.segmentMs())
                || active.indexesFull()
                || lastOffset - active.baseOffset() > Integer.MAX_VALUE;
        return roll ? roll(now, cfg) : active;
    }

    private LogSegment roll(final long now, final LogConfig cfg) {
        final LogSegment old = segments[segments.length - 1];
        final long newBase = logEndOffset;
        try {
            old.onRolled();
            producers.writeSnapshot(newBase);
            final LogSegment fresh = LogSegment.create(dir, newBase, cfg.segmentIndexBytes(), now);
            final LogSegment[] next = Arrays.copyOf(segments, segments.length + 1);
            next[next.length - 1] = fresh;
            segments = next;
            // the recovery point stays: the old segment is fsync'd by the flush the append asks for
            return fresh;
        } catch (final IOException e) {
            throw diskError("rolling a new segment of " + topicPartition + " at offset " + newBase, e);
        }
    }

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
        final List<FlushWaiter> done = new ArrayList<>();
        flushLock.lock();
        try {
            if (!flushLocked(done)) {
                return false;
            }
        } finally {
            flushLock.unlock();
        }
        // outside both locks: completing runs the waiters' continuations (the produce responses)
        for (final FlushWaiter waiter : done) {
            waiter.flushed().complete(null);
        }
        return true;
    }

    /** The body of {@link #flushUnflushed}, under the flush lock; adds the waiters it satisfied to {@code done}. */
    private boolean flushLocked(final List<FlushWaiter> done) {
        final long end;
        final LogSegment[] toFlush;
        final boolean wasOffline;
        lock.lock();
        try {
            // appends from here on ask for another flush, which will cover them
            flushRequested = false;
            if (closed) {
                return false;
            }
            wasOffline = isOffline();
            end = logEndOffset;
            final long from = recoveryPoint;
            final LogSegment[] segs = segments;
            toFlush = end > from ? Arrays.copyOfRange(segs, floorSegment(segs, from), segs.length) : null;
        } finally {
            lock.unlock();
        }
        if (wasOffline) {
            // an append failed after these waiters asked for their flush
            failWaiters(new KafkaStorageException("Log of " + topicPartition + " is offline after a disk error"));
            return false;
        }
        if (toFlush == null) {
            lastFlushMs = clock.millis();
            return false;
        }
        try {
            for (final LogSegment segment : toFlush) {
                flushUnlessRetired(segment);
            }
        } catch (final IOException e) {
            final KafkaStorageException failure = diskError("flushing " + topicPartition, e);
            failWaiters(failure);
            throw failure;
        }
        lock.lock();
        try {
            recoveryPoint = Math.max(recoveryPoint, end);
            lastFlushMs = clock.millis();
            while (!waiters.isEmpty() && waiters.peekFirst().lastOffset() < end) {
                done.add(waiters.pollFirst());
            }
        } finally {
            lock.unlock();
        }
        return true;
    }

    /** A segment that retention or compaction removed meanwhile may be closed already; it needs no fsync. */
    private static void flushUnlessRetired(final LogSegment segment) throws IOException {
        try {
            segment.flush();
        } catch (final IOException e) {
            if (!segment.isRenamedForDeletion()) {
                throw e;
            }
        }
    }

    /** Fails every waiting append (the log went offline or was closed before its flush). */
    private void failWaiters(final KafkaStorageException failure) {
        final List<FlushWaiter> failed;
        lock.lock();
        try {
            failed = new ArrayList<>(waiters);
            waiters.clear();
        } finally {
            lock.unlock();
        }
        for (final FlushWaiter waiter : failed) {
            waiter.flushed().completeExceptionally(failure);
        }
    }

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

    /**
     * Marks this log offline and its whole log directory with it (the one place that does, so a half-done write
     * is never followed by another in any log of a failing disk).
     */
    private KafkaStorageException diskError(final String what, final IOException cause) {
        offline = true;
        dirFailures.report(logDir, cause);
        return StorageIo.failure(what, cause);
    }

    /** A disk error met outside this class while working on this log's files (the cleaner's rewrites). */
    public KafkaStorageException reportDiskError(final String what, final IOException cause) {
        return diskError(what, cause);
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
        final LogSegment[] segs = segments;
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
        try {
            for (int i = floorSegment(segs, fetchOffset); i < segs.length; i++) {
                final LogSegment segment = segs[i];
                final int position = segment.findBatchPosition(fetchOffset, scratch);
                if (position < 0) {
                    continue;
                }
                final int length = segment.sliceLength(position, maxBytes, bound, minOneBatch, scratch);
                return length == 0 ? LogSlice.empty() : new LogSlice(segment.channel(), position, length);
            }
            return LogSlice.empty();
        } catch (final IOException e) {
            throw readFailure("reading " + topicPartition + " at offset " + fetchOffset, e);
        } catch (final UncheckedIOException e) {
            // a lazily opened index that could not be mapped, or one let go of when the log closed
            throw readFailure("reading the index of " + topicPartition + " at offset " + fetchOffset, e.getCause());
        }
    }

    /**
     * A read takes no lock, so the log may close under it (its topic deleted, its directory failed): the closed
     * files then fail the read, which is no sign of a bad disk. Any other failure is one.
     */
    private KafkaStorageException readFailure(final String what, final IOException cause) {
        if (closed) {
            return new KafkaStorageException("Log of " + topicPartition + " closed while " + what);
        }
        return diskError(what, cause);
    }

    private static int floorSegment(final LogSegment[] segs, final long offset) {
        int low = 0;
        int high = segs.length - 1;
        int found = 0;
        while (low <= high) {
            final int mid = (low + high) >>> 1;
            if (segs[mid].baseOffset() <= offset) {
                found = mid;
                low = mid + 1;
            } else {
                high = mid - 1;
            }
        }
        return found;
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
            final int count;
            try {
                count = RetentionRules.deletableCount(segments, cfg, logStartOffset, nowMs);
            } catch (final IOException e) {
                throw diskError("applying retention to " + topicPartition, e);
            }
            if (count == 0) {
                return List.of();
            }
            if (count == segments.length) {
                roll(nowMs, cfg);
            }
            final LogSegment[] all = segments;
            final LogSegment[] kept = Arrays.copyOfRange(all, count, all.length);
            logStartOffset = Math.max(logStartOffset, kept[0].baseOffset());
            segments = kept;
            final List<LogSegment> removed = List.of(Arrays.copyOfRange(all, 0, count));
            try {
                for (final LogSegment segment : removed) {
                    segment.renameForDeletion();
                }
            } catch (final IOException e) {
                throw diskError("renaming deleted segments of " + topicPartition, e);
            }
            return removed;
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
            final LogSegment[] all = segments;
            final LogConfig cfg = config;
            // readers first stop looking at what goes: they never read at or past the published end
            logEndOffset = Math.max(offset, all[0].baseOffset());
            long end = offset;
            try {
                final List<LogSegment> removed;
                final LogSegment active;
                if (offset <= all[0].baseOffset()) {
                    removed = List.of(all);
                    for (final LogSegment segment : removed) {
                        segment.renameForDeletion();
                    }
                    active = LogSegment.create(dir, offset, cfg.segmentIndexBytes(), clock.millis());
                    segments = new LogSegment[] {active};
                    logStartOffset = offset;
                } else {
                    final int keep = floorSegment(all, offset);
                    removed = List.of(Arrays.copyOfRange(all, keep + 1, all.length));
                    for (final LogSegment segment : removed) {
                        segment.renameForDeletion();
                    }
                    active = all[keep];
                    final ByteBuffer header = ByteBuffer.allocate(HEADER_SIZE);
                    final int position = active.findBatchPosition(offset, header);
                    if (position >= 0) {
                        // the batch holding the offset, or the first after it when the cleaner left a gap there
                        end = Math.min(offset, header.getLong(RecordBatchFlyweight.BASE_OFFSET_OFFSET));
                        active.truncateTo(position);
                    }
                    active.recover(Integer.MAX_VALUE, cfg.indexIntervalBytes(), cfg.segmentIndexBytes(), true, false);
                    segments = Arrays.copyOf(all, keep + 1);
                }
                LogLoader.rebuildProducerState(List.of(segments), end, producers);
                logEndOffset = end;
                logStartOffset = Math.min(logStartOffset, end);
                recoveryPoint = Math.min(recoveryPoint, end);
                firstDirtyOffset = Math.min(firstDirtyOffset, end);
                return removed;
            } catch (final IOException e) {
                throw diskError("truncating " + topicPartition + " to offset " + offset, e);
            }
        } finally {
            lock.unlock();
        }
    }

    // ------------------------------------------------------------------------------------------ compaction

    /** The current segment array, for the cleaner to read (it never changes an array it was handed). */
    public LogSegment[] segmentsForCleaning() {
        return segments;
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
            final LogSegment[] current = segments;
            final LogSegment first = group.get(0);
            int index = -1;
            for (int i = 0; i < current.length - 1; i++) {
                if (current[i] == first) {
                    index = i;
                }
            }
            boolean intact = index >= 0 && index + group.size() <= current.length - 1;
            for (int i = 0; intact && i < group.size(); i++) {
                intact = current[index + i] == group.get(i);
            }
            try {
                if (closed || isOffline() || !intact || truncations != truncationsAtStart) {
                    SegmentSwap.discard(dir, first.baseOffset());
                    return List.of();
                }
                final LogConfig cfg = config;
                // the old files go first: a crash from here on finds the .swap log and completes the swap
                for (final LogSegment old : group) {
                    old.renameForDeletion();
                }
                SegmentSwap.install(dir, first.baseOffset());
                final LogSegment cleaned = LogSegment.open(dir, first.baseOffset(), cfg.segmentIndexBytes(), false);
                cleaned.loadTrusted(cfg.indexIntervalBytes(), cfg.segmentIndexBytes(), false);
                final LogSegment[] next = new LogSegment[current.length - group.size() + 1];
                System.arraycopy(current, 0, next, 0, index);
                next[index] = cleaned;
                System.arraycopy(current, index + group.size(), next, index + 1, current.length - index - group.size());
                segments = next;
                return List.copyOf(group);
            } catch (final IOException e) {
                throw diskError("swapping in the cleaned segment " + first.baseOffset() + " of " + topicPartition, e);
            }
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
            for (final LogSegment segment : segments) {
                if (segment.maxTimestamp() >= timestamp) {
                    final Optional<TimestampAndOffset> found = segment.findByTimestamp(timestamp, start);
                    if (found.isPresent()) {
                        return found;
                    }
                }
            }
            return Optional.empty();
        } catch (final IOException e) {
            throw diskError("searching " + topicPartition + " by timestamp", e);
        } finally {
            lock.unlock();
        }
    }

    /** The first record carrying the largest timestamp in the log (ListOffsets MAX_TIMESTAMP, KIP-734). */
    public Optional<TimestampAndOffset> maxTimestampOffset() {
        lock.lock();
        try {
            ensureOnline();
            LogSegment best = null;
            for (final LogSegment segment : segments) {
                if (segment.offsetOfMaxTimestamp() >= 0 && (best == null || segment.maxTimestamp() > best.maxTimestamp())) {
                    best = segment;
                }
            }
            if (best == null) {
                return Optional.empty();
            }
            return best.maxTimestampRecord();
        } catch (final IOException e) {
            throw diskError("searching " + topicPartition + " for the max timestamp", e);
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
            completeWaiters();
        }
    }

    private void completeWaiters() {
        final List<FlushWaiter> done;
        lock.lock();
        try {
            done = new ArrayList<>(waiters);
            waiters.clear();
        } finally {
            lock.unlock();
        }
        for (final FlushWaiter waiter : done) {
            waiter.flushed().complete(null);
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
                closeFiles();
                return;
            }
            final long end = logEndOffset;
            IOException failure = null;
            try {
                producers.writeSnapshot(end);
                for (final LogSegment segment : segments) {
                    try {
                        segment.close();
                    } catch (final IOException e) {
                        if (failure == null) {
                            failure = e;
                        } else {
                            failure.addSuppressed(e);
                        }
                    }
                }
            } catch (final IOException e) {
                failure = e;
            }
            if (failure != null) {
                closeFiles();
                throw diskError("closing log of " + topicPartition, failure);
            }
            recoveryPoint = end;
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
                closeFiles();
            } finally {
                lock.unlock();
            }
        } finally {
            flushLock.unlock();
        }
        failWaiters(new KafkaStorageException("Log of " + topicPartition + " was deleted before its flush"));
    }

    /** Closes every segment's files without writing (the log is offline or about to be deleted). */
    private void closeFiles() {
        for (final LogSegment segment : segments) {
            segment.closeWithoutWriting();
        }
    }

    /** True after a disk error in this log or in another log of its directory: it takes no more writes or reads. */
    public boolean isOffline() {
        return offline || dirFailures.isOffline(logDir);
    }

    @Override
    public String toString() {
        return "PartitionLog(" + topicPartition + ", start=" + logStartOffset + ", end=" + logEndOffset
                + ", segments=" + segments.length + ")";
    }
}
