package io.runnel.it.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.runnel.it.TestBrokerExtension;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.kafka.common.message.ListOffsetsResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Which ListOffsets version may ask for which special target, and what a broker without tiered storage answers.
 * Every expectation was observed on Kafka 4.4.0 with the same requests (a one-partition topic holding 3 records):
 * a target the version does not know, or no version knows, is UNSUPPORTED_VERSION whatever the partition.
 */
@Timeout(30)
class ListOffsetsTargetsTest {
    private static final String TOPIC = "targets";
    private static final long RECORDS = 3;

    @RegisterExtension
    static final TestBrokerExtension BROKER = new TestBrokerExtension();

    @BeforeAll
    static void createTopic() throws Exception {
        try (WireClient client = WireClient.connect(BROKER.port())) {
            ProduceValidationTest.createTopic(client, TOPIC, Map.of());
            client.roundTrip(Requests.produce(TOPIC, null, Requests.records("a", "b", "c"), (short) 12), (short) 12);
        }
    }

    /** (version, target, first version that knows the target, or -1 for none). */
    static Stream<Arguments> targets() {
        final Stream.Builder<Arguments> cases = Stream.builder();
        final long[] targets = {-1, -2, -3, -4, -5, -6, -7, -8, -100};
        final short[] first = {0, 0, 7, 8, 9, 11, -1, -1, -1};
        for (short version = 1; version <= 11; version++) {
            for (int i = 0; i < targets.length; i++) {
                cases.add(Arguments.of(version, targets[i], first[i]));
            }
        }
        return cases.build();
    }

    @ParameterizedTest(name = "v{0} target {1}")
    @MethodSource("targets")
    void shouldServeASpecialTargetFromTheVersionThatBroughtIt(final short version, final long target, final short first)
            throws Exception {
        final ListOffsetsResponseData.ListOffsetsPartitionResponse answer = listOffsets(TOPIC, target, version);
        if (first < 0 || version < first) {
            assertThat(answer.errorCode()).isEqualTo(Errors.UNSUPPORTED_VERSION.code());
            assertThat(answer.offset()).isEqualTo(-1);
        } else {
            assertThat(answer.errorCode()).isZero();
        }
    }

    /** KIP-1023's -6: nothing waits for tiered storage here, so Kafka answers no offset, no timestamp, no epoch. */
    @Test
    void shouldAnswerNoOffsetForEarliestPendingUploadWithoutTieredStorage() throws Exception {
        final ListOffsetsResponseData.ListOffsetsPartitionResponse answer = listOffsets(TOPIC, -6, (short) 11);
        assertThat(answer.errorCode()).isZero();
        assertThat(answer.offset()).isEqualTo(-1);
        assertThat(answer.timestamp()).isEqualTo(-1);
        assertThat(answer.leaderEpoch()).isEqualTo(-1);
        assertThat(listOffsets(TOPIC, -1, (short) 11).offset()).isEqualTo(RECORDS);
    }

    @Test
    void shouldRefuseAnUnknownTargetBeforeLookingForTheTopic() throws Exception {
        assertThat(listOffsets("no-such-topic", -7, (short) 11).errorCode())
                .isEqualTo(Errors.UNSUPPORTED_VERSION.code());
        assertThat(listOffsets("no-such-topic", -6, (short) 10).errorCode())
                .isEqualTo(Errors.UNSUPPORTED_VERSION.code());
        assertThat(listOffsets("no-such-topic", -6, (short) 11).errorCode())
                .isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
    }

    private static ListOffsetsResponseData.ListOffsetsPartitionResponse listOffsets(
            final String topic, final long target, final short version) throws Exception {
        try (WireClient client = WireClient.connect(BROKER.port())) {
            final ListOffsetsResponseData response = client.roundTrip(Requests.listOffsets(topic, target), version);
            return response.topics().get(0).partitions().get(0);
        }
    }
}
