package io.runnel.it.protocol;

import static io.runnel.it.protocol.WireClient.assertBrokerServes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.runnel.it.TestBrokerExtension;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.message.CreateTopicsResponseData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.message.InitProducerIdResponseData;
import org.apache.kafka.common.message.ListOffsetsResponseData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.record.internal.Records;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.requests.ListOffsetsRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Produce requests the broker must refuse per partition, and idempotent retries it must store once. */
@Timeout(30)
class ProduceValidationTest {
    private static final short PRODUCE_VERSION = 12;
    private static final short FETCH_VERSION = 12;
    private static final short LIST_OFFSETS_VERSION = 9;

    @RegisterExtension
    static final TestBrokerExtension BROKER = new TestBrokerExtension();

    @Test
    void shouldAnswerCorruptMessageAndAppendNothingWhenBatchCrcIsWrong() throws Exception {
        try (WireClient client = WireClient.connect(BROKER.port())) {
            createTopic(client, "crc", Map.of());
            final MemoryRecords records = Requests.records("payload-to-corrupt");
            final ByteBuffer buffer = records.buffer();
            final int at = indexOf(buffer, "payload-to-corrupt".getBytes(StandardCharsets.UTF_8));
            assertThat(at).isPositive();
            buffer.put(at, (byte) (buffer.get(at) ^ 0x01));
            assertThat(records.batches().iterator().next().isValid())
                    .as("batch CRC after the flip")
                    .isFalse();

            final ProduceResponseData.PartitionProduceResponse result = produce(client, "crc", records);
            assertThat(result.errorCode()).isEqualTo(Errors.CORRUPT_MESSAGE.code());
            assertThat(result.baseOffset()).isEqualTo(-1L);

            assertThat(latestOffset(client, "crc")).isZero();
            final FetchResponseData.PartitionData fetched = fetch(client, "crc", 0);
            assertThat(fetched.errorCode()).isZero();
            assertThat(fetched.highWatermark()).isZero();
            assertThat(fetched.records().sizeInBytes()).isZero();

            // The partition still takes a good batch, at offset 0.
            assertThat(produce(client, "crc", Requests.records("good")).baseOffset())
                    .isZero();
        }
        assertBrokerServes(BROKER.port());
    }

    @Test
    void shouldAnswerMessageTooLargeWhenBatchExceedsTopicMaxMessageBytes() throws Exception {
        try (WireClient client = WireClient.connect(BROKER.port())) {
            createTopic(client, "small-messages", Map.of("max.message.bytes", "1000"));
            final MemoryRecords big = MemoryRecords.withRecords(Compression.NONE, new SimpleRecord(new byte[2000]));
            final ProduceResponseData.PartitionProduceResponse result = produce(client, "small-messages", big);
            assertThat(result.errorCode()).isEqualTo(Errors.MESSAGE_TOO_LARGE.code());
            assertThat(latestOffset(client, "small-messages")).isZero();

            final MemoryRecords small = MemoryRecords.withRecords(Compression.NONE, new SimpleRecord(new byte[500]));
            assertThat(produce(client, "small-messages", small).errorCode()).isZero();
        }
        try (KafkaProducer<byte[], byte[]> producer =
                BROKER.broker().producer("delivery.timeout.ms", 10_000, "request.timeout.ms", 5_000, "linger.ms", 0)) {
            assertThatThrownBy(() -> producer.send(new ProducerRecord<>("small-messages", new byte[2000]))
                            .get())
                    .isInstanceOf(ExecutionException.class)
                    .cause()
                    .isInstanceOf(RecordTooLargeException.class);
            assertThat(producer.send(new ProducerRecord<>("small-messages", new byte[100]))
                            .get()
                            .offset())
                    .isEqualTo(1L);
        }
        assertBrokerServes(BROKER.port());
    }

