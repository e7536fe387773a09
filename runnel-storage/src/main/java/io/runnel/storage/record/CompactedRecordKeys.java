package io.runnel.storage.record;

import java.nio.ByteBuffer;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.utils.internals.BufferSupplier;
import org.apache.kafka.common.utils.internals.CloseableIterator;

/**
 * The one per-record check of the append path, and only for compacted topics: the cleaner keeps the latest record
 * per key, so a record without a key could never be cleaned and Kafka refuses it (INVALID_RECORD). Compressed
 * batches are decompressed to see their keys; kafka-clients' record classes are the codec.
 */
public final class CompactedRecordKeys {

    private CompactedRecordKeys() {}

    /**
     * Checks every record of the already validated batches in {@code buffer} (position to limit).
     *
     * @throws InvalidRecordException the first record without a key, with Kafka's message
     */
    public static void requireKeys(final ByteBuffer buffer, final TopicPartition topicPartition) {
        final MemoryRecords records = MemoryRecords.readableRecords(buffer.duplicate());
        for (final MutableRecordBatch batch : records.batches()) {
            try (CloseableIterator<Record> iterator = batch.streamingIterator(BufferSupplier.NO_CACHING)) {
                while (iterator.hasNext()) {
                    if (!iterator.next().hasKey()) {
                        throw new InvalidRecordException("Compacted topic cannot accept message without key in topic "
                                + "partition " + topicPartition + ".");
                    }
                }
            }
        }
    }
}
