package io.runnel.storage.log;

import static io.runnel.storage.record.RecordBatchFlyweight.HEADER_SIZE;

import io.runnel.storage.TimestampAndOffset;
import io.runnel.storage.index.OffsetIndex;
import io.runnel.storage.index.TimeIndex;
import io.runnel.storage.record.RecordBatchFlyweight;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import org.apache.kafka.common.record.internal.RecordBatch;

/**
 * One segment of a partition log: a {@code .log} file of record batches plus its two sparse indexes.
 *
 * <p>Files, all named by the segment's base offset (the first offset it may hold) as 20 zero-padded digits:
 * <ul>
 *   <li>{@code 00000000000000000000.log}: magic v2 record batches back to back, exactly as produced
 *       (base offset and partition leader epoch rewritten by the broker), no framing of our own;</li>
 *   <li>{@code .index}: see {@link OffsetIndex};</li>
 *   <li>{@code .timeindex}: see {@link TimeIndex}.</li>
 * </ul>
 * The log file is the truth; both indexes are derived from it and rebuilt by {@link #recover} or when
 * they fail their sanity check on a trusted load. A segment removed by retention has its three files renamed
 * to {@code <name>.deleted} ({@link #renameForDeletion}) and stays open until {@link #closeAndDelete}.
 *
 * <p>The segment holds its files and what it knows of its batches; its parts in this package work on its fields:
 * {@link SegmentFiles} creates and opens it, {@link SegmentRecovery} loads or rebuilds that knowledge from the
 * files, {@link SegmentReads} searches the log file.
 *
 * <p>Thread safety: mutators ({@code append}, {@code recover}, {@code truncateTo}, {@code onRolled},
 * {@code renameForDeletion}, {@code close}) are called by the owning {@code PartitionLog} under its append lock;
 * {@code closeAndDelete} of a renamed segment by whoever it was handed to, once no reader can still need it. The
 * read helpers are safe to call concurrently with an append: they only look at bytes below {@link #size()}, which
 * is a volatile field written after the bytes and index entries it covers. So is {@code flush}, which the log
 * flusher calls off the lock.
 */
public final class LogSegment implements AutoCloseable {

    public static final String LOG_SUFFIX = ".log";
    public static final String INDEX_SUFFIX = ".index";
    public static final String TIME_INDEX_SUFFIX = ".timeindex";
    /** Appended to the names of a segment's files once retention removed it from its log. */
    public static final String DELETED_SUFFIX = ".deleted";

    private final Path dir;
    private final long baseOffset;
    final Path logFile;
    final FileChannel channel;
    final OffsetIndex offsetIndex;
    final TimeIndex timeIndex;

    /** Published end of the valid bytes; readers never look past it. */
    volatile int size;
    // Guarded by the partition's append lock (read by control-plane lookups under the same lock).
    long lastOffset;
    long maxTimestamp = RecordBatch.NO_TIMESTAMP;
    long offsetOfMaxTimestamp = -1;
    int bytesSinceLastIndexEntry;
    long rollingBasedTimestampMs;
    boolean indexFilesExisted = true;
    /** False for a segment opened by {@link SegmentFiles#openTrusted} until its max timestamp is first asked for. */
    volatile boolean timestampsLoaded = true;

    private volatile boolean renamedForDeletion;

    LogSegment(
            final Path dir,
            final long baseOffset,
            final FileChannel channel,
            final OffsetIndex offsetIndex,
            final TimeIndex timeIndex,
            final int size,
            final long rollingBasedTimestampMs) {
        this(dir, baseOffset, "", channel, offsetIndex, timeIndex, size, rollingBasedTimestampMs);
    }

    LogSegment(
            final Path dir,
            final long baseOffset,
            final String suffix,
            final FileChannel channel,
            final OffsetIndex offsetIndex,
            final TimeIndex timeIndex,
            final int size,
            final long rollingBasedTimestampMs) {
        this.dir = dir;
        this.baseOffset = baseOffset;
        this.logFile = dir.resolve(fileName(baseOffset, LOG_SUFFIX) + suffix);
        this.channel = channel;
        this.offsetIndex = offsetIndex;
        this.timeIndex = timeIndex;
        this.size = size;
        this.lastOffset = baseOffset - 1;
        this.rollingBasedTimestampMs = rollingBasedTimestampMs;
    }

    public static String fileName(final long offset, final String suffix) {
        return String.format("%020d", offset) + suffix;
    }

    public long baseOffset() {
        return baseOffset;
    }

    public int size() {
        return size;
    }

    public boolean isEmpty() {
        return size == 0;
    }

    public FileChannel channel() {
        return channel;
    }

    /** Last offset of the last batch, or base offset - 1 when empty. */
    public long lastOffset() {
        return lastOffset;
    }

    /** End offset (exclusive) of this segment's records. */
    public long nextOffset() {
        return lastOffset + 1;
    }

    public long maxTimestamp() {
        SegmentRecovery.loadTimestamps(this);
        return maxTimestamp;
    }

