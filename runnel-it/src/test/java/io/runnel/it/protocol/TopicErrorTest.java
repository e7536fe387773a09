package io.runnel.it.protocol;

import static io.runnel.it.protocol.WireClient.assertBrokerServes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.runnel.it.TestBroker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetOutOfRangeException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.message.CreateTopicsResponseData;
import org.apache.kafka.common.message.DeleteRecordsRequestData;
import org.apache.kafka.common.message.DeleteRecordsResponseData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Requests naming topics that cannot exist, do not exist, or offsets a partition does not have. */
@Timeout(30)
class TopicErrorTest {
    private static final String NAME_TOO_LONG = "t".repeat(250);

    @TempDir
    Path dir;

    static Stream<String> invalidNames() {
        return Stream.of("bad/name", "..", ".", "", "white space", "semi;colon", "t\u00e9", NAME_TOO_LONG);
    }

    @ParameterizedTest
    @MethodSource("invalidNames")
    void shouldAnswerInvalidTopicWhenCreateTopicsNameIsInvalid(final String name) throws Exception {
        try (TestBroker broker = TestBroker.start(dir)) {
            try (WireClient client = WireClient.connect(broker.port())) {
                final CreateTopicsResponseData response =
                        client.roundTrip(Requests.createTopic(name, 1, Map.of()), (short) 7);
                assertThat(response.topics()).hasSize(1);
                final CreateTopicsResponseData.CreatableTopicResult result =
                        response.topics().iterator().next();
                assertThat(result.name()).isEqualTo(name);
                assertThat(result.errorCode())
                        .as("error for \"%s\"", name)
                        .isEqualTo(Errors.INVALID_TOPIC_EXCEPTION.code());
            }
            assertBrokerServes(broker.port());
        }
    }

    @Test
    void shouldRaiseInvalidTopicExceptionWhenAdminCreatesInvalidTopic() throws Exception {
        try (TestBroker broker = TestBroker.start(dir);
                Admin admin = broker.admin()) {
            for (final String name : List.of("bad/name", "..", NAME_TOO_LONG)) {
                assertThatThrownBy(() -> admin.createTopics(List.of(new NewTopic(name, 1, (short) 1)))
                                .all()
                                .get())
                        .as("creating \"%s\"", name)
                        .isInstanceOf(ExecutionException.class)
                        .cause()
                        .isInstanceOf(InvalidTopicException.class);
            }
            assertThat(admin.listTopics().names().get()).isEmpty();
            assertBrokerServes(broker.port());
        }
    }

