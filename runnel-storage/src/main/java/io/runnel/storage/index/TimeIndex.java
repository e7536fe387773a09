package io.runnel.storage.index;

import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.file.Path;

/**
 * Sparse time index of one segment: maps the largest timestamp seen so far to the batch that carried it.
 *
 * <p>File {@code <20-digit base offset>.timeindex}: a sequence of 12-byte big-endian entries
 * <pre>
 *   long timestamp       (max timestamp of the segment up to this point)
 *   int  relativeOffset  (base offset of the first batch that reached it, minus segment base offset)
 * </pre>
 * Timestamps are strictly increasing. An entry is written alongside each offset-index entry when the
 * segment's max timestamp grew, and once more when the segment is rolled or closed, so the last entry
 * holds the segment's exact max timestamp. Every record at an offset before an entry's offset has a
 * timestamp at most that entry's timestamp, which is what makes {@link #lookup} a safe place to start
 * a scan. Preallocated, memory-mapped, trimmed and rebuilt exactly like the {@link OffsetIndex}.
 */
public final class TimeIndex extends MappedIndex {

    public static final int ENTRY_SIZE = 12;

    public TimeIndex(final Path file, final long baseOffset, final int maxIndexSize, final boolean writable)
            throws IOException {
        super(file, baseOffset, maxIndexSize, ENTRY_SIZE, writable);
    }

    private TimeIndex(final Path file, final long baseOffset, final long logEndOffset) {
        super(file, baseOffset, ENTRY_SIZE, logEndOffset);
    }

    /**
     * An inactive segment's existing index, mapped at its first use and checked then against the segment's end
     * offset (exclusive).
     */
    public static TimeIndex lazy(final Path file, final long baseOffset, final long logEndOffset) {
        return new TimeIndex(file, baseOffset, logEndOffset);
    }

    /** Appends (timestamp, offset) when the timestamp is above the last entry's and there is room. */
    public boolean maybeAppend(final long timestamp, final long offset) {
        final int n = entries();
        if (n >= maxEntries() || (n > 0 && timestamp <= lastTimestamp())) {
            return false;
        }
        final MappedByteBuffer buffer = buffer();
        buffer.putLong(n * ENTRY_SIZE, timestamp);
        buffer.putInt(n * ENTRY_SIZE + 8, relativeOffset(offset));
        publishAppendedEntry();
        return true;
    }

    /** Offset of the greatest entry whose timestamp is &lt;= {@code timestamp}, or the base offset. */
    public long lookup(final long timestamp) {
        final int n = entries();
        final MappedByteBuffer buffer = buffer();
        int low = 0;
        int high = n - 1;
        int found = -1;
        while (low <= high) {
            final int mid = (low + high) >>> 1;
            if (buffer.getLong(mid * ENTRY_SIZE) <= timestamp) {
                found = mid;
                low = mid + 1;
            } else {
                high = mid - 1;
            }
        }
        return found < 0 ? baseOffset : baseOffset + buffer.getInt(found * ENTRY_SIZE + 8);
    }

    /** Timestamp of the last entry, or -1 when empty. */
    public long lastTimestamp() {
        final int n = entries();
        return n == 0 ? -1 : buffer().getLong((n - 1) * ENTRY_SIZE);
    }

    /** Offset of the last entry, or -1 when empty. */
    public long lastOffset() {
        final int n = entries();
        return n == 0 ? -1 : baseOffset + buffer().getInt((n - 1) * ENTRY_SIZE + 8);
    }

    /** Sanity against the log end offset (exclusive). */
    @Override
    protected boolean isSane(final MappedByteBuffer buffer, final int n, final long logEndOffset) {
        if (n == 0) {
            return true;
        }
        final int lastRelative = buffer.getInt((n - 1) * ENTRY_SIZE + 8);
        if (lastRelative < 0 || baseOffset + lastRelative >= logEndOffset) {
            return false;
        }
        return n == 1 || buffer.getLong((n - 2) * ENTRY_SIZE) < buffer.getLong((n - 1) * ENTRY_SIZE);
    }
}