    public long offsetOfMaxTimestamp() {
        SegmentRecovery.loadTimestamps(this);
        return offsetOfMaxTimestamp;
    }

    /**
     * The time retention judges this segment by: its largest record timestamp, or the log file's last-modified
     * time when no record carries a timestamp (as Kafka does).
     */
    public long largestTimestamp() throws IOException {
        SegmentRecovery.loadTimestamps(this);
        if (maxTimestamp != RecordBatch.NO_TIMESTAMP) {
            return maxTimestamp;
        }
        return Files.getLastModifiedTime(currentName(logFile)).toMillis();
    }

    public long rollingBasedTimestampMs() {
        return rollingBasedTimestampMs;
    }

    public OffsetIndex offsetIndex() {
        return offsetIndex;
    }

    public TimeIndex timeIndex() {
        return timeIndex;
    }

    public boolean indexesFull() {
        return offsetIndex.isFull() || timeIndex.isFull();
    }

    // ---------------------------------------------------------------- append (under the append lock)

    /**
     * Writes {@code buffer[position, limit)} (whole, already validated and offset-assigned batches starting at
     * {@code batchStarts[0..count)}) with one positional write at the end of the file, adds index entries,
     * and then publishes the new size. The buffer's position and limit are unchanged on return.
     */
    public void append(
            final ByteBuffer buffer,
            final int[] batchStarts,
            final int count,
            final RecordBatchFlyweight batch,
            final int indexIntervalBytes,
            final long nowMs)
            throws IOException {
        final int start = size;
        final int bufferStart = buffer.position();
        try {
            long filePosition = start;
            while (buffer.hasRemaining()) {
                filePosition += channel.write(buffer, filePosition);
            }
        } finally {
            buffer.position(bufferStart);
        }
        if (start == 0) {
            rollingBasedTimestampMs = nowMs;
        }
        for (int i = 0; i < count; i++) {
            batch.wrap(buffer, batchStarts[i]);
            onBatch(
                    start + batchStarts[i] - bufferStart,
                    batch.sizeInBytes(),
                    batch.baseOffset(),
                    batch.lastOffset(),
                    batch.maxTimestamp(),
                    indexIntervalBytes);
        }
        size = start + (buffer.limit() - bufferStart);
    }

    /** Learns one batch written at {@code position}, and indexes it when {@code indexIntervalBytes} have passed. */
    void onBatch(
            final int position,
            final int batchSize,
            final long batchBaseOffset,
            final long batchLastOffset,
            final long batchMaxTimestamp,
            final int indexIntervalBytes) {
        if (batchMaxTimestamp > maxTimestamp) {
            maxTimestamp = batchMaxTimestamp;
            offsetOfMaxTimestamp = batchBaseOffset;
        }
        if (bytesSinceLastIndexEntry > indexIntervalBytes && !offsetIndex.isFull() && !timeIndex.isFull()) {
            offsetIndex.append(batchLastOffset, position);
            timeIndex.maybeAppend(maxTimestamp, offsetOfMaxTimestamp);
            bytesSinceLastIndexEntry = 0;
        }
        bytesSinceLastIndexEntry += batchSize;
        lastOffset = batchLastOffset;
    }

    /** Room left for appends before {@code segmentBytes}. */
    public boolean wouldExceed(final int bytes, final int segmentBytes) {
        return (long) size + bytes > segmentBytes;
    }

    // ---------------------------------------------------------------- load and recovery (under the lock)

    /**
     * Trusting load after a clean shutdown: keeps the indexes unless one fails its sanity check (then both
     * are rebuilt), and steps over the batch headers after the last index entry to learn the last offset,
     * the max timestamp and the index interval state. No CRC checks. See {@link SegmentRecovery}.
     */
    public void loadTrusted(final int indexIntervalBytes, final int maxIndexSize, final boolean active)
            throws IOException {
        SegmentRecovery.loadTrusted(this, indexIntervalBytes, maxIndexSize, active);
    }

    /** The max timestamp of the first batch (how old the oldest records are), or -1 when empty. */
    public long firstBatchTimestamp() throws IOException {
        return SegmentReads.firstBatchMaxTimestamp(
                channel, size, ByteBuffer.allocate(HEADER_SIZE), new RecordBatchFlyweight());
    }

    /**
     * Validates every batch (length, magic, offsets increasing, CRC-32C when {@code validateCrc}), truncates the
     * file at the first bad byte, and rebuilds both indexes. See {@link SegmentRecovery}.
     *
     * @return the number of bytes truncated
     */
    public int recover(
            final int maxBatchSize,
            final int indexIntervalBytes,
            final int maxIndexSize,
            final boolean active,
            final boolean validateCrc)
            throws IOException {
        return SegmentRecovery.recover(this, maxBatchSize, indexIntervalBytes, maxIndexSize, active, validateCrc);
    }

    /** Drops everything from {@code position} on (which must be a batch boundary found by a scan). */
    public void truncateTo(final int position) throws IOException {
        channel.truncate(position);
        size = position;
    }

