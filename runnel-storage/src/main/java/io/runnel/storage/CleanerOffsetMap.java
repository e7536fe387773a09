package io.runnel.storage;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;

import org.apache.kafka.common.record.Record;

/**
 * The latest offset of every key in the dirty part of a log (Kafka's {@code OffsetMap}). Kafka keeps fixed-size
 * hashes in a bounded buffer shared by the cleaner threads; this keeps the keys themselves, so there are no hash
 * collisions to reason about, at the price of memory proportional to the distinct keys of one dirty range.
 */
final class CleanerOffsetMap {

    private final Map<ByteBuffer, Long> latest = new HashMap<>();

    void put(final Record record) {
        latest.put(copyOfKey(record), record.offset());
    }

    /** Whether a later record of the same key was seen (then this one can go). */
    boolean isSuperseded(final Record record) {
        final Long offset = latest.get(record.key());
        return offset != null && offset > record.offset();
    }

    int size() {
        return latest.size();
    }

    private static ByteBuffer copyOfKey(final Record record) {
        final ByteBuffer key = record.key();
        final ByteBuffer copy = ByteBuffer.allocate(key.remaining());
        copy.put(key.duplicate()).flip();
        return copy;
    }
}
