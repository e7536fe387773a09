package io.runnel.storage.record;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.junit.jupiter.api.Test;

class RecordBatchFlyweightTest {
    private final RecordBatchFlyweight batch = new RecordBatchFlyweight();

    private static ByteBuffer batchOf(final String... values) {
        final SimpleRecord[] records = new SimpleRecord[values.length];
        for (int i = 0; i < values.length; i++) {
            records[i] = new SimpleRecord(("k" + i).getBytes(), values[i].getBytes());
        }
        return MemoryRecords.withRecords(Compression.NONE, records).buffer();
    }

    @Test
    void shouldReadTheHeaderFieldsKafkaWrote() {
        final ByteBuffer buffer = batchOf("a", "b", "c");
        batch.wrap(buffer, 0);
        assertThat(batch.magic()).isEqualTo(RecordBatchFlyweight.MAGIC_V2);
        assertThat(batch.recordCount()).isEqualTo(3);
        assertThat(batch.lastOffsetDelta()).isEqualTo(2);
        assertThat(batch.sizeInBytes()).isEqualTo(buffer.remaining());
        assertThat(batch.compressionCodec()).isZero();
        assertThat(batch.recordsFillBatch()).isTrue();
    }

    @Test
    void shouldFindThatRecordsDoNotFillTheBatchWhenTheCountIsWrong() {
        final ByteBuffer buffer = batchOf("a", "b");
        batch.wrap(buffer, 0);
        buffer.putInt(RecordBatchFlyweight.RECORD_COUNT_OFFSET, 3);
        assertThat(batch.recordsFillBatch()).as("one record too many declared").isFalse();
        buffer.putInt(RecordBatchFlyweight.RECORD_COUNT_OFFSET, 1);
        assertThat(batch.recordsFillBatch())
                .as("bytes left over after the declared records")
                .isFalse();
    }

    @Test
    void shouldFindThatRecordsDoNotFillTheBatchWhenARecordLengthRunsPastTheEnd() {
        final ByteBuffer buffer = batchOf("a");
        batch.wrap(buffer, 0);
        buffer.put(RecordBatchFlyweight.RECORDS_OFFSET, (byte) 0x7e); // zig-zag 63: longer than the batch
        assertThat(batch.recordsFillBatch()).isFalse();
        buffer.put(RecordBatchFlyweight.RECORDS_OFFSET, (byte) 0x01); // zig-zag -1
        assertThat(batch.recordsFillBatch()).isFalse();
    }
}
