package io.runnel.storage;

import static io.runnel.storage.record.RecordBatchFlyweight.HEADER_SIZE;
import static io.runnel.storage.record.RecordBatchFlyweight.LOG_OVERHEAD;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
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

import io.runnel.storage.log.LogLoader;
import io.runnel.storage.log.LogSegment;
import io.runnel.storage.log.SegmentSwap;
import io.runnel.storage.log.StorageIo;
import io.runnel.storage.producer.ProducerEntry;
import io.runnel.storage.producer.ProducerStateManager;
import io.runnel.storage.record.CompactedRecordKeys;
import io.runnel.storage.record.RecordBatchFlyweight;

/**
 * The log of one partition: an ordered list of {@link LogSegment}s in directory {@code <topic>-<partition>},
 * the last one active, plus the idempotent-producer state ({@link ProducerStateManager}).
 *
 * <p>Thread safety: appends, rolls, flushes, config changes, timestamp lookups, retention and close are
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
 * is checked through a flyweight (length, magic 2, size, CRC-32C, record count) before anything is written,
 * idempotent producers' sequences are checked, then base offset and partition leader epoch (not covered by the
 * CRC) are rewritten in place (plus max timestamp and CRC for LOG_APPEND_TIME topics) and the whole request is
 * written with one positional write.
 */
public final class PartitionLog implements AutoCloseable {

