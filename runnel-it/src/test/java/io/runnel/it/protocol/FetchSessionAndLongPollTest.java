package io.runnel.it.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.runnel.it.TestBroker;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.Records;
import org.apache.kafka.common.requests.FetchRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fetch at the protocol level: KIP-227 incremental sessions, the long poll (max.wait.ms and min.bytes), and
 * the partition and response byte limits, at the newest version (topic ids).
 */
@Timeout(60)
class FetchSessionAndLongPollTest {
    private static final short VERSION = ApiKeys.FETCH.latestVersion();
    private static final String TOPIC = "sessions";

    @TempDir
    static Path dir;

    static TestBroker broker;
    static Uuid topicId;
    static KafkaProducer<byte[], byte[]> producer;

    @BeforeAll
    static void start() throws Exception {
        broker = TestBroker.start(dir);
        try (Admin admin = broker.admin()) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 3, (short) 1))).all().get();
            topicId = admin.describeTopics(List.of(TOPIC))
                    .allTopicNames()
                    .get()
                    .get(TOPIC)
                    .topicId();
        }
        producer = broker.producer();
    }

    @AfterAll
    static void stop() {
        producer.close();
        broker.close();
    }

    @Test
    void shouldAnswerIncrementalFetchesWithOnlyThePartitionsThatChanged() throws Exception {
        final String topic = "incremental";
        final Uuid id;
        try (Admin admin = broker.admin()) {
            admin.createTopics(List.of(new NewTopic(topic, 3, (short) 1))).all().get();
            id = admin.describeTopics(List.of(topic))
                    .allTopicNames()
                    .get()
                    .get(topic)
                    .topicId();
        }
        produce(topic, 0, "a");
        try (WireClient client = WireClient.connect(broker.port())) {
            // epoch 0: a new session with every partition, answered in full
            final FetchResponseData full =
                    client.roundTrip(request(0, 0, 0, 1, id, Map.of(0, 0L, 1, 0L, 2, 0L), List.of()), VERSION);
            assertThat(full.errorCode()).isEqualTo(Errors.NONE.code());
            final int session = full.sessionId();
            assertThat(session).isPositive();
            assertThat(partitions(full)).containsExactly(0, 1, 2);
            assertThat(values(full, 0)).containsExactly("a");

            // epoch 1: partition 0 moves to its end; nothing is new anywhere, so nothing is sent
            final FetchResponseData quiet =
                    client.roundTrip(request(session, 1, 0, 1, id, Map.of(0, 1L), List.of()), VERSION);
            assertThat(quiet.sessionId()).isEqualTo(session);
            assertThat(partitions(quiet)).isEmpty();

            // epoch 2: a record arrives on partition 2; only partition 2 is in the answer
            produce(topic, 2, "b");
            final FetchResponseData changed =
                    client.roundTrip(request(session, 2, 0, 1, id, Map.of(), List.of()), VERSION);
            assertThat(partitions(changed)).containsExactly(2);
            assertThat(values(changed, 2)).containsExactly("b");

            // an epoch is used once; an unknown session is not found
            assertThat(client.<FetchResponseData>roundTrip(request(session, 2, 0, 1, id, Map.of(), List.of()), VERSION)
                            .errorCode())
                    .isEqualTo(Errors.INVALID_FETCH_SESSION_EPOCH.code());
            assertThat(client.<FetchResponseData>roundTrip(
                                    request(session + 1, 1, 0, 1, id, Map.of(), List.of()), VERSION)
                            .errorCode())
                    .isEqualTo(Errors.FETCH_SESSION_ID_NOT_FOUND.code());

            // epoch 3: forget partition 2 (and move past b); later records on it are not sent
            assertThat(partitions(client.roundTrip(request(session, 3, 0, 1, id, Map.of(), List.of(2)), VERSION)))
                    .isEmpty();
            produce(topic, 2, "c");
            assertThat(partitions(client.roundTrip(request(session, 4, 0, 1, id, Map.of(), List.of()), VERSION)))
                    .isEmpty();

            // epoch -1 closes the session: the answer is sessionless and the session is gone
            final FetchResponseData closing =
                    client.roundTrip(request(session, -1, 0, 1, id, Map.of(2, 1L), List.of()), VERSION);
            assertThat(closing.sessionId()).isZero();
            assertThat(values(closing, 2)).containsExactly("c");
            assertThat(client.<FetchResponseData>roundTrip(request(session, 5, 0, 1, id, Map.of(), List.of()), VERSION)
                            .errorCode())
                    .isEqualTo(Errors.FETCH_SESSION_ID_NOT_FOUND.code());
        }
    }

    @Test
    void shouldHoldAFetchAtTheEndOfTheLogUntilARecordArrives() throws Exception {
        final long end = produce(TOPIC, 1, "first") + 1;
        try (WireClient client = WireClient.connect(broker.port())) {
            final int correlationId =
                    client.send(request(0, -1, 10_000, 1, topicId, Map.of(1, end), List.of()), VERSION);
            assertNoResponseWithin(client, 300);
            produce(TOPIC, 1, "second");
            final FetchResponseData response = client.receive(ApiKeys.FETCH, VERSION, correlationId);
            assertThat(values(response, 1)).containsExactly("second");
        }
    }

    @Test
    void shouldAnswerWithNothingWhenMaxWaitPassesWithoutRecords() throws Exception {
        final long end = produce(TOPIC, 0, "x") + 1;
        try (WireClient client = WireClient.connect(broker.port())) {
            final FetchResponseData response =
                    client.roundTrip(request(0, -1, 200, 1, topicId, Map.of(0, end), List.of()), VERSION);
            assertThat(response.errorCode()).isEqualTo(Errors.NONE.code());
            assertThat(partitions(response)).containsExactly(0);
            assertThat(values(response, 0)).isEmpty();
            assertThat(response.responses().get(0).partitions().get(0).highWatermark())
                    .isEqualTo(end);
        }
    }

    @Test
    void shouldWaitForMinBytesRatherThanTheFirstRecord() throws Exception {
        final long end = produce(TOPIC, 2, "start") + 1;
        try (WireClient client = WireClient.connect(broker.port())) {
            final int correlationId =
                    client.send(request(0, -1, 10_000, 5_000, topicId, Map.of(2, end), List.of()), VERSION);
            produce(TOPIC, 2, "small");
            assertNoResponseWithin(client, 300);
            produce(TOPIC, 2, "x".repeat(6_000));
            final FetchResponseData response = client.receive(ApiKeys.FETCH, VERSION, correlationId);
            assertThat(values(response, 2)).containsExactly("small", "x".repeat(6_000));
        }
    }

    @Test
    void shouldReturnOneWholeBatchWhenItIsLargerThanTheByteLimits() throws Exception {
        final String topic = "limits";
        final Uuid id;
        try (Admin admin = broker.admin()) {
            admin.createTopics(List.of(new NewTopic(topic, 2, (short) 1))).all().get();
            id = admin.describeTopics(List.of(topic))
                    .allTopicNames()
                    .get()
                    .get(topic)
                    .topicId();
        }
        produce(topic, 0, "y".repeat(500));
        produce(topic, 0, "z".repeat(500));
        produce(topic, 1, "w".repeat(500));
        try (WireClient client = WireClient.connect(broker.port())) {
            // partition limit of 100 bytes: the first batch comes anyway (KIP-74), the second does not
            final FetchRequestData request = request(0, -1, 0, 1, id, Map.of(0, 0L, 1, 0L), List.of());
            request.topics().get(0).partitions().forEach(p -> p.setPartitionMaxBytes(100));
            final FetchResponseData response = client.roundTrip(request, VERSION);
            assertThat(values(response, 0)).containsExactly("y".repeat(500));
            assertThat(values(response, 1))
                    .as("only the first partition with data may exceed the limit")
                    .isEmpty();

            // response limit of 1 byte: the same, across partitions
            final FetchRequestData tiny =
                    request(0, -1, 0, 1, id, Map.of(0, 0L, 1, 0L), List.of()).setMaxBytes(1);
            final FetchResponseData limited = client.roundTrip(tiny, VERSION);
            assertThat(values(limited, 0)).containsExactly("y".repeat(500));
            assertThat(values(limited, 1)).isEmpty();
        }
    }

    private static void assertNoResponseWithin(final WireClient client, final int ms) throws IOException {
        try {
            client.awaitNothingFor(ms);
        } catch (SocketTimeoutException expected) {
            return;
        }
        throw new AssertionError("the broker answered a fetch before it should have");
    }

    private static long produce(final String topic, final int partition, final String value) throws Exception {
        return producer.send(new ProducerRecord<>(topic, partition, null, value.getBytes(StandardCharsets.UTF_8)))
                .get()
                .offset();
    }

    private static FetchRequestData request(
            final int sessionId,
            final int epoch,
            final int maxWaitMs,
            final int minBytes,
            final Uuid id,
            final Map<Integer, Long> offsets,
            final List<Integer> forgotten) {
        final FetchRequestData.FetchTopic topic = new FetchRequestData.FetchTopic().setTopicId(id);
        offsets.entrySet().stream()
                .sorted(Map.Entry.comparingByKey())
                .forEach(e -> topic.partitions()
                        .add(new FetchRequestData.FetchPartition()
                                .setPartition(e.getKey())
                                .setFetchOffset(e.getValue())
                                .setPartitionMaxBytes(1 << 20)
                                .setCurrentLeaderEpoch(-1)
                                .setLogStartOffset(-1)));
        final FetchRequestData data = new FetchRequestData()
                .setReplicaId(FetchRequest.CONSUMER_REPLICA_ID)
                .setMaxWaitMs(maxWaitMs)
                .setMinBytes(minBytes)
                .setMaxBytes(1 << 20)
                .setSessionId(sessionId)
                .setSessionEpoch(epoch)
                .setRackId("");
        if (!topic.partitions().isEmpty()) {
            data.topics().add(topic);
        }
        if (!forgotten.isEmpty()) {
            data.forgottenTopicsData()
                    .add(new FetchRequestData.ForgottenTopic()
                            .setTopicId(id)
                            .setPartitions(new ArrayList<>(forgotten)));
        }
        return data;
    }

    private static List<Integer> partitions(final FetchResponseData response) {
        return response.responses().stream()
                .flatMap(t -> t.partitions().stream())
                .map(FetchResponseData.PartitionData::partitionIndex)
                .sorted()
                .collect(Collectors.toList());
    }

    private static List<String> values(final FetchResponseData response, final int partition) {
        final List<String> values = new ArrayList<>();
        response.responses().stream()
                .flatMap(t -> t.partitions().stream())
                .filter(p -> p.partitionIndex() == partition)
                .forEach(p -> {
                    assertThat(p.errorCode()).isEqualTo(Errors.NONE.code());
                    for (final Record r : ((Records) p.records()).records()) {
                        values.add(StandardCharsets.UTF_8.decode(r.value()).toString());
                    }
                });
        return values;
    }
}
