package io.runnel.storage.record;

import java.nio.ByteBuffer;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.utils.internals.CloseableIterator;

/**
 * The one per-record check of the append path, and only for compacted topics: the cleaner keeps the latest record
 * per key, so a record without a key could never be cleaned and Kafka refuses it (INVALID_RECORD). Compressed
 * batches are decompressed to see their keys, a record at a time and each within {@code max.decompressed.message.bytes}.
 */
public final class CompactedRecordKeys {

    private CompactedRecordKeys() {}

    /**
     * Checks every record of the already validated batches in {@code buffer} (position to limit), reading compressed
     * records one at a time within {@code maxRecordBytes} ({@link BoundedRecords}).
     *
     * @throws InvalidRecordException the first record without a key, or the first compressed record larger than
     *                                {@code maxRecordBytes}, with Kafka's messages
     */
    public static void requireKeys(
            final ByteBuffer buffer, final TopicPartition topicPartition, final int maxRecordBytes) {
        int position = buffer.position();
        while (position < buffer.limit()) {
            final int size = buffer.getInt(position + RecordBatchFlyweight.BATCH_LENGTH_OFFSET)
                    + RecordBatchFlyweight.LOG_OVERHEAD;
            final ByteBuffer batch = buffer.duplicate().limit(position + size).position(position);
            position += size;
            try (CloseableIterator<Record> iterator = BoundedRecords.iterator(batch, maxRecordBytes)) {
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
