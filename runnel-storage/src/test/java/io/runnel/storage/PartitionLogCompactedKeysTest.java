package io.runnel.storage;

import static io.runnel.storage.TestBatches.allOffsets;
import static io.runnel.testsupport.RecordBatches.keyed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.runnel.testsupport.ManualClock;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.record.internal.CompressionType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A compacted log refuses records without a key, as Kafka does; other logs take them. Where records are
 * decompressed (the key check, timestamp lookups) each is held to {@code max.decompressed.message.bytes}.
 */
class PartitionLogCompactedKeysTest {

    private static final TopicPartition TP = new TopicPartition("table", 0);
    private static final long T0 = 1_700_000_000_000L;

    @TempDir
    Path tmp;

    private PartitionLog log;

    @AfterEach
    void tearDown() {
        log.closeForDelete();
    }

    private PartitionLog open(final boolean compacted) {
        final LogConfig config =
                LogConfig.defaults().withCompaction(CompactionConfig.defaults().withEnabled(compacted));
        log = PartitionLog.open(TP, tmp.resolve("table-0"), config, new ManualClock(T0), 0, 0, true);
        return log;
    }

    @ParameterizedTest
    @EnumSource(
            value = CompressionType.class,
            names = {"NONE", "GZIP", "LZ4", "ZSTD", "SNAPPY"})
    void shouldRejectABatchWithAKeylessRecordWhenTheTopicIsCompacted(final CompressionType compression)
            throws IOException {
        final PartitionLog compacted = open(true);

        assertThatThrownBy(() -> compacted.appendAsLeader(keyed(compression, T0, "a", "1", null, "2", "c", "3"), 0))
                .isInstanceOf(InvalidRecordException.class)
                .hasMessage("Compacted topic cannot accept message without key in topic partition table-0.");
        assertThat(compacted.logEndOffset()).isZero();
        assertThat(allOffsets(compacted)).isEmpty();
    }

    @Test
    void shouldRefuseAHighlyCompressedRecordWhenItDecompressesPastMaxDecompressedMessageBytes() throws IOException {
        final PartitionLog compacted = open(true);
        compacted.updateConfig(compacted.config().withMaxDecompressedMessageBytes(1024 * 1024));
        final ByteBuffer tenMegabytesOfZeros = keyed(CompressionType.GZIP, T0, "k", "0".repeat(10 * 1024 * 1024));
        assertThat(tenMegabytesOfZeros.remaining()).isLessThan(64 * 1024);

        assertThatThrownBy(() -> compacted.appendAsLeader(tenMegabytesOfZeros, 0))
                .isInstanceOf(InvalidRecordException.class)
                .hasMessageContaining("exceeds the configured maximum record size of 1048576.");
        assertThat(compacted.logEndOffset()).isZero();

        compacted.updateConfig(compacted.config().withMaxDecompressedMessageBytes(11 * 1024 * 1024));
        compacted.appendAsLeader(keyed(CompressionType.GZIP, T0, "k", "0".repeat(10 * 1024 * 1024)), 0);
        assertThat(compacted.logEndOffset()).isOne();
    }

    @Test
    void shouldRefuseATimestampLookupWhenARecordItDecompressesIsPastMaxDecompressedMessageBytes() {
        final PartitionLog plain = open(false);
        plain.appendAsLeader(keyed(CompressionType.ZSTD, T0, "k", "0".repeat(100_000)), 0);
        assertThat(plain.offsetForTimestamp(T0)).map(TimestampAndOffset::offset).contains(0L);

        plain.updateConfig(plain.config().withMaxDecompressedMessageBytes(10_000));

        assertThatThrownBy(() -> plain.offsetForTimestamp(T0))
                .isInstanceOf(InvalidRecordException.class)
                .hasMessageContaining("exceeds the configured maximum record size of 10000.");
        assertThatThrownBy(plain::maxTimestampOffset).isInstanceOf(InvalidRecordException.class);
    }

    @Test
    void shouldAcceptKeyedRecordsAndTombstonesWhenTheTopicIsCompacted() throws IOException {
        final PartitionLog compacted = open(true);

        compacted.appendAsLeader(keyed(CompressionType.LZ4, T0, "a", "1", "a", null), 0);

        assertThat(allOffsets(compacted)).containsExactly(0L, 1L);
    }

    @Test
    void shouldAcceptKeylessRecordsWhenTheTopicIsNotCompacted() throws IOException {
        final PartitionLog plain = open(false);

        plain.appendAsLeader(keyed(CompressionType.NONE, T0, null, "1", null, "2"), 0);

        assertThat(allOffsets(plain)).containsExactly(0L, 1L);
    }
}
