package io.runnel.storage.index;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Common machinery of the sparse, memory-mapped, fixed-entry-size segment indexes.
 *
 * <p>An index that will receive appends is preallocated to {@code maxIndexSize} bytes (rounded down to
 * a whole number of entries) and mapped; {@link #trimToValidSize()} shrinks the file to exactly
 * {@code entries * entrySize} bytes when the segment stops being active or is closed, so that a
 * reopened index's entry count is {@code fileLength / entrySize}. Nothing is checksummed: the index
 * is derived from the log and is rebuilt when {@link #isSane(long)} says it does not match.
 *
 * <p>Thread safety: one appender thread (the partition's append lock) calls the mutators; any number
 * of readers may look up concurrently. The appender writes an entry and then publishes it with a
 * volatile write of {@code entries}; readers read {@code entries} first and only touch entries below
 * it, so they never see a half-written entry. Trimming installs a new (smaller) mapping; readers still
 * holding the old one stay inside the part of the file that remains.
 */
public abstract class MappedIndex implements AutoCloseable {

    protected final Path file;
    protected final long baseOffset;
    private final int entrySize;
    private volatile MappedByteBuffer mmap;
    private volatile int entries;
    private int maxEntries;

    protected MappedIndex(final Path file, final long baseOffset, final int maxIndexSize, final int entrySize,
                          final boolean writable) throws IOException {
        this.file = file;
        this.baseOffset = baseOffset;
        this.entrySize = entrySize;
        final boolean existed = Files.exists(file);
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            final long existingLength = existed ? raf.length() : 0;
            final int initialEntries = (int) Math.min(Integer.MAX_VALUE, existingLength / entrySize);
            final long length = writable
                    ? Math.max(roundDown(maxIndexSize), (long) initialEntries * entrySize)
                    : (long) initialEntries * entrySize;
            if (raf.length() != length) {
                raf.setLength(length);
            }
            this.mmap = map(raf, length);
            this.maxEntries = (int) (length / entrySize);
            this.entries = initialEntries;
        }
    }

    private static MappedByteBuffer map(final RandomAccessFile raf, final long length) throws IOException {
        final MappedByteBuffer buffer = raf.getChannel().map(FileChannel.MapMode.READ_WRITE, 0, length);
        buffer.order(ByteOrder.BIG_ENDIAN);
        return buffer;
    }

    private long roundDown(final int size) {
        return (long) (size / entrySize) * entrySize;
    }

    public Path file() {
        return file;
    }

    public int entries() {
        return entries;
    }

    public int maxEntries() {
        return maxEntries;
    }

    public boolean isFull() {
        return entries >= maxEntries;
    }

    public long sizeInBytes() {
        return (long) entries * entrySize;
    }

    /** The current mapping; read {@link #entries()} before calling this. */
    protected final MappedByteBuffer buffer() {
        return mmap;
    }

    protected final int entrySize() {
        return entrySize;
    }

    /** Called by subclasses after writing entry number {@code entries}: publishes it to readers. */
    protected final void publishAppendedEntry() {
        entries = entries + 1;
    }

    /** Drops all entries (before a rebuild); call {@link #ensureCapacity} before appending again. */
    public void reset() {
        entries = 0;
    }

    /** Makes room for appends again, e.g. for a reopened active segment or a rebuild. */
    public void ensureCapacity(final int maxIndexSize) throws IOException {
        final long wanted = Math.max(roundDown(maxIndexSize), sizeInBytes());
        if (wanted > (long) maxEntries * entrySize) {
            resize(wanted);
        }
    }

    /** Shrinks the file and mapping to exactly the valid entries. */
    public void trimToValidSize() throws IOException {
        resize(sizeInBytes());
    }

    private void resize(final long length) throws IOException {
        // No msync first: the pages that stay are written back like any other, and a roll (which trims) runs on
        // the appending thread, which must never wait for the disk; the log flusher fsyncs the index afterwards.
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(length);
            final MappedByteBuffer fresh = map(raf, length);
            maxEntries = (int) (length / entrySize);
            mmap = fresh;
        }
    }

    public void flush() {
        mmap.force();
    }

    @Override
    public void close() throws IOException {
        trimToValidSize();
    }

    /**
     * Whether the index can be trusted against the log: a monotonic tail whose last entry points inside
     * the log ({@code bound} is the log file size for the offset index, the log end offset for the time index).
     */
    public abstract boolean isSane(long bound);

    protected final int relativeOffset(final long offset) {
        final long relative = offset - baseOffset;
        if (relative < 0 || relative > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("offset " + offset + " does not fit index with base " + baseOffset);
        }
        return (int) relative;
    }
}
