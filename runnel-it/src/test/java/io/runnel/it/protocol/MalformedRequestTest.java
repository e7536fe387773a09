package io.runnel.it.protocol;

import static io.runnel.it.protocol.WireClient.assertBrokerServes;
import static org.assertj.core.api.Assertions.assertThat;

import io.runnel.it.TestBrokerExtension;
import io.runnel.testsupport.Await;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.message.CreateTopicsResponseData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.ListOffsetsResponseData;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.requests.ListOffsetsRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Bytes no well-behaved client sends: the broker closes the offending connection, as Kafka does, and keeps
 * serving everyone else without leaking the connection's resources.
 */
@Timeout(30)
class MalformedRequestTest {
    private static final int MAX_REQUEST_BYTES = 1 << 20;

    @RegisterExtension
    static final TestBrokerExtension BROKER =
            new TestBrokerExtension("socket.request.max.bytes", Integer.toString(MAX_REQUEST_BYTES));

    @Test
    void shouldCloseConnectionWhenFrameSizeExceedsSocketRequestMaxBytes() throws Exception {
        try (WireClient client = WireClient.connect(BROKER.port())) {
            client.sendRaw(sizeThen(MAX_REQUEST_BYTES + 1, new byte[16]));
            assertThat(client.closedByPeer()).isTrue();
        }
        assertBrokerServes(BROKER.port());
    }

    @Test
    void shouldServeRequestWhenFrameIsExactlySocketRequestMaxBytes() throws Exception {
        try (WireClient client = WireClient.connect(BROKER.port())) {
            final CreateTopicsResponseData created = client.roundTrip(
                    Requests.createTopic("at-frame-limit", 1, Map.of("max.message.bytes", "2000000")), (short) 7);
            assertThat(created.topics().iterator().next().errorCode()).isZero();
            final short version = 12;
            // Grow the record until the whole request frame is exactly socket.request.max.bytes.
            int valueBytes = MAX_REQUEST_BYTES - 200;
            byte[] frame = produceFrame(valueBytes, version);
            while (frame.length - 4 != MAX_REQUEST_BYTES) {
                valueBytes += MAX_REQUEST_BYTES - (frame.length - 4);
                frame = produceFrame(valueBytes, version);
            }
            client.sendRaw(frame);
            final ProduceResponseData response = client.receive(ApiKeys.PRODUCE, version, 0);
            assertThat(response.responses()
                            .iterator()
                            .next()
                            .partitionResponses()
                            .get(0)
                            .errorCode())
                    .isEqualTo(Errors.NONE.code());
        }
        assertBrokerServes(BROKER.port());
    }

    private static byte[] produceFrame(final int valueBytes, final short version) {
        final MemoryRecords records =
                MemoryRecords.withRecords(Compression.NONE, new SimpleRecord(new byte[valueBytes]));
        final ProduceRequestData request = Requests.produce("at-frame-limit", null, records, version);
        return WireClient.frame(ApiKeys.PRODUCE, version, 0, request);
    }

    @Test
    void shouldKeepServingWhenFrameIsTruncatedAndClientDisconnects() throws Exception {
        try (WireClient client = WireClient.connect(BROKER.port())) {
            client.sendRaw(sizeThen(100, new byte[10]));
        }
        assertBrokerServes(BROKER.port());
    }

    @ParameterizedTest
    @ValueSource(longs = {1L, 2L, 3L, 42L})
    void shouldCloseConnectionWhenClientSendsRandomGarbage(final long seed) throws Exception {
        final Random random = new Random(seed);
        final byte[] garbage = new byte[256];
        random.nextBytes(garbage);
        // Force the size field out of range so the frame is rejected at once rather than awaited.
        garbage[0] = (byte) (garbage[0] | 0x40);
        try (WireClient client = WireClient.connect(BROKER.port())) {
            client.sendRaw(garbage);
            assertThat(client.closedByPeer()).isTrue();
        }
        assertBrokerServes(BROKER.port());
    }

