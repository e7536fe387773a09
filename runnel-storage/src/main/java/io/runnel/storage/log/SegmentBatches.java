package io.runnel.storage.log;

import static io.runnel.storage.record.RecordBatchFlyweight.BATCH_LENGTH_OFFSET;
import static io.runnel.storage.record.RecordBatchFlyweight.HEADER_SIZE;
import static io.runnel.storage.record.RecordBatchFlyweight.LOG_OVERHEAD;

import java.io.IOException;
import java.nio.ByteBuffer;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MutableRecordBatch;

/**
 * Reads a closed segment batch by batch, each batch's bytes in a buffer of its own (decoded with kafka-clients),
 * for the log cleaner. Only bytes below the segment's published size are read, so it is safe beside appends.
 */
public final class SegmentBatches {

    /** Called with each batch and the exact bytes it was read from (position 0, limit = batch size). */
    @FunctionalInterface
    public interface Visitor {
        void visit(MutableRecordBatch batch, ByteBuffer bytes) throws IOException;
    }

    private SegmentBatches() {}

    public static void forEach(final LogSegment segment, final Visitor visitor) throws IOException {
        final ByteBuffer header = ByteBuffer.allocate(HEADER_SIZE);
        final int end = segment.size();
        int position = 0;
        while (position + HEADER_SIZE <= end) {
            readFully(segment, header.clear(), position);
            final int batchSize = header.getInt(BATCH_LENGTH_OFFSET) + LOG_OVERHEAD;
            if (batchSize < HEADER_SIZE || position + batchSize > end) {
                throw new IOException(
                        "Bad batch of " + batchSize + " bytes at position " + position + " of " + segment);
            }
            final ByteBuffer bytes = ByteBuffer.allocate(batchSize);
            readFully(segment, bytes, position);
            bytes.flip();
            final MutableRecordBatch batch = MemoryRecords.readableRecords(bytes.duplicate())
                    .batches()
                    .iterator()
                    .next();
            visitor.visit(batch, bytes);
            position += batchSize;
        }
    }

    private static void readFully(final LogSegment segment, final ByteBuffer buffer, final int position)
            throws IOException {
        long filePosition = position;
        while (buffer.hasRemaining()) {
            final int read = segment.channel().read(buffer, filePosition);
            if (read < 0) {
                throw new IOException("Unexpected end of " + segment + " at " + filePosition);
            }
            filePosition += read;
        }
    }
}