    private static final ThreadLocal<ByteBuffer> READ_SCRATCH =
            ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(HEADER_SIZE));

    private final TopicPartition topicPartition;
    private final Path dir;
    private final InstantSource clock;
    private final ReentrantLock lock = new ReentrantLock();
    private final ProducerStateManager producers;

    private volatile LogConfig config;
    private volatile LogSegment[] segments;
    private volatile long logEndOffset;
    private volatile long logStartOffset;
    private volatile boolean offline;
    /** Where the part of the log the cleaner has not seen yet starts (checkpointed by the LogManager). */
    private volatile long firstDirtyOffset;
    /** Bumped by every {@link #truncateTo}, so a cleaning that began before one does not swap in stale copies. */
    private volatile long truncations;

    // Guarded by lock.
    private final RecordBatchFlyweight batch = new RecordBatchFlyweight();
    private final RecordBatchFlyweight earlier = new RecordBatchFlyweight();
    private final CRC32C crc = new CRC32C();
    private int[] batchStarts = new int[8];
    private long recoveryPoint;
    private long unflushedMessages;
    private long lastFlushMs;
    private boolean closed;

    private PartitionLog(final TopicPartition topicPartition, final Path dir, final LogConfig config,
                         final InstantSource clock, final ProducerStateManager producers,
                         final LogLoader.LoadedLog loaded, final long logStartOffsetCheckpoint) {
        this.topicPartition = topicPartition;
        this.dir = dir;
        this.config = config;
        this.clock = clock;
        this.producers = producers;
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
     * Opens (or creates) the log in {@code dir}. After an unclean shutdown, segments from the one holding
     * {@code recoveryPoint} onwards are scanned and repaired; see {@link LogLoader}. The log starts at
     * {@code logStartOffset} (the checkpointed value) or at its first segment, whichever is later.
     */
    public static PartitionLog open(final TopicPartition topicPartition, final Path dir, final LogConfig config,
                                    final InstantSource clock, final long logStartOffset, final long recoveryPoint,
                                    final boolean cleanShutdown) {
        return StorageIo.call("opening log " + dir, () -> {
            Files.createDirectories(dir);
            final ProducerStateManager producers = new ProducerStateManager(dir);
            final LogLoader.LoadedLog loaded = LogLoader.load(dir, recoveryPoint, cleanShutdown,
                    config.indexIntervalBytes(), config.segmentIndexBytes(), clock.millis(), producers);
            return new PartitionLog(topicPartition, dir, config, clock, producers, loaded, logStartOffset);
        });
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
        lock.lock();
        try {
            return recoveryPoint;
        } finally {
            lock.unlock();
        }
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
     */
    public AppendResult appendAsLeader(final ByteBuffer records, final int leaderEpoch) {
        ByteBuffer buffer = records.order() == ByteOrder.BIG_ENDIAN ? records
                : records.duplicate().order(ByteOrder.BIG_ENDIAN);
        if (buffer.isReadOnly()) {
            final ByteBuffer copy = ByteBuffer.allocate(buffer.remaining());
            copy.put(buffer.duplicate()).flip();
            buffer = copy;
        }
        lock.lock();
        try {
            ensureWritable();
            final LogConfig cfg = config;
            final int count = validateBatches(buffer, cfg);
            if (count == 0) {
                return new AppendResult(-1, -1, -1, logStartOffset, 0, false);
            }
            if (cfg.compacted()) {
                CompactedRecordKeys.requireKeys(buffer, topicPartition);
            }
            final AppendResult duplicate = checkProducers(buffer, count, cfg);
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
            final LogSegment segment = maybeRoll(buffer.remaining(), nextOffset - 1, now, cfg);
            try {
                segment.append(buffer, batchStarts, count, batch, cfg.indexIntervalBytes(), now);
            } catch (final IOException e) {
                offline = true;
                throw StorageIo.failure("appending to " + topicPartition, e);
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
            maybeFlush(recordCount, now, cfg);
            return new AppendResult(firstOffset, nextOffset - 1, logAppendTime ? now : -1, logStartOffset,
                    recordCount, false);
        } finally {
            lock.unlock();
        }
    }

    /** Checks every batch of the request before anything is written; returns the number of batches. */
    private int validateBatches(final ByteBuffer buffer, final LogConfig cfg) {
        final int limit = buffer.limit();
        int position = buffer.position();
        int count = 0;
        while (position < limit) {
            final int remaining = limit - position;
            if (remaining < LOG_OVERHEAD) {
                throw new CorruptRecordException("Record batch at byte " + (position - buffer.position())
                        + " is truncated: only " + remaining + " bytes left");
            }
            batch.wrap(buffer, position);
            final long size = (long) batch.batchLength() + LOG_OVERHEAD;
            if (size > remaining || size < RecordBatchFlyweight.MAGIC_OFFSET + 1) {
                throw new CorruptRecordException("Record batch length " + batch.batchLength()
                        + " does not match the " + remaining + " bytes left");
            }
            if (batch.magic() != RecordBatchFlyweight.MAGIC_V2) {
                throw new UnsupportedForMessageFormatException("Record batch magic " + batch.magic()
                        + " is not supported; only magic 2 is accepted");
            }
            if (size < HEADER_SIZE) {
                throw new CorruptRecordException("Record batch of " + size + " bytes is shorter than its header");
            }
            if (size > cfg.maxMessageBytes()) {
                throw new RecordTooLargeException("Record batch of " + size + " bytes exceeds max.message.bytes "
                        + cfg.maxMessageBytes());
            }
            if (!batch.isCrcValid(crc)) {
                throw new CorruptRecordException("Record batch CRC mismatch (stored " + Integer.toUnsignedString(batch.crc())
                        + ")");
            }
            final int recordCount = batch.recordCount();
            if (recordCount < 1 || batch.lastOffsetDelta() != recordCount - 1) {
                throw new InvalidRecordException("Record batch has record count " + recordCount
                        + " but last offset delta " + batch.lastOffsetDelta());
            }
            // Uncompressed records are checked to add up to the batch (cheap: one varint each). Compressed ones
            // are not decompressed here: that is the cost Runnel's produce path avoids (docs/architecture.md).
            if (batch.compressionCodec() == 0 && !batch.recordsFillBatch()) {
                throw new CorruptRecordException("Record batch declares " + recordCount
                        + " records that do not exactly fill its " + size + " bytes");
            }
            if (count == batchStarts.length) {
                batchStarts = Arrays.copyOf(batchStarts, count * 2);
            }
            batchStarts[count++] = position;
            position += (int) size;
        }
        return count;
    }

    /** Duplicate detection and sequence/epoch checks; returns the original append for a duplicate, else null. */
    private AppendResult checkProducers(final ByteBuffer buffer, final int count, final LogConfig cfg) {
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
                return new AppendResult(first, last, appendTime, logStartOffset, (int) (last - first + 1), true);
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
            recoveryPoint = newBase;
            return fresh;
        } catch (final IOException e) {
            offline = true;
            throw StorageIo.failure("rolling a new segment of " + topicPartition + " at offset " + newBase, e);
        }
    }

    private void maybeFlush(final int appendedRecords, final long now, final LogConfig cfg) {
        unflushedMessages += appendedRecords;
        final boolean byCount = cfg.flushIntervalMessages() != Long.MAX_VALUE
                && unflushedMessages >= cfg.flushIntervalMessages();
        final boolean byTime = cfg.flushIntervalMs() != Long.MAX_VALUE && now - lastFlushMs >= cfg.flushIntervalMs();
        if (byCount || byTime) {
            flushLocked(now);
        }
    }

    /** fsyncs the active segment and advances the recovery point to the log end. */
    public void flush() {
        lock.lock();
        try {
            ensureWritable();
            flushLocked(clock.millis());
        } finally {
            lock.unlock();
        }
    }

    private void flushLocked(final long now) {
        final long end = logEndOffset;
        try {
            segments[segments.length - 1].flush();
        } catch (final IOException e) {
            offline = true;
            throw StorageIo.failure("flushing " + topicPartition, e);
        }
        recoveryPoint = end;
        unflushedMessages = 0;
        lastFlushMs = now;
    }

    private void ensureWritable() {
        if (closed) {
            throw new KafkaStorageException("Log of " + topicPartition + " is closed");
        }
        if (offline) {
            throw new KafkaStorageException("Log of " + topicPartition + " is offline after a disk error");
        }
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
            throw StorageIo.failure("reading " + topicPartition + " at offset " + fetchOffset, e);
        }
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
            if (closed || offline) {
                return List.of();
            }
            final LogConfig cfg = config;
            final int count;
            try {
                count = RetentionRules.deletableCount(segments, cfg, logStartOffset, nowMs);
            } catch (final IOException e) {
                offline = true;
                throw StorageIo.failure("applying retention to " + topicPartition, e);
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
                offline = true;
                throw StorageIo.failure("renaming deleted segments of " + topicPartition, e);
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
                offline = true;
                throw StorageIo.failure("truncating " + topicPartition + " to offset " + offset, e);
            }
        } finally {
            lock.unlock();
        }
    }

    // ------------------------------------------------------------------------------------------ compaction

    /** The current segment array, for the cleaner to read (it never changes an array it was handed). */
    LogSegment[] segmentsForCleaning() {
        return segments;
    }

    /** Where the part of the log no cleaner pass has seen starts, within [log start, log end]. */
    long firstDirtyOffset() {
        return Math.min(Math.max(firstDirtyOffset, logStartOffset), logEndOffset);
    }

    /** How many times the log was truncated; a cleaning that saw another count must not swap anything in. */
    long truncations() {
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
    void markCleanedUpTo(final long offset, final long truncationsAtStart) {
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
    List<LogSegment> replaceWithCleaned(final List<LogSegment> group, final long truncationsAtStart) {
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
                if (closed || offline || !intact || truncations != truncationsAtStart) {
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
                offline = true;
                throw StorageIo.failure("swapping in the cleaned segment " + first.baseOffset() + " of "
                        + topicPartition, e);
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
            final long start = logStartOffset;
            for (final LogSegment segment : segments) {
                if (segment.maxTimestamp() >= timestamp) {
                    final Optional<TimestampAndOffset> found = StorageIo.call("searching " + topicPartition
                            + " by timestamp", () -> segment.findByTimestamp(timestamp, start));
                    if (found.isPresent()) {
                        return found;
                    }
                }
            }
            return Optional.empty();
        } finally {
            lock.unlock();
        }
    }

    /** The first record carrying the largest timestamp in the log (ListOffsets MAX_TIMESTAMP, KIP-734). */
    public Optional<TimestampAndOffset> maxTimestampOffset() {
        lock.lock();
        try {
            LogSegment best = null;
            for (final LogSegment segment : segments) {
                if (segment.offsetOfMaxTimestamp() >= 0 && (best == null || segment.maxTimestamp() > best.maxTimestamp())) {
                    best = segment;
                }
            }
            if (best == null) {
                return Optional.empty();
            }
            final LogSegment found = best;
            return StorageIo.call("searching " + topicPartition + " for the max timestamp", found::maxTimestampRecord);
        } finally {
            lock.unlock();
        }
    }

    // ------------------------------------------------------------------------------------------------ close

    /** Flushes, writes the final index entries and trims the indexes, snapshots producer state, closes files. */
    @Override
    public void close() {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            final long end = logEndOffset;
            StorageIo.run("closing log of " + topicPartition, () -> {
                IOException failure = null;
                if (!offline) {
                    producers.writeSnapshot(end);
                }
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
                if (failure != null) {
                    throw failure;
                }
            });
            if (!offline) {
                recoveryPoint = end;
            }
        } finally {
            lock.unlock();
        }
    }

    /** Closes the files without flushing anything (the log is about to be deleted). */
    void closeForDelete() {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            for (final LogSegment segment : segments) {
                try {
                    segment.channel().close();
                } catch (final IOException ignored) {
                    // the files are about to be deleted
                }
            }
        } finally {
            lock.unlock();
        }
    }

    boolean isOffline() {
        return offline;
    }

    @Override
    public String toString() {
        return "PartitionLog(" + topicPartition + ", start=" + logStartOffset + ", end=" + logEndOffset
                + ", segments=" + segments.length + ")";
    }
}
