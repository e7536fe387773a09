package io.runnel.it.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.runnel.it.TestBrokerExtension;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.DefaultRecordBatch;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.utils.internals.Crc32C;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Corners where Kafka's behaviour is easy to miss: acks=0 produce, Metadata v0, and batches whose CRC is right but
 * whose contents are not. Tests marked {@link Disabled} document a gap that is still open.
 */
@Timeout(30)
class KafkaParityTest {
    private static final short PRODUCE_VERSION = 12;

    @RegisterExtension
    static final TestBrokerExtension BROKER = new TestBrokerExtension();

    @Test
    void shouldSendNoResponseAndKeepOrderWhenAcksZeroProduceSucceeds() throws Exception {
        try (WireClient client = WireClient.connect(BROKER.port())) {
            ProduceValidationTest.createTopic(client, "acks0", Map.of());
            final ProduceRequestData produce = Requests.produce(
                            "acks0", null, Requests.records("fire-and-forget"), PRODUCE_VERSION)
                    .setAcks((short) 0);
            client.send(produce, PRODUCE_VERSION);
            final ApiVersionsResponseData next = client.roundTrip(new ApiVersionsRequestData(), (short) 0);
            assertThat(next.errorCode())
                    .as("the request after an acks=0 produce is answered, and first")
                    .isZero();
            assertThat(ProduceValidationTest.latestOffset(client, "acks0")).isEqualTo(1L);
        }
    }

    @Test
    void shouldCloseConnectionWhenAcksZeroProduceFails() throws Exception {
        try (WireClient client = WireClient.connect(BROKER.port())) {
            final ProduceRequestData produce = Requests.produce(
                            "acks0-missing", null, Requests.records("lost"), PRODUCE_VERSION)
                    .setAcks((short) 0);
            client.send(produce, PRODUCE_VERSION);
            assertThat(client.closedByPeer()).isTrue();
        }
    }

    @Test
    void shouldListAllTopicsWhenMetadataV0TopicListIsEmpty() throws Exception {
        try (WireClient client = WireClient.connect(BROKER.port())) {
            ProduceValidationTest.createTopic(client, "listed-by-v0", Map.of());
            final MetadataResponseData response = client.roundTrip(new MetadataRequestData(), (short) 0);
            assertThat(response.topics().find("listed-by-v0")).isNotNull();
        }
    }

    @Test
    void shouldListNoTopicsWhenMetadataV1TopicListIsEmpty() throws Exception {
        try (WireClient client = WireClient.connect(BROKER.port())) {
            ProduceValidationTest.createTopic(client, "not-listed-by-v1", Map.of());
            final MetadataResponseData response = client.roundTrip(new MetadataRequestData(), (short) 1);
            assertThat(response.topics()).isEmpty();
            final MetadataResponseData all = client.roundTrip(new MetadataRequestData().setTopics(null), (short) 1);
            assertThat(all.topics().find("not-listed-by-v1")).isNotNull();
        }
    }

    @Test
    void shouldRejectBatchWhenDeclaredRecordCountDisagreesWithItsRecords() throws Exception {
        try (WireClient client = WireClient.connect(BROKER.port())) {
            ProduceValidationTest.createTopic(client, "miscounted", Map.of());
            final MemoryRecords records = Requests.records("only-one");
            final ByteBuffer buffer = records.buffer();
            buffer.putInt(DefaultRecordBatch.RECORDS_COUNT_OFFSET, 2);
            buffer.putInt(DefaultRecordBatch.LAST_OFFSET_DELTA_OFFSET, 1);
            resealCrc(buffer);
            assertThat(records.batches().iterator().next().isValid())
                    .as("CRC after resealing")
                    .isTrue();
            final ProduceResponseData.PartitionProduceResponse result =
                    ProduceValidationTest.produce(client, "miscounted", records);
            assertThat(result.errorCode()).isIn(Errors.CORRUPT_MESSAGE.code(), Errors.INVALID_RECORD.code());
            assertThat(ProduceValidationTest.latestOffset(client, "miscounted")).isZero();
        }
    }

    @Test
    @Disabled("By design (docs/architecture.md, Produce): compressed batches are stored as received, checked by"
            + " header and CRC but not decompressed, which is where Runnel's produce path saves Kafka's CPU. Kafka's"
            + " LogValidator decompresses and rejects a payload that does not decode. Revisit if a client is found"
            + " that produces such batches")
    void shouldRejectCompressedBatchWhenPayloadDoesNotDecompress() throws Exception {
        try (WireClient client = WireClient.connect(BROKER.port())) {
            ProduceValidationTest.createTopic(client, "bad-gzip", Map.of());
            final MemoryRecords records = MemoryRecords.withRecords(
                    Compression.gzip().build(),
                    new SimpleRecord("compressed-payload".getBytes(StandardCharsets.UTF_8)));
            final ByteBuffer buffer = records.buffer();
            for (int i = DefaultRecordBatch.RECORD_BATCH_OVERHEAD; i < buffer.limit(); i++) {
                buffer.put(i, (byte) 0x5A);
            }
            resealCrc(buffer);
            final ProduceResponseData.PartitionProduceResponse result =
                    ProduceValidationTest.produce(client, "bad-gzip", records);
            // Kafka's decompression failure surfaces as a KafkaException, so the exact code varies by version.
            assertThat(result.errorCode()).isNotEqualTo(Errors.NONE.code());
            assertThat(ProduceValidationTest.latestOffset(client, "bad-gzip")).isZero();
        }
    }

    @Test
    @Disabled(
            "Issue #5 (compaction): a record without a key is appended to a cleanup.policy=compact topic; Kafka answers"
                    + " INVALID_RECORD ('Compacted topic cannot accept message without key')")
    void shouldRejectRecordWithoutKeyWhenTopicIsCompacted() throws Exception {
        try (WireClient client = WireClient.connect(BROKER.port())) {
            ProduceValidationTest.createTopic(client, "compacted", Map.of("cleanup.policy", "compact"));
            final ProduceResponseData.PartitionProduceResponse result =
                    ProduceValidationTest.produce(client, "compacted", Requests.records("no-key"));
            assertThat(result.errorCode()).isEqualTo(Errors.INVALID_RECORD.code());
            assertThat(ProduceValidationTest.latestOffset(client, "compacted")).isZero();
        }
    }

    /** Recomputes a v2 batch's CRC (CRC-32C from the attributes to the end) after the test edited it. */
    private static void resealCrc(final ByteBuffer batch) {
        final int from = DefaultRecordBatch.CRC_OFFSET + 4;
        batch.putInt(DefaultRecordBatch.CRC_OFFSET, (int) Crc32C.compute(batch, from, batch.limit() - from));
    }
}