    @ParameterizedTest
    @ValueSource(longs = {1L, 2L, 3L, 42L})
    void shouldCloseConnectionWhenWellFramedRequestIsGarbage(final long seed) throws Exception {
        final Random random = new Random(seed);
        final byte[] garbage = new byte[64 + random.nextInt(512)];
        random.nextBytes(garbage);
        try (WireClient client = WireClient.connect(BROKER.port())) {
            client.sendRaw(sizeThen(garbage.length, garbage));
            assertThat(client.closedByPeer()).isTrue();
        }
        assertBrokerServes(BROKER.port());
    }

    @Test
    void shouldCloseConnectionWhenFrameIsEmpty() throws Exception {
        try (WireClient client = WireClient.connect(BROKER.port())) {
            client.sendRaw(sizeThen(0, new byte[0]));
            assertThat(client.closedByPeer()).isTrue();
        }
        assertBrokerServes(BROKER.port());
    }

    @ParameterizedTest
    @ValueSource(ints = {-1, -4, Integer.MIN_VALUE})
    void shouldCloseConnectionWhenFrameSizeIsNegative(final int size) throws Exception {
        try (WireClient client = WireClient.connect(BROKER.port())) {
            client.sendRaw(sizeThen(size, new byte[8]));
            assertThat(client.closedByPeer()).isTrue();
        }
        assertBrokerServes(BROKER.port());
    }

    @ParameterizedTest
    @ValueSource(shorts = {999, 32767, -1, -32768})
    void shouldCloseConnectionWhenApiKeyIsUnknown(final short apiKey) throws Exception {
        try (WireClient client = WireClient.connect(BROKER.port())) {
            client.sendRaw(rawRequest(apiKey, (short) 0, new byte[0]));
            assertThat(client.closedByPeer()).isTrue();
        }
        assertBrokerServes(BROKER.port());
    }

    @ParameterizedTest
    @ValueSource(shorts = {99, 14, Short.MAX_VALUE, -1})
    void shouldCloseConnectionWhenProduceVersionIsUnsupported(final short version) throws Exception {
        try (WireClient client = WireClient.connect(BROKER.port())) {
            client.sendRaw(rawRequest(ApiKeys.PRODUCE.id, version, new byte[32]));
            assertThat(client.closedByPeer()).isTrue();
        }
        assertBrokerServes(BROKER.port());
    }

    @Test
    void shouldCloseConnectionWhenRequestHasBytesAfterItsBody() throws Exception {
        final byte[] valid = WireClient.frame(ApiKeys.METADATA, (short) 12, 7, new MetadataRequestData());
        final byte[] padded = Arrays.copyOf(valid, valid.length + 3);
        ByteBuffer.wrap(padded).putInt(valid.length - 4 + 3);
        try (WireClient client = WireClient.connect(BROKER.port())) {
            client.sendRaw(padded);
            assertThat(client.closedByPeer()).isTrue();
        }
        assertBrokerServes(BROKER.port());
    }

    @Test
    void shouldCloseConnectionWhenRequestBodyEndsEarly() throws Exception {
        final byte[] valid =
                WireClient.frame(ApiKeys.METADATA, (short) 12, 7, Requests.metadata("some-topic-name", false));
        final byte[] cut = Arrays.copyOf(valid, valid.length - 6);
        ByteBuffer.wrap(cut).putInt(cut.length - 4);
        try (WireClient client = WireClient.connect(BROKER.port())) {
            client.sendRaw(cut);
            assertThat(client.closedByPeer()).isTrue();
        }
        assertBrokerServes(BROKER.port());
    }

