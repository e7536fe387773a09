package io.runnel.storage.index;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
 *
 * <p>Lazy loading: an index opened read-only (an inactive segment's) is not opened or mapped until its first use,
 * so a start-up with thousands of segments maps nothing but the active segments' indexes (and stays far below
 * {@code vm.max_map_count}, which caps the number of mappings). Its sanity check runs at that first use; an index
 * that fails it is ignored (lookups then scan the segment from its start, which is slower but correct).
 */
public abstract class MappedIndex implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(MappedIndex.class);

    protected final long baseOffset;
    private final int entrySize;
    /** What {@link #isSane} is checked against when a lazily opened index is first used. */
    private final long lazyBound;

    private volatile Path file;
    /** Null until a lazily opened index is first used, and again once released. */
    private volatile MappedByteBuffer mmap;

    private volatile boolean released;
    private volatile int entries;
    private int maxEntries;

    /**
     * Opens and maps the index now; a {@code writable} one is preallocated to {@code maxIndexSize} for appends.
     */
    protected MappedIndex(
            final Path file, final long baseOffset, final int maxIndexSize, final int entrySize, final boolean writable)
            throws IOException {
        this.file = file;
        this.baseOffset = baseOffset;
        this.entrySize = entrySize;
        this.lazyBound = -1;
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

    /**
     * An existing, read-only index that is opened and mapped at its first use, when it is also checked against
     * {@code bound} (see {@link #isSane(long)}).
     */
    protected MappedIndex(final Path file, final long baseOffset, final int entrySize, final long bound) {
        this.file = file;
        this.baseOffset = baseOffset;
        this.entrySize = entrySize;
        this.lazyBound = bound;
    }

    private MappedByteBuffer mapped() {
        final MappedByteBuffer current = mmap;
        return current != null ? current : load();
    }

    private synchronized MappedByteBuffer load() {
        if (mmap != null) {
            return mmap;
        }
        if (released) {
            throw new UncheckedIOException(new ClosedChannelException());
        }
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            final int count = (int) Math.min(Integer.MAX_VALUE, raf.length() / entrySize);
            final long length = (long) count * entrySize;
            if (raf.length() != length) {
                raf.setLength(length);
            }
            final MappedByteBuffer buffer = map(raf, length);
            maxEntries = count;
            if (isSane(buffer, count, lazyBound)) {
                entries = count;
            } else {
                LOG.warn("Ignoring index {}: it does not match its segment; lookups scan the segment", file);
                entries = 0;
            }
            mmap = buffer;
            return buffer;
        } catch (final IOException e) {
            throw new UncheckedIOException("opening index " + file, e);
        }
    }

    /**
     * Lets go of the mapping without writing anything (its disk failed, or its log is being deleted): the pages
     * are unmapped once the garbage collector has the buffer, since Java 21 can unmap a file only that way. A use
     * after this fails with an {@link UncheckedIOException}, except by a reader that already holds the mapping.
     */
    public synchronized void release() {
        released = true;
        mmap = null;
    }

    /** Whether the index was mapped (an index opened lazily is mapped at its first use). */
    public boolean isLoaded() {
        return mmap != null;
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

    /**
     * Moves the index file to {@code target}, replacing a file there; a mapping in use stays valid, a lazy index
     * maps the file from there.
     */
    public synchronized void renameTo(final Path target) throws IOException {
        Files.move(file, target, StandardCopyOption.REPLACE_EXISTING);
        file = target;
    }

    public int entries() {
        mapped();
        return entries;
    }

    public int maxEntries() {
        mapped();
        return maxEntries;
    }

    public boolean isFull() {
        return entries() >= maxEntries;
    }

    public long sizeInBytes() {
        return (long) entries() * entrySize;
    }

    /** The current mapping; read {@link #entries()} before calling this. */
    protected final MappedByteBuffer buffer() {
        return mapped();
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
        mapped();
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
        if (isLoaded()) {
            resize(sizeInBytes());
        }
    }

    private synchronized void resize(final long length) throws IOException {
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
        final MappedByteBuffer current = mmap;
        if (current != null) {
            current.force();
        }
    }

    @Override
    public void close() throws IOException {
        trimToValidSize();
    }

    /**
     * Whether the index can be trusted against the log: a monotonic tail whose last entry points inside
     * the log ({@code bound} is the log file size for the offset index, the log end offset for the time index).
     */
    public final boolean isSane(final long bound) {
        return isSane(buffer(), entries(), bound);
    }

    /** {@link #isSane(long)} of the first {@code entries} entries of {@code buffer}. */
    protected abstract boolean isSane(MappedByteBuffer buffer, int entries, long bound);

    protected final int relativeOffset(final long offset) {
        final long relative = offset - baseOffset;
        if (relative < 0 || relative > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("offset " + offset + " does not fit index with base " + baseOffset);
        }
        return (int) relative;
    }
}
