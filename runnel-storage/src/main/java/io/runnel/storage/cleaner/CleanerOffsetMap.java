package io.runnel.storage.cleaner;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.record.internal.Record;

/**
 * The latest offset of every key in the part of a log one cleaner pass covers (Kafka's {@code OffsetMap}), within
 * a memory budget ({@code log.cleaner.dedupe.buffer.size} times {@code log.cleaner.io.buffer.load.factor}).
 *
 * <p>Kafka keeps a 16-byte MD5 hash and an 8-byte offset per key in one preallocated buffer (24 bytes an entry, and
 * a hash collision can drop a live record). This map keeps the keys themselves, so there are no collisions to
 * reason about, and charges each distinct key what it really costs on a 64-bit JVM with compressed references:
 * {@value #ENTRY_OVERHEAD_BYTES} bytes (a {@code HashMap} node 32, its table slot about 8, the {@code ByteBuffer} 56,
 * the key array's header 16, the boxed offset 16) plus the key's length rounded up to 8. So the default 128 MiB at
 * 0.9 holds about 800,000 keys of 16 bytes, where Kafka's holds 5 million hashes.
 *
 * <p>When a new key would not fit, {@link #put} refuses it and the pass ends there: the map then covers the offsets
 * below that record, and the rest of the dirty part waits for the next pass. The first key is always taken, so every pass makes progress.
 */
final class CleanerOffsetMap {

    static final int ENTRY_OVERHEAD_BYTES = 128;

    private final Map<ByteBuffer, Long> latest = new HashMap<>();
    private final long capacityBytes;
    private long usedBytes;

    /** An unbounded map (tests that do not exercise the budget). */
    CleanerOffsetMap() {
        this(Long.MAX_VALUE);
    }

    CleanerOffsetMap(final long capacityBytes) {
        this.capacityBytes = capacityBytes;
    }

    /**
     * Records {@code record} as the latest of its key.
     *
     * @return false, changing nothing, when its key is new and does not fit in the budget any more
     */
    boolean put(final Record record) {
        final ByteBuffer key = record.key();
        final Long previous = latest.get(key);
        if (previous != null) {
            latest.put(key, record.offset());
            return true;
        }
        final long cost = cost(key.remaining());
        if (!latest.isEmpty() && usedBytes + cost > capacityBytes) {
            return false;
        }
        usedBytes += cost;
        latest.put(copyOf(key), record.offset());
        return true;
    }

    /** Whether a later record of the same key was seen (then this one can go). */
    boolean isSuperseded(final Record record) {
        final Long offset = latest.get(record.key());
        return offset != null && offset > record.offset();
    }

    int size() {
        return latest.size();
    }

    long usedBytes() {
        return usedBytes;
    }

    static long cost(final int keyLength) {
        return ENTRY_OVERHEAD_BYTES + ((keyLength + 7L) & ~7L);
    }

    private static ByteBuffer copyOf(final ByteBuffer key) {
        final ByteBuffer copy = ByteBuffer.allocate(key.remaining());
        copy.put(key.duplicate()).flip();
        return copy;
    }
}