    @Test
    void shouldAnswerUnsupportedVersionAtV0WhenApiVersionsVersionIsTooNew() throws Exception {
        final ApiVersionsResponseData supported;
        try (WireClient client = WireClient.connect(BROKER.port())) {
            supported = client.roundTrip(new ApiVersionsRequestData(), (short) 0);
        }
        try (WireClient client = WireClient.connect(BROKER.port())) {
            // The body of an ApiVersions request from the future is unknown; the broker must not need it.
            final ApiVersionsRequestData body = new ApiVersionsRequestData()
                    .setClientSoftwareName("future-client")
                    .setClientSoftwareVersion("99.0");
            final byte[] v4 = WireClient.frame(ApiKeys.API_VERSIONS, (short) 4, 11, body);
            ByteBuffer.wrap(v4).putShort(6, (short) 99);
            client.sendRaw(v4);
            final ApiVersionsResponseData response = client.receive(ApiKeys.API_VERSIONS, (short) 0, 11);
            assertThat(response.errorCode()).isEqualTo(Errors.UNSUPPORTED_VERSION.code());
            assertThat(response.apiKeys()).isEqualTo(supported.apiKeys());
            final ApiVersionsResponseData.ApiVersion apiVersions =
                    response.apiKeys().find(ApiKeys.API_VERSIONS.id);
            assertThat(apiVersions).isNotNull();
            assertThat(apiVersions.maxVersion()).isEqualTo(ApiKeys.API_VERSIONS.latestVersion());
            assertThat(response.apiKeys().find(ApiKeys.PRODUCE.id)).isNotNull();
            // The connection stays usable: the client retries at a version the broker serves.
            final ApiVersionsResponseData retried = client.roundTrip(
                    new ApiVersionsRequestData()
                            .setClientSoftwareName("future-client")
                            .setClientSoftwareVersion("99.0"),
                    (short) 3);
            assertThat(retried.errorCode()).isZero();
        }
    }

    @Test
    void shouldNotServeRequestThatFollowsUnreadableRequestWhenBothArriveTogether() throws Exception {
        try (WireClient client = WireClient.connect(BROKER.port())) {
            ProduceValidationTest.createTopic(client, "after-bad", Map.of());
        }
        final short version = 12;
        final byte[] bad = rawRequest((short) 999, (short) 0, new byte[0]);
        final byte[] produce = WireClient.frame(
                ApiKeys.PRODUCE,
                version,
                2,
                Requests.produce("after-bad", null, Requests.records("must-not-be-stored"), version));
        try (WireClient client = WireClient.connect(BROKER.port())) {
            client.sendRaw(concat(bad, produce));
            assertThat(client.closedByPeer()).isTrue();
        }
        // A wrongly served request would run on the closed connection's event loop, possibly just after the close:
        // a deliberate pause gives it the time to, since what is checked is that nothing happens.
        Thread.sleep(200);
        try (WireClient client = WireClient.connect(BROKER.port())) {
            final ListOffsetsResponseData offsets =
                    client.roundTrip(Requests.listOffsets("after-bad", ListOffsetsRequest.LATEST_TIMESTAMP), (short) 9);
            assertThat(offsets.topics().get(0).partitions().get(0).offset())
                    .as("log end of the topic the dropped request produced to")
                    .isZero();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"unknown-api-key", "oversized-frame", "negative-size"})
    void shouldAnswerRequestsBeforeBadInputThenCloseWhenTheyArriveTogether(final String badInput) throws Exception {
        try (WireClient client = WireClient.connect(BROKER.port())) {
            ProduceValidationTest.createTopic(client, "before-bad-" + badInput, Map.of());
        }
        final short fetchVersion = 12;
        // A long poll on an empty partition: still in flight when the bad input is read.
        final byte[] fetch = WireClient.frame(
                ApiKeys.FETCH,
                fetchVersion,
                1,
                Requests.fetch("before-bad-" + badInput, null, 0, fetchVersion, 300, 1));
        final byte[] apiVersions = WireClient.frame(ApiKeys.API_VERSIONS, (short) 0, 2, new ApiVersionsRequestData());
        final byte[] bad = switch (badInput) {
            case "unknown-api-key" -> rawRequest((short) 999, (short) 0, new byte[0]);
            case "oversized-frame" -> sizeThen(MAX_REQUEST_BYTES + 1, new byte[8]);
            default -> sizeThen(-1, new byte[8]);
        };
        final byte[] after = WireClient.frame(ApiKeys.API_VERSIONS, (short) 0, 3, new ApiVersionsRequestData());
        try (WireClient client = WireClient.connect(BROKER.port())) {
            client.sendRaw(concat(fetch, apiVersions, bad, after));
            final FetchResponseData fetched = client.receive(ApiKeys.FETCH, fetchVersion, 1);
            assertThat(fetched.responses().get(0).partitions().get(0).errorCode())
                    .isZero();
            final ApiVersionsResponseData versions = client.receive(ApiKeys.API_VERSIONS, (short) 0, 2);
            assertThat(versions.errorCode()).isZero();
            assertThat(client.closedByPeer())
                    .as("closed after the good requests, without answering the one after " + "the bad input")
                    .isTrue();
        }
        assertBrokerServes(BROKER.port());
    }

