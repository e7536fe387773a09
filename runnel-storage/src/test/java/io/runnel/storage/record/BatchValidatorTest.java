package io.runnel.storage.record;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.errors.CorruptRecordException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.UnsupportedForMessageFormatException;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.junit.jupiter.api.Test;

class BatchValidatorTest {

    private static final int NO_LIMIT = Integer.MAX_VALUE;

    private final BatchValidator validator = new BatchValidator();

    private static ByteBuffer batchOf(final String... values) {
        final SimpleRecord[] records = new SimpleRecord[values.length];
        for (int i = 0; i < values.length; i++) {
            records[i] = new SimpleRecord(("k" + i).getBytes(), values[i].getBytes());
        }
        return MemoryRecords.withRecords(Compression.NONE, records).buffer();
    }

    private static ByteBuffer concat(final ByteBuffer... buffers) {
        int size = 0;
        for (final ByteBuffer b : buffers) {
            size += b.remaining();
        }
        final ByteBuffer all = ByteBuffer.allocate(size);
        for (final ByteBuffer b : buffers) {
            all.put(b.duplicate());
        }
        return all.flip();
    }

    @Test
    void shouldPassGoodBatchesAndFindWhereEachStarts() {
        final ByteBuffer first = batchOf("a", "b");
        final ByteBuffer buffer = concat(first, batchOf("c"));
        final ByteBuffer before = buffer.duplicate();

        assertThat(validator.validate(buffer, NO_LIMIT)).isEqualTo(2);
        assertThat(validator.batchStarts()[0]).isZero();
        assertThat(validator.batchStarts()[1]).isEqualTo(first.remaining());
        assertThat(buffer).as("the buffer is not changed").isEqualTo(before);
        assertThat(buffer.position()).isZero();
    }

    @Test
    void shouldFindNoBatchInAnEmptyBuffer() {
        assertThat(validator.validate(ByteBuffer.allocate(0), NO_LIMIT)).isZero();
    }

    @Test
    void shouldCountBatchesFromThePosition() {
        final ByteBuffer batch = batchOf("a");
        final ByteBuffer buffer = ByteBuffer.allocate(batch.remaining() + 5);
        buffer.position(5);
        buffer.put(batch.duplicate()).position(5);

        assertThat(validator.validate(buffer, NO_LIMIT)).isEqualTo(1);
        assertThat(validator.batchStarts()[0]).isEqualTo(5);
    }

    @Test
    void shouldRefuseABadCrc() {
        final ByteBuffer buffer = batchOf("a", "b");
        final int last = buffer.limit() - 1;
        buffer.put(last, (byte) (buffer.get(last) ^ 1));

        assertThatThrownBy(() -> validator.validate(buffer, NO_LIMIT))
                .isInstanceOf(CorruptRecordException.class)
                .hasMessageContaining("CRC");
    }

    @Test
    void shouldRefuseAMagicOtherThanTwo() {
        final ByteBuffer buffer = batchOf("a");
        buffer.put(RecordBatchFlyweight.MAGIC_OFFSET, (byte) 1);

        assertThatThrownBy(() -> validator.validate(buffer, NO_LIMIT))
                .isInstanceOf(UnsupportedForMessageFormatException.class);
    }

    @Test
    void shouldRefuseABatchOverTheSizeLimit() {
        final ByteBuffer buffer = batchOf("a", "b", "c");

        assertThat(validator.validate(buffer, buffer.remaining()))
                .as("exactly at the limit")
                .isEqualTo(1);
        assertThatThrownBy(() -> validator.validate(buffer, buffer.remaining() - 1))
                .isInstanceOf(RecordTooLargeException.class);
    }

    @Test
    void shouldRefuseARecordCountThatDisagreesWithTheLastOffsetDelta() {
        final ByteBuffer buffer = batchOf("a", "b");
        buffer.putInt(RecordBatchFlyweight.RECORD_COUNT_OFFSET, 3);
        final RecordBatchFlyweight batch = new RecordBatchFlyweight().wrap(buffer, 0);
        batch.crc(batch.computeCrc(new CRC32C())); // so that the count, not the CRC, is what is wrong

        assertThatThrownBy(() -> validator.validate(buffer, NO_LIMIT)).isInstanceOf(InvalidRecordException.class);
    }

    @Test
    void shouldRefuseTruncatedAndTrailingBytes() {
        final ByteBuffer whole = batchOf("a");
        final ByteBuffer cut = whole.duplicate().limit(whole.limit() - 1);
        final ByteBuffer trailing = concat(whole, ByteBuffer.allocate(3));

        assertThatThrownBy(() -> validator.validate(cut, NO_LIMIT)).isInstanceOf(CorruptRecordException.class);
        assertThatThrownBy(() -> validator.validate(trailing, NO_LIMIT)).isInstanceOf(CorruptRecordException.class);
    }
}
