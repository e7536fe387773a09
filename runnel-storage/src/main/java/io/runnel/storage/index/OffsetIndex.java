package io.runnel.storage.index;

import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.file.Path;

/**
 * Sparse offset index of one segment: maps offsets to file positions in the segment's {@code .log}.
 *
 * <p>File {@code <20-digit base offset>.index}: a sequence of 8-byte big-endian entries
 * <pre>
 *   int relativeOffset   (offset - segment base offset; the last offset of an indexed batch)
 *   int position         (file position where that batch starts)
 * </pre>
 * Entries are strictly increasing in both fields. An entry is added about every
 * {@code indexIntervalBytes} of log, so a lookup gives a position at most that many bytes before the
 * wanted batch and the reader steps over batch headers from there. The file is preallocated to
 * {@code segment.index.bytes}, memory-mapped, and trimmed to its entries when the segment is rolled or
 * closed. There is no checksum: after a crash the index is rebuilt from the log.
 */
public final class OffsetIndex extends MappedIndex {

    public static final int ENTRY_SIZE = 8;

    public OffsetIndex(final Path file, final long baseOffset, final int maxIndexSize, final boolean writable)
            throws IOException {
        super(file, baseOffset, maxIndexSize, ENTRY_SIZE, writable);
    }

    private OffsetIndex(final Path file, final long baseOffset, final long logSizeInBytes) {
        super(file, baseOffset, ENTRY_SIZE, logSizeInBytes);
    }

    /** An inactive segment's existing index, mapped at its first use and checked then against its log's size. */
    public static OffsetIndex lazy(final Path file, final long baseOffset, final long logSizeInBytes) {
        return new OffsetIndex(file, baseOffset, logSizeInBytes);
    }

    /** Appends an entry; {@code offset} must be greater than the last indexed offset. */
    public void append(final long offset, final int position) {
        final int n = entries();
        if (n >= maxEntries()) {
            throw new IllegalStateException("offset index " + file() + " is full");
        }
        final int relative = relativeOffset(offset);
        final MappedByteBuffer buffer = buffer();
        if (n > 0 && relative <= buffer.getInt((n - 1) * ENTRY_SIZE)) {
            throw new IllegalArgumentException(
                    "offset " + offset + " not above the last indexed offset " + lastOffset() + " in " + file());
        }
        buffer.putInt(n * ENTRY_SIZE, relative);
        buffer.putInt(n * ENTRY_SIZE + 4, position);
        publishAppendedEntry();
    }

    /** File position of the greatest indexed offset &lt;= {@code offset}, or 0 when there is none. */
    public int lookup(final long offset) {
        final int n = entries();
        final MappedByteBuffer buffer = buffer();
        final long relative = offset - baseOffset;
        int low = 0;
        int high = n - 1;
        int found = -1;
        while (low <= high) {
            final int mid = (low + high) >>> 1;
            if (buffer.getInt(mid * ENTRY_SIZE) <= relative) {
                found = mid;
                low = mid + 1;
            } else {
                high = mid - 1;
            }
        }
        return found < 0 ? 0 : buffer.getInt(found * ENTRY_SIZE + 4);
    }

    /** The last indexed offset, or the base offset when empty. */
    public long lastOffset() {
        final int n = entries();
        return n == 0 ? baseOffset : baseOffset + buffer().getInt((n - 1) * ENTRY_SIZE);
    }

    /** Position of the last entry, or 0 when empty. */
    public int lastPosition() {
        final int n = entries();
        return n == 0 ? 0 : buffer().getInt((n - 1) * ENTRY_SIZE + 4);
    }

    @Override
    protected boolean isSane(final MappedByteBuffer buffer, final int n, final long logSizeInBytes) {
        if (n == 0) {
            return true;
        }
        final int lastRelative = buffer.getInt((n - 1) * ENTRY_SIZE);
        final int lastPosition = buffer.getInt((n - 1) * ENTRY_SIZE + 4);
        if (lastRelative < 0 || lastPosition < 0 || lastPosition >= logSizeInBytes) {
            return false;
        }
        if (n > 1) {
            return buffer.getInt((n - 2) * ENTRY_SIZE) < lastRelative
                    && buffer.getInt((n - 2) * ENTRY_SIZE + 4) < lastPosition;
        }
        return true;
    }
}