    private static byte[] concat(final byte[]... parts) {
        final ByteBuffer all =
                ByteBuffer.allocate(Arrays.stream(parts).mapToInt(p -> p.length).sum());
        for (final byte[] part : parts) {
            all.put(part);
        }
        return all.array();
    }

    @Test
    void shouldNotLeakFileDescriptorsWhenManyConnectionsSendBadInput() throws Exception {
        assertBrokerServes(BROKER.port());
        final long before = WireClient.openFileDescriptors();
        final Random random = new Random(7);
        for (int i = 0; i < 250; i++) {
            try (WireClient client = WireClient.connect(BROKER.port())) {
                switch (i % 5) {
                    case 0 -> client.sendRaw(sizeThen(MAX_REQUEST_BYTES + 1, new byte[4]));
                    case 1 -> client.sendRaw(sizeThen(-1, new byte[4]));
                    case 2 -> client.sendRaw(rawRequest((short) 999, (short) 0, new byte[0]));
                    case 3 -> {
                        final byte[] garbage = new byte[128];
                        random.nextBytes(garbage);
                        client.sendRaw(sizeThen(garbage.length, garbage));
                    }
                    default -> {
                        // Truncated, then the client goes away first.
                        client.sendRaw(sizeThen(100, new byte[10]));
                        continue;
                    }
                }
                assertThat(client.closedByPeer())
                        .as("connection %d closed by the broker", i)
                        .isTrue();
            }
        }
        assertBrokerServes(BROKER.port());
        Await.until(
                Duration.ofSeconds(5),
                () -> WireClient.openFileDescriptors() <= before + 5,
                "the broker closes its side of 250 bad connections");
        final long after = WireClient.openFileDescriptors();
        assertThat(after)
                .as("open file descriptors after 250 bad connections (before: %d)", before)
                .isLessThanOrEqualTo(before + 5);
    }

    private static byte[] sizeThen(final int size, final byte[] rest) {
        return ByteBuffer.allocate(4 + rest.length).putInt(size).put(rest).array();
    }

    /** A v1 request header (key, version, correlation id, client id) by hand, for keys kafka-clients rejects. */
    private static byte[] rawRequest(final short apiKey, final short version, final byte[] body) {
        final byte[] clientId = WireClient.CLIENT_ID.getBytes(StandardCharsets.UTF_8);
        final int size = 2 + 2 + 4 + 2 + clientId.length + body.length;
        return ByteBuffer.allocate(4 + size)
                .putInt(size)
                .putShort(apiKey)
                .putShort(version)
                .putInt(1)
                .putShort((short) clientId.length)
                .put(clientId)
                .put(body)
                .array();
    }

    @Test
    void shouldServeManyRequestsOnOneConnectionWhenEarlierConnectionsWereBad() throws IOException {
        try (WireClient bad = WireClient.connect(BROKER.port())) {
            bad.sendRaw(sizeThen(-7, new byte[0]));
            assertThat(bad.closedByPeer()).isTrue();
        }
        try (WireClient client = WireClient.connect(BROKER.port())) {
            for (short v = 0; v <= ApiKeys.API_VERSIONS.latestVersion(); v++) {
                final ApiVersionsResponseData response = client.roundTrip(
                        new ApiVersionsRequestData()
                                .setClientSoftwareName("runnel-test")
                                .setClientSoftwareVersion("1.0"),
                        v);
                assertThat(response.errorCode()).as("ApiVersions v%d", v).isZero();
            }
        }
    }
}
