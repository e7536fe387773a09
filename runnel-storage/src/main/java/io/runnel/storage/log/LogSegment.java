package io.runnel.storage.log;

import static io.runnel.storage.record.RecordBatchFlyweight.HEADER_SIZE;
import static io.runnel.storage.record.RecordBatchFlyweight.LOG_OVERHEAD;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.zip.CRC32C;

import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.Record;
import org.apache.kafka.common.record.RecordBatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.runnel.storage.TimestampAndOffset;
import io.runnel.storage.index.OffsetIndex;
import io.runnel.storage.index.TimeIndex;
import io.runnel.storage.record.RecordBatchFlyweight;

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
 * <p>Thread safety: mutators ({@code append}, {@code recover}, {@code truncateTo}, {@code onRolled},
 * {@code renameForDeletion}, {@code close}) are called by the owning {@code PartitionLog} under its append lock;
 * {@code closeAndDelete} of a renamed segment by whoever it was handed to, once no reader can still need it. The read helpers
 * are safe to call concurrently with an append: they only look at bytes below {@link #size()}, which is
 * a volatile field written after the bytes and index entries it covers. So is {@code flush}, which the log flusher
 * calls off the lock.
 */
public final class LogSegment implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LogSegment.class);

    public static final String LOG_SUFFIX = ".log";
    public static final String INDEX_SUFFIX = ".index";
    public static final String TIME_INDEX_SUFFIX = ".timeindex";
    /** Appended to the names of a segment's files once retention removed it from its log. */
    public static final String DELETED_SUFFIX = ".deleted";

    private final Path dir;
    private final long baseOffset;
    private final Path logFile;
    private final FileChannel channel;
    private final OffsetIndex offsetIndex;
    private final TimeIndex timeIndex;

    /** Published end of the valid bytes; readers never look past it. */
    private volatile int size;
    // Guarded by the partition's append lock (read by control-plane lookups under the same lock).
    private long lastOffset;
    private long maxTimestamp = RecordBatch.NO_TIMESTAMP;
    private long offsetOfMaxTimestamp = -1;
    private int bytesSinceLastIndexEntry;
    private long rollingBasedTimestampMs;
    private boolean indexFilesExisted = true;
    /** False for a segment opened by {@link #openTrusted} until its max timestamp is first asked for. */
    private volatile boolean timestampsLoaded = true;
    private volatile boolean renamedForDeletion;

    private LogSegment(final Path dir, final long baseOffset, final FileChannel channel, final OffsetIndex offsetIndex,
                       final TimeIndex timeIndex, final int size, final long rollingBasedTimestampMs) {
        this(dir, baseOffset, "", channel, offsetIndex, timeIndex, size, rollingBasedTimestampMs);
    }

    private LogSegment(final Path dir, final long baseOffset, final String suffix, final FileChannel channel,
                       final OffsetIndex offsetIndex, final TimeIndex timeIndex, final int size,
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

    /** Parses the base offset out of {@code <20 digits>.<suffix>}, or -1 if the name is not such a file. */
    public static long parseBaseOffset(final String fileName, final String suffix) {
        if (!fileName.endsWith(suffix) || fileName.length() != 20 + suffix.length()) {
            return -1;
        }
        try {
            return Long.parseLong(fileName.substring(0, 20));
        } catch (final NumberFormatException e) {
            return -1;
        }
    }

    /** Creates a new empty segment (the new active segment). */
    public static LogSegment create(final Path dir, final long baseOffset, final int maxIndexSize, final long nowMs)
            throws IOException {
        final Path log = dir.resolve(fileName(baseOffset, LOG_SUFFIX));
        Files.deleteIfExists(dir.resolve(fileName(baseOffset, INDEX_SUFFIX)));
        Files.deleteIfExists(dir.resolve(fileName(baseOffset, TIME_INDEX_SUFFIX)));
        final FileChannel channel = FileChannel.open(log, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
        return new LogSegment(dir, baseOffset, channel,
                new OffsetIndex(dir.resolve(fileName(baseOffset, INDEX_SUFFIX)), baseOffset, maxIndexSize, true),
                new TimeIndex(dir.resolve(fileName(baseOffset, TIME_INDEX_SUFFIX)), baseOffset, maxIndexSize, true),
                0, nowMs);
    }

    /**
     * Creates the empty replacement the log cleaner writes a cleaned segment into: the usual three files with
     * {@code suffix} ({@code .cleaned}) appended to their names, so nothing of them is mistaken for a segment of the
     * log until {@link SegmentSwap} renames them.
     */
    public static LogSegment createReplacement(final Path dir, final long baseOffset, final int maxIndexSize,
                                               final String suffix) throws IOException {
        final Path log = dir.resolve(fileName(baseOffset, LOG_SUFFIX) + suffix);
        final Path index = dir.resolve(fileName(baseOffset, INDEX_SUFFIX) + suffix);
        final Path timeIndex = dir.resolve(fileName(baseOffset, TIME_INDEX_SUFFIX) + suffix);
        Files.deleteIfExists(index);
        Files.deleteIfExists(timeIndex);
        final FileChannel channel = FileChannel.open(log, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
        return new LogSegment(dir, baseOffset, suffix, channel,
                new OffsetIndex(index, baseOffset, maxIndexSize, true),
                new TimeIndex(timeIndex, baseOffset, maxIndexSize, true), 0, -1);
    }

    /**
     * Opens an existing segment without looking at its contents; follow with {@link #loadTrusted} or
     * {@link #recover}. Indexes of the active segment are opened with room for appends.
     */
    public static LogSegment open(final Path dir, final long baseOffset, final int maxIndexSize, final boolean active)
            throws IOException {
        final Path log = dir.resolve(fileName(baseOffset, LOG_SUFFIX));
        final FileChannel channel = openExisting(log);
        final long fileSize = channel.size();
        final boolean indexesExist = Files.exists(dir.resolve(fileName(baseOffset, INDEX_SUFFIX)))
                && Files.exists(dir.resolve(fileName(baseOffset, TIME_INDEX_SUFFIX)));
        final LogSegment segment = new LogSegment(dir, baseOffset, channel,
                new OffsetIndex(dir.resolve(fileName(baseOffset, INDEX_SUFFIX)), baseOffset, maxIndexSize, active),
                new TimeIndex(dir.resolve(fileName(baseOffset, TIME_INDEX_SUFFIX)), baseOffset, maxIndexSize, active),
                (int) fileSize, -1);
        segment.indexFilesExisted = indexesExist;
        return segment;
    }

    /**
     * Opens an inactive segment after a clean shutdown without reading it or mapping its indexes: they are mapped
     * and checked at their first use, and the max timestamp is read from the time index then. The segment ends
     * where the next one begins ({@code nextBaseOffset}); a compacted segment may stop short of that, which reads
     * handle as they handle any gap. Missing indexes are rebuilt now, as in {@link #loadTrusted}.
     */
    public static LogSegment openTrusted(final Path dir, final long baseOffset, final long nextBaseOffset,
                                         final int indexIntervalBytes, final int maxIndexSize) throws IOException {
        final Path index = dir.resolve(fileName(baseOffset, INDEX_SUFFIX));
        final Path timeIndex = dir.resolve(fileName(baseOffset, TIME_INDEX_SUFFIX));
        if (!Files.exists(index) || !Files.exists(timeIndex)) {
            final LogSegment segment = open(dir, baseOffset, maxIndexSize, false);
            segment.loadTrusted(indexIntervalBytes, maxIndexSize, false);
            return segment;
        }
        final Path log = dir.resolve(fileName(baseOffset, LOG_SUFFIX));
        final FileChannel channel = openExisting(log);
        final long fileSize = channel.size();
        final LogSegment segment = new LogSegment(dir, baseOffset, channel,
                OffsetIndex.lazy(index, baseOffset, fileSize), TimeIndex.lazy(timeIndex, baseOffset, nextBaseOffset),
                (int) fileSize, -1);
        segment.lastOffset = nextBaseOffset - 1;
        segment.timestampsLoaded = false;
        return segment;
    }

    private static FileChannel openExisting(final Path log) throws IOException {
        final FileChannel channel = FileChannel.open(log, StandardOpenOption.READ, StandardOpenOption.WRITE);
        if (channel.size() > Integer.MAX_VALUE) {
            channel.close();
            throw new IOException("segment " + log + " is larger than 2 GiB");
        }
        return channel;
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
        loadTimestamps();
        return maxTimestamp;
    }

    public long offsetOfMaxTimestamp() {
        loadTimestamps();
        return offsetOfMaxTimestamp;
    }

    /** A segment from {@link #openTrusted} learns its max timestamp from the time index (or its batches). */
    private void loadTimestamps() {
        if (timestampsLoaded) {
            return;
        }
        synchronized (this) {
            if (timestampsLoaded) {
                return;
            }
            if (timeIndex.entries() > 0) {
                maxTimestamp = timeIndex.lastTimestamp();
                offsetOfMaxTimestamp = timeIndex.lastOffset();
            } else {
                // no record has a timestamp, or the time index did not match the log and is ignored
                scanMaxTimestamp();
            }
            timestampsLoaded = true;
        }
    }

    private void scanMaxTimestamp() {
        final ByteBuffer header = ByteBuffer.allocate(HEADER_SIZE);
        final RecordBatchFlyweight batch = new RecordBatchFlyweight();
        int position = 0;
        try {
            while (position + HEADER_SIZE <= size && readFully(header, position, HEADER_SIZE)) {
                batch.wrap(header, 0);
                if (batch.maxTimestamp() > maxTimestamp) {
                    maxTimestamp = batch.maxTimestamp();
                    offsetOfMaxTimestamp = batch.baseOffset();
                }
                position += batch.sizeInBytes();
            }
        } catch (final IOException e) {
            throw new UncheckedIOException("reading the timestamps of " + logFile, e);
        }
    }

    /**
     * The time retention judges this segment by: its largest record timestamp, or the log file's last-modified
     * time when no record carries a timestamp (as Kafka does).
     */
    public long largestTimestamp() throws IOException {
        loadTimestamps();
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
    public void append(final ByteBuffer buffer, final int[] batchStarts, final int count,
                       final RecordBatchFlyweight batch, final int indexIntervalBytes, final long nowMs)
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
            onBatch(start + batchStarts[i] - bufferStart, batch.sizeInBytes(), batch.baseOffset(),
                    batch.lastOffset(), batch.maxTimestamp(), indexIntervalBytes);
        }
        size = start + (buffer.limit() - bufferStart);
    }

    private void onBatch(final int position, final int batchSize, final long batchBaseOffset,
                         final long batchLastOffset, final long batchMaxTimestamp, final int indexIntervalBytes) {
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
     * the max timestamp and the index interval state. No CRC checks.
     */
    public void loadTrusted(final int indexIntervalBytes, final int maxIndexSize, final boolean active)
            throws IOException {
        final int fileSize = size;
        if (!indexFilesExisted || !offsetIndex.isSane(fileSize)) {
            LOG.warn("Rebuilding indexes of {} (missing or not matching the log)", logFile);
            recover(Integer.MAX_VALUE, indexIntervalBytes, maxIndexSize, active, false);
            return;
        }
        final ByteBuffer header = ByteBuffer.allocate(HEADER_SIZE);
        final RecordBatchFlyweight batch = new RecordBatchFlyweight();
        maxTimestamp = timeIndex.lastTimestamp();
        offsetOfMaxTimestamp = timeIndex.lastOffset();
        int position = offsetIndex.lastPosition();
        // The batch at the last index entry restarted the byte count, so summing from it gives the count.
        bytesSinceLastIndexEntry = 0;
        while (position < fileSize) {
            if (!readFully(header, position, HEADER_SIZE)) {
                break;
            }
            batch.wrap(header, 0);
            final int batchSize = batch.sizeInBytes();
            if (batchSize < HEADER_SIZE || (long) position + batchSize > fileSize) {
                LOG.warn("Trusted segment {} has a bad batch at position {}; rebuilding", logFile, position);
                recover(Integer.MAX_VALUE, indexIntervalBytes, maxIndexSize, active, false);
                return;
            }
            if (batch.maxTimestamp() > maxTimestamp) {
                maxTimestamp = batch.maxTimestamp();
                offsetOfMaxTimestamp = batch.baseOffset();
            }
            bytesSinceLastIndexEntry += batchSize;
            lastOffset = batch.lastOffset();
            position += batchSize;
        }
        if (!timeIndex.isSane(lastOffset + 1)) {
            LOG.warn("Rebuilding indexes of {} (time index does not match the log)", logFile);
            recover(Integer.MAX_VALUE, indexIntervalBytes, maxIndexSize, active, false);
            return;
        }
        if (active) {
            rollingBasedTimestampMs = firstBatchMaxTimestamp(header, batch);
        }
    }

    /** The max timestamp of the first batch (how old the oldest records are), or -1 when empty. */
    public long firstBatchTimestamp() throws IOException {
        return firstBatchMaxTimestamp(ByteBuffer.allocate(HEADER_SIZE), new RecordBatchFlyweight());
    }

    private long firstBatchMaxTimestamp(final ByteBuffer header, final RecordBatchFlyweight batch) throws IOException {
        if (size < HEADER_SIZE || !readFully(header, 0, HEADER_SIZE)) {
            return -1;
        }
        return batch.wrap(header, 0).maxTimestamp();
    }

    /**
     * Validates every batch (length, magic, offsets increasing, CRC-32C when {@code validateCrc}), truncates the
     * file at the first bad byte, and rebuilds both indexes.
     *
     * @return the number of bytes truncated
     */
    public int recover(final int maxBatchSize, final int indexIntervalBytes, final int maxIndexSize,
                       final boolean active, final boolean validateCrc) throws IOException {
        offsetIndex.reset();
        timeIndex.reset();
        offsetIndex.ensureCapacity(maxIndexSize);
        timeIndex.ensureCapacity(maxIndexSize);
        lastOffset = baseOffset - 1;
        maxTimestamp = RecordBatch.NO_TIMESTAMP;
        offsetOfMaxTimestamp = -1;
        // the scan below learns them (a lazily opened segment that truncation makes active again)
        timestampsLoaded = true;
        bytesSinceLastIndexEntry = 0;
        final int fileSize = (int) channel.size();
        final RecordBatchFlyweight batch = new RecordBatchFlyweight();
        final CRC32C crc = new CRC32C();
        ByteBuffer buffer = ByteBuffer.allocate(HEADER_SIZE);
        int position = 0;
        long firstMaxTimestamp = -1;
        while (position < fileSize) {
            if (fileSize - position < HEADER_SIZE || !readFully(buffer, position, HEADER_SIZE)) {
                break;
            }
            batch.wrap(buffer, 0);
            final int batchLength = batch.batchLength();
            final long batchSize = (long) batchLength + LOG_OVERHEAD;
            if (batchSize < HEADER_SIZE || batchSize > maxBatchSize || position + batchSize > fileSize
                    || batch.magic() != RecordBatchFlyweight.MAGIC_V2 || batch.baseOffset() <= lastOffset
                    || batch.lastOffsetDelta() < 0 || batch.baseOffset() < baseOffset
                    || batch.lastOffset() - baseOffset > Integer.MAX_VALUE) {
                break;
            }
            if (validateCrc) {
                if (buffer.capacity() < batchSize) {
                    buffer = ByteBuffer.allocate((int) Math.max(batchSize, buffer.capacity() * 2L));
                }
                if (!readFully(buffer, position, (int) batchSize)) {
                    break;
                }
                batch.wrap(buffer, 0);
                if (!batch.isCrcValid(crc)) {
                    break;
                }
            }
            if (position == 0) {
                firstMaxTimestamp = batch.maxTimestamp();
            }
            onBatch(position, (int) batchSize, batch.baseOffset(), batch.lastOffset(), batch.maxTimestamp(),
                    indexIntervalBytes);
            position += (int) batchSize;
        }
        final int truncated = fileSize - position;
        if (truncated > 0) {
            LOG.warn("Truncating {} at position {}: {} bytes after the last valid batch", logFile, position, truncated);
            channel.truncate(position);
        }
        size = position;
        rollingBasedTimestampMs = active ? firstMaxTimestamp : -1;
        if (!active) {
            onRolled();
            flush();
        }
        return truncated;
    }

    /** Makes a segment that was loaded as inactive the active one again (recovery truncated everything after it). */
    public void reactivate(final int maxIndexSize) throws IOException {
        offsetIndex.ensureCapacity(maxIndexSize);
        timeIndex.ensureCapacity(maxIndexSize);
        rollingBasedTimestampMs = firstBatchMaxTimestamp(ByteBuffer.allocate(HEADER_SIZE), new RecordBatchFlyweight());
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
        final int end = size;
        int position = offsetIndex.lookup(offset);
        while (position + HEADER_SIZE <= end) {
            if (!readFully(scratch, position, HEADER_SIZE)) {
                return -1;
            }
            final long batchBase = scratch.getLong(RecordBatchFlyweight.BASE_OFFSET_OFFSET);
            final int batchSize = scratch.getInt(RecordBatchFlyweight.BATCH_LENGTH_OFFSET) + LOG_OVERHEAD;
            final int delta = scratch.getInt(RecordBatchFlyweight.LAST_OFFSET_DELTA_OFFSET);
            if (batchBase + delta >= offset) {
                return position;
            }
            position += batchSize;
        }
        return -1;
    }

    /**
     * Number of bytes to send from {@code position}: whole batches with base offset below
     * {@code maxOffsetExclusive}, at most {@code maxBytes}, the last of them possibly cut at {@code maxBytes} (the
     * protocol allows a partial trailing batch); one whole first batch when {@code minOneBatch} even if larger.
     */
    public int sliceLength(final int position, final int maxBytes, final long maxOffsetExclusive,
                           final boolean minOneBatch, final ByteBuffer scratch) throws IOException {
        final int end = size;
        int length = 0;
        int cursor = position;
        while (cursor + HEADER_SIZE <= end) {
            if (!readFully(scratch, cursor, HEADER_SIZE)) {
                break;
            }
            final long batchBase = scratch.getLong(RecordBatchFlyweight.BASE_OFFSET_OFFSET);
            final int batchSize = scratch.getInt(RecordBatchFlyweight.BATCH_LENGTH_OFFSET) + LOG_OVERHEAD;
            if (batchBase >= maxOffsetExclusive || cursor + batchSize > end) {
                break;
            }
            if ((long) length + batchSize > maxBytes) {
                if (length == 0 && minOneBatch) {
                    length = batchSize;
                } else if (length > 0) {
                    // Fill the budget with the start of the next batch, as Kafka does: clients keep the whole
                    // batches and fetch the cut one again, so each round trip carries the full maxBytes. The
                    // batch is wholly in the file and below the bound, so these bytes are committed data.
                    length = maxBytes;
                }
                break;
            }
            length += batchSize;
            cursor += batchSize;
        }
        return length;
    }

    // ---------------------------------------------------------------- control-plane lookups (under the lock)

    /**
     * First record with timestamp &gt;= {@code timestamp} and offset &gt;= {@code minOffset} in this segment (the
     * log start offset: records below it are deleted, even while their segment remains).
     */
    public Optional<TimestampAndOffset> findByTimestamp(final long timestamp, final long minOffset)
            throws IOException {
        loadTimestamps();
        if (maxTimestamp < timestamp) {
            return Optional.empty();
        }
        final long startOffset = Math.max(timeIndex.lookup(timestamp), minOffset);
        int position = offsetIndex.lookup(startOffset);
        final int end = size;
        final ByteBuffer header = ByteBuffer.allocate(HEADER_SIZE);
        while (position + HEADER_SIZE <= end) {
            if (!readFully(header, position, HEADER_SIZE)) {
                break;
            }
            final int batchSize = header.getInt(RecordBatchFlyweight.BATCH_LENGTH_OFFSET) + LOG_OVERHEAD;
            final long lastOffset = header.getLong(RecordBatchFlyweight.BASE_OFFSET_OFFSET)
                    + header.getInt(RecordBatchFlyweight.LAST_OFFSET_DELTA_OFFSET);
            if (lastOffset >= minOffset && header.getLong(RecordBatchFlyweight.MAX_TIMESTAMP_OFFSET) >= timestamp) {
                final Optional<TimestampAndOffset> found = scanBatch(position, batchSize, timestamp, minOffset, false);
                if (found.isPresent()) {
                    return found;
                }
            }
            position += batchSize;
        }
        return Optional.empty();
    }

    /** The first record carrying this segment's max timestamp. */
    public Optional<TimestampAndOffset> maxTimestampRecord() throws IOException {
        loadTimestamps();
        if (offsetOfMaxTimestamp < 0) {
            return Optional.empty();
        }
        final int position = findBatchPosition(offsetOfMaxTimestamp, ByteBuffer.allocate(HEADER_SIZE));
        if (position < 0) {
            return Optional.empty();
        }
        final ByteBuffer header = ByteBuffer.allocate(HEADER_SIZE);
        readFully(header, position, HEADER_SIZE);
        final int batchSize = header.getInt(RecordBatchFlyweight.BATCH_LENGTH_OFFSET) + LOG_OVERHEAD;
        return scanBatch(position, batchSize, maxTimestamp, Long.MIN_VALUE, true);
    }

    private Optional<TimestampAndOffset> scanBatch(final int position, final int batchSize, final long timestamp,
                                                   final long minOffset, final boolean exact) throws IOException {
        final ByteBuffer bytes = ByteBuffer.allocate(batchSize);
        if (!readFully(bytes, position, batchSize)) {
            return Optional.empty();
        }
        for (final RecordBatch batch : MemoryRecords.readableRecords(bytes).batches()) {
            for (final Record record : batch) {
                final boolean match = record.offset() >= minOffset
                        && (exact ? record.timestamp() == timestamp : record.timestamp() >= timestamp);
                if (match) {
                    return Optional.of(new TimestampAndOffset(record.timestamp(), record.offset(),
                            batch.partitionLeaderEpoch()));
                }
            }
        }
        return Optional.empty();
    }

    /** Reads exactly {@code length} bytes at {@code position} into {@code buffer[0, length)}; false at EOF. */
    private boolean readFully(final ByteBuffer buffer, final int position, final int length) throws IOException {
        buffer.clear().limit(length);
        long filePosition = position;
        while (buffer.hasRemaining()) {
            final int read = channel.read(buffer, filePosition);
            if (read < 0) {
                return false;
            }
            filePosition += read;
        }
        buffer.flip();
        return true;
    }

    public Path dir() {
        return dir;
    }

    @Override
    public String toString() {
        return "LogSegment(" + logFile + ", size=" + size + ", lastOffset=" + lastOffset + ")";
    }
}