    /**
     * Called when this segment stops being the active one: final time-index entry, trim. No fsync: a roll runs on
     * the appending thread, and the log's flusher fsyncs the segment before the recovery point passes it.
     */
    public void onRolled() throws IOException {
        if (maxTimestamp != RecordBatch.NO_TIMESTAMP && offsetOfMaxTimestamp >= baseOffset) {
            timeIndex.maybeAppend(maxTimestamp, offsetOfMaxTimestamp);
        }
        offsetIndex.trimToValidSize();
        timeIndex.trimToValidSize();
    }

    /**
     * fsyncs the log file and both indexes. Safe to call without the append lock while appends go on
     * ({@code FileChannel.force} and {@code msync} do not disturb concurrent writes); what it covers is at least what
     * was written before the call.
     */
    public void flush() throws IOException {
        channel.force(true);
        offsetIndex.flush();
        timeIndex.flush();
    }

    @Override
    public void close() throws IOException {
        try {
            onRolled();
            flush();
        } finally {
            channel.close();
        }
    }

    /**
     * Closes the log file and lets go of the index mappings without writing anything: the disk failed, or the
     * segment is about to be deleted.
     */
    public void closeWithoutWriting() {
        try {
            channel.close();
        } catch (final IOException ignored) {
            // nothing more is written to this file
        }
        offsetIndex.release();
        timeIndex.release();
    }

    /**
     * Renames the segment's files to {@code <name>.deleted}, keeping them open: a reader that took this segment
     * before it left the log keeps reading through the open channel (a rename does not disturb open files), and a
     * crash before {@link #closeAndDelete} leaves names that the next open removes. The indexes go first, so a
     * crash half way leaves either a log file whose indexes are rebuilt or nothing of the segment's data.
     */
    public void renameForDeletion() throws IOException {
        if (renamedForDeletion) {
            return;
        }
        // An older segment of the same base offset (replaced by the cleaner) may still wait under these names:
        // replacing unlinks its files, which does not disturb its open channel, and its own delete then finds
        // nothing or this segment's files, which are unlinked just as harmlessly.
        offsetIndex.renameTo(deletedName(offsetIndex.file()));
        timeIndex.renameTo(deletedName(timeIndex.file()));
        Files.move(logFile, deletedName(logFile), StandardCopyOption.REPLACE_EXISTING);
        renamedForDeletion = true;
    }

    /**
     * Closes without flushing and deletes the segment's files, under their {@code .deleted} names if it was
     * renamed (used by retention after the delay, and by recovery for segments past a bad byte).
     */
    public void closeAndDelete() throws IOException {
        channel.close();
        Files.deleteIfExists(currentName(logFile));
        // the indexes know their current names (renameTo)
        Files.deleteIfExists(offsetIndex.file());
        Files.deleteIfExists(timeIndex.file());
    }

    /** True once retention or compaction took the segment out of its log (its files then go after a delay). */
    public boolean isRenamedForDeletion() {
        return renamedForDeletion;
    }

    private Path currentName(final Path file) {
        return renamedForDeletion ? deletedName(file) : file;
    }

    private static Path deletedName(final Path file) {
        return file.resolveSibling(file.getFileName() + DELETED_SUFFIX);
    }

    // ---------------------------------------------------------------- reads (lock-free)

    /**
     * Position of the batch holding {@code offset} (the first batch whose last offset is &gt;= it), or -1 when
     * no published batch of this segment does.
     */
    public int findBatchPosition(final long offset, final ByteBuffer scratch) throws IOException {
        return SegmentReads.findBatchPosition(this, offset, scratch);
    }

    /**
     * Number of bytes to send from {@code position}: whole batches with base offset below
     * {@code maxOffsetExclusive}, at most {@code maxBytes}, the last of them possibly cut at {@code maxBytes} (the
     * protocol allows a partial trailing batch); one whole first batch when {@code minOneBatch} even if larger.
     */
    public int sliceLength(
            final int position,
            final int maxBytes,
            final long maxOffsetExclusive,
            final boolean minOneBatch,
            final ByteBuffer scratch)
            throws IOException {
        return SegmentReads.sliceLength(this, position, maxBytes, maxOffsetExclusive, minOneBatch, scratch);
    }

    // ---------------------------------------------------------------- control-plane lookups (under the lock)

    /**
     * First record with timestamp &gt;= {@code timestamp} and offset &gt;= {@code minOffset} in this segment (the
     * log start offset: records below it are deleted, even while their segment remains).
     */
    public Optional<TimestampAndOffset> findByTimestamp(
            final long timestamp, final long minOffset, final int maxRecordBytes) throws IOException {
        return SegmentReads.findByTimestamp(this, timestamp, minOffset, maxRecordBytes);
    }

    /** The first record carrying this segment's max timestamp. */
    public Optional<TimestampAndOffset> maxTimestampRecord(final int maxRecordBytes) throws IOException {
        return SegmentReads.maxTimestampRecord(this, maxRecordBytes);
    }

    public Path dir() {
        return dir;
    }

    @Override
    public String toString() {
        return "LogSegment(" + logFile + ", size=" + size + ", lastOffset=" + lastOffset + ")";
    }
}