    @Test
    void shouldAnswerUnknownTopicWhenProducingToMissingTopicWithAutoCreateDisabled() throws Exception {
        try (TestBroker broker = TestBroker.start(dir, "auto.create.topics.enable", "false");
                WireClient client = WireClient.connect(broker.port())) {
            final short version = 12;
            final ProduceResponseData produced =
                    client.roundTrip(Requests.produce("missing", null, Requests.records("x"), version), version);
            final ProduceResponseData.TopicProduceResponse topic =
                    produced.responses().iterator().next();
            assertThat(topic.name()).isEqualTo("missing");
            assertThat(topic.partitionResponses().get(0).errorCode())
                    .isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());

            final MetadataResponseData metadata = client.roundTrip(Requests.metadata("missing", true), (short) 12);
            assertThat(metadata.topics().find("missing").errorCode())
                    .isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
            final MetadataResponseData again = client.roundTrip(Requests.metadata("missing", true), (short) 12);
            assertThat(again.topics().find("missing").errorCode())
                    .as("still missing: auto-creation is off")
                    .isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
        }
    }

    @Test
    void shouldAnswerUnknownTopicOrPartitionWhenDeletingRecordsOfAMissingPartition() throws Exception {
        try (TestBroker broker = TestBroker.start(dir, "auto.create.topics.enable", "false");
                WireClient client = WireClient.connect(broker.port())) {
            ProduceValidationTest.createTopic(client, "present", Map.of());
            final DeleteRecordsRequestData request = new DeleteRecordsRequestData().setTimeoutMs(1000);
            request.topics()
                    .add(new DeleteRecordsRequestData.DeleteRecordsTopic()
                            .setName("present")
                            .setPartitions(List.of(new DeleteRecordsRequestData.DeleteRecordsPartition()
                                    .setPartitionIndex(7)
                                    .setOffset(0))));
            request.topics()
                    .add(new DeleteRecordsRequestData.DeleteRecordsTopic()
                            .setName("missing")
                            .setPartitions(List.of(new DeleteRecordsRequestData.DeleteRecordsPartition()
                                    .setPartitionIndex(0)
                                    .setOffset(0))));
            final DeleteRecordsResponseData response = client.roundTrip(request, (short) 2);
            for (final String topic : List.of("present", "missing")) {
                final DeleteRecordsResponseData.DeleteRecordsPartitionResult result =
                        response.topics().find(topic).partitions().iterator().next();
                assertThat(result.errorCode()).as(topic).isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
                assertThat(result.lowWatermark()).isEqualTo(-1);
            }
            assertBrokerServes(broker.port());
        }
    }

    @Test
    void shouldCreateTopicWhenMetadataAsksForMissingTopicWithAutoCreateEnabled() throws Exception {
        try (TestBroker broker = TestBroker.start(dir, "auto.create.topics.enable", "true", "num.partitions", "2");
                WireClient client = WireClient.connect(broker.port())) {
            final MetadataResponseData notAllowed =
                    client.roundTrip(Requests.metadata("not-allowed", false), (short) 12);
            assertThat(notAllowed.topics().find("not-allowed").errorCode())
                    .as("request with allow_auto_topic_creation=false")
                    .isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());

            final MetadataResponseData first = client.roundTrip(Requests.metadata("auto", true), (short) 12);
            // Kafka answers LEADER_NOT_AVAILABLE while the new topic's leader is elected; Runnel may already be done.
            assertThat(first.topics().find("auto").errorCode())
                    .isIn(Errors.NONE.code(), Errors.LEADER_NOT_AVAILABLE.code());
            final MetadataResponseData second = client.roundTrip(Requests.metadata("auto", true), (short) 12);
            final MetadataResponseData.MetadataResponseTopic topic =
                    second.topics().find("auto");
            assertThat(topic.errorCode()).isZero();
            assertThat(topic.partitions()).hasSize(2);
            assertThat(topic.partitions())
                    .allSatisfy(p -> assertThat(p.leaderId()).isEqualTo(1));

            final MetadataResponseData stillAbsent =
                    client.roundTrip(Requests.metadata("not-allowed", false), (short) 12);
            assertThat(stillAbsent.topics().find("not-allowed").errorCode())
                    .isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
        }
    }

    @Test
    void shouldAnswerOffsetOutOfRangeWhenFetchingPastLogEnd() throws Exception {
        try (TestBroker broker = TestBroker.start(dir);
                WireClient client = WireClient.connect(broker.port())) {
            ProduceValidationTest.createTopic(client, "ends", Map.of());
            final short version = 12;
            assertThat(fetch(client, "ends", 1, version).errorCode())
                    .as("fetch at 1 from an empty log")
                    .isEqualTo(Errors.OFFSET_OUT_OF_RANGE.code());
            client.roundTrip(Requests.produce("ends", null, Requests.records("a", "b", "c"), version), version);
            assertThat(fetch(client, "ends", 3, version).errorCode())
                    .as("fetch at the log end")
                    .isZero();
            assertThat(fetch(client, "ends", 4, version).errorCode())
                    .as("fetch at log end + 1")
                    .isEqualTo(Errors.OFFSET_OUT_OF_RANGE.code());
            assertThat(fetch(client, "ends", 1000, version).errorCode()).isEqualTo(Errors.OFFSET_OUT_OF_RANGE.code());
            assertThat(fetch(client, "ends", -5, version).errorCode())
                    .as("negative fetch offset")
                    .isEqualTo(Errors.OFFSET_OUT_OF_RANGE.code());
            assertBrokerServes(broker.port());

            try (KafkaConsumer<byte[], byte[]> consumer = broker.consumer("auto.offset.reset", "none")) {
                final TopicPartition tp = new TopicPartition("ends", 0);
                consumer.assign(List.of(tp));
                consumer.seek(tp, 100);
                assertThatThrownBy(() -> {
                            final long deadline = System.nanoTime() + 10_000_000_000L;
                            while (System.nanoTime() < deadline) {
                                consumer.poll(Duration.ofMillis(200));
                            }
                        })
                        .isInstanceOf(OffsetOutOfRangeException.class);
            }
        }
    }

    private static FetchResponseData.PartitionData fetch(
            final WireClient client, final String topic, final long offset, final short version) throws Exception {
        final FetchResponseData response = client.roundTrip(Requests.fetch(topic, null, offset, version), version);
        assertThat(response.errorCode()).isZero();
        return response.responses().get(0).partitions().get(0);
    }
}