    @Test
    void shouldStoreIdempotentBatchOnceWhenSentTwiceAndRefuseSequenceGap() throws Exception {
        try (WireClient client = WireClient.connect(BROKER.port())) {
            createTopic(client, "idempotent-raw", Map.of());
            final InitProducerIdResponseData init = client.roundTrip(
                    new InitProducerIdRequestData().setTransactionalId(null).setTransactionTimeoutMs(-1), (short) 4);
            assertThat(init.errorCode()).isZero();
            final long producerId = init.producerId();
            assertThat(producerId).isNotNegative();
            assertThat(init.producerEpoch()).isZero();

            final ProduceResponseData.PartitionProduceResponse first =
                    produce(client, "idempotent-raw", idempotent(producerId, 0, "a", "b"));
            final ProduceResponseData.PartitionProduceResponse second =
                    produce(client, "idempotent-raw", idempotent(producerId, 0, "a", "b"));
            assertThat(first.errorCode()).isZero();
            assertThat(second.errorCode()).as("duplicate answered as success").isZero();
            assertThat(second.baseOffset()).as("duplicate's base offset").isEqualTo(first.baseOffset());
            assertThat(latestOffset(client, "idempotent-raw"))
                    .as("log end after the duplicate")
                    .isEqualTo(2L);
            assertThat(values(fetch(client, "idempotent-raw", 0))).containsExactly("a", "b");

            final ProduceResponseData.PartitionProduceResponse gap =
                    produce(client, "idempotent-raw", idempotent(producerId, 5, "c"));
            assertThat(gap.errorCode()).isEqualTo(Errors.OUT_OF_ORDER_SEQUENCE_NUMBER.code());
            assertThat(latestOffset(client, "idempotent-raw")).isEqualTo(2L);

            final ProduceResponseData.PartitionProduceResponse next =
                    produce(client, "idempotent-raw", idempotent(producerId, 2, "c"));
            assertThat(next.errorCode()).isZero();
            assertThat(next.baseOffset()).isEqualTo(2L);
        }
        assertBrokerServes(BROKER.port());
    }

    private static MemoryRecords idempotent(final long producerId, final int baseSequence, final String... values) {
        final SimpleRecord[] records = new SimpleRecord[values.length];
        for (int i = 0; i < values.length; i++) {
            records[i] = new SimpleRecord(values[i].getBytes(StandardCharsets.UTF_8));
        }
        return MemoryRecords.withIdempotentRecords(Compression.NONE, producerId, (short) 0, baseSequence, records);
    }

    static void createTopic(final WireClient client, final String name, final Map<String, String> configs)
            throws Exception {
        final CreateTopicsResponseData response = client.roundTrip(Requests.createTopic(name, 1, configs), (short) 7);
        final CreateTopicsResponseData.CreatableTopicResult result =
                response.topics().find(name);
        assertThat(result.errorCode())
                .as("create %s: %s", name, result.errorMessage())
                .isZero();
    }

    /** One batch to partition 0 of {@code topic} (by name, v12); the partition's answer. */
    static ProduceResponseData.PartitionProduceResponse produce(
            final WireClient client, final String topic, final MemoryRecords records) throws Exception {
        final ProduceResponseData response =
                client.roundTrip(Requests.produce(topic, null, records, PRODUCE_VERSION), PRODUCE_VERSION);
        return response.responses().iterator().next().partitionResponses().get(0);
    }

    /** The latest offset (log end) of partition 0 of {@code topic}. */
    static long latestOffset(final WireClient client, final String topic) throws Exception {
        final ListOffsetsResponseData response = client.roundTrip(
                Requests.listOffsets(topic, ListOffsetsRequest.LATEST_TIMESTAMP), LIST_OFFSETS_VERSION);
        final ListOffsetsResponseData.ListOffsetsPartitionResponse p =
                response.topics().get(0).partitions().get(0);
        assertThat(p.errorCode()).isZero();
        return p.offset();
    }

    private static FetchResponseData.PartitionData fetch(final WireClient client, final String topic, final long offset)
            throws Exception {
        final FetchResponseData response =
                client.roundTrip(Requests.fetch(topic, null, offset, FETCH_VERSION), FETCH_VERSION);
        assertThat(response.errorCode()).isZero();
        return response.responses().get(0).partitions().get(0);
    }

    private static List<String> values(final FetchResponseData.PartitionData data) {
        final List<String> values = new ArrayList<>();
        final Records records = (Records) data.records();
        for (final RecordBatch batch : records.batches()) {
            for (final Record record : batch) {
                values.add(StandardCharsets.UTF_8.decode(record.value()).toString());
            }
        }
        return values;
    }

    private static int indexOf(final ByteBuffer buffer, final byte[] needle) {
        outer:
        for (int i = buffer.position(); i <= buffer.limit() - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (buffer.get(i + j) != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
