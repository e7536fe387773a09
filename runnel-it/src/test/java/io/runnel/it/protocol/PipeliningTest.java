package io.runnel.it.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.runnel.it.TestBroker;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.ListOffsetsResponseData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.requests.ListOffsetsRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Many requests in flight on one connection are answered in request order, whatever order they finish in. */
@Timeout(30)
class PipeliningTest {
    private static final int REQUESTS = 50;

    @TempDir
    Path dir;

    private record Sent(ApiKeys key, short version, int correlationId) {}

    @Test
    void shouldAnswerInRequestOrderWhenFiftyRequestsArePipelined() throws Exception {
        try (TestBroker broker = TestBroker.start(dir);
                WireClient client = WireClient.connect(broker.port())) {
            ProduceValidationTest.createTopic(client, "pipelined", Map.of());
            final List<Sent> sent = new ArrayList<>();
            for (int i = 0; i < REQUESTS; i++) {
                final ApiMessage request;
                final short version;
                switch (i % 4) {
                    case 0 -> {
                        // Long-polls on an empty partition: finishes after the requests behind it.
                        request = Requests.fetch("pipelined", null, 0, (short) 12, 100, 1);
                        version = 12;
                    }
                    case 1 -> {
                        request = new ApiVersionsRequestData();
                        version = 0;
                    }
                    case 2 -> {
                        request = Requests.metadata("pipelined", false);
                        version = 12;
                    }
                    default -> {
                        request = Requests.listOffsets("pipelined", ListOffsetsRequest.LATEST_TIMESTAMP);
                        version = 9;
                    }
                }
                sent.add(new Sent(ApiKeys.forId(request.apiKey()), version, client.send(request, version)));
            }
            for (final Sent s : sent) {
                final ApiMessage response = client.receive(s.key(), s.version(), s.correlationId());
                switch (response) {
                    case FetchResponseData fetch -> {
                        assertThat(fetch.errorCode()).isZero();
                        assertThat(fetch.responses().get(0).partitions().get(0).errorCode())
                                .isZero();
                    }
                    case MetadataResponseData metadata ->
                        assertThat(metadata.topics().find("pipelined").errorCode())
                                .isZero();
                    case ListOffsetsResponseData offsets ->
                        assertThat(offsets.topics().get(0).partitions().get(0).offset())
                                .isZero();
                    default -> {}
                }
            }
            assertThat(sent).hasSize(REQUESTS);
        }
    }

    @Test
    void shouldAnswerEveryRequestInOrderWhenMorePipelinedThanTheInFlightLimit() throws Exception {
        final int requests = 300;
        try (TestBroker broker = TestBroker.start(dir);
                WireClient client = WireClient.connect(broker.port())) {
            ProduceValidationTest.createTopic(client, "deep-pipeline", Map.of());
            final List<Sent> sent = new ArrayList<>();
            for (int i = 0; i < requests; i++) {
                if (i % 10 == 0) {
                    sent.add(new Sent(
                            ApiKeys.FETCH,
                            (short) 12,
                            client.send(Requests.fetch("deep-pipeline", null, 0, (short) 12, 50, 1), (short) 12)));
                } else {
                    sent.add(new Sent(
                            ApiKeys.API_VERSIONS, (short) 0, client.send(new ApiVersionsRequestData(), (short) 0)));
                }
            }
            for (final Sent s : sent) {
                client.receive(s.key(), s.version(), s.correlationId());
            }
        }
    }
}
