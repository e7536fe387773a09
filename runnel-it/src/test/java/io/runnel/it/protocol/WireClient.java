package io.runnel.it.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.runnel.testsupport.Frames;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ResponseHeader;

/**
 * A raw Kafka-protocol client for tests: one blocking socket with a read timeout, big-endian framing (a 4-byte
 * size, then the request header and body written by kafka-clients' generated message classes), and responses
 * parsed back with {@link ResponseHeader#parse} and {@link AbstractResponse#parseResponse}.
 *
 * <p>Requests and responses are separate calls so a test can pipeline, or write bytes no client would.
 * Not thread-safe: one test thread per instance.
 */
final class WireClient implements AutoCloseable {
    static final String CLIENT_ID = "test";
    private static final int READ_TIMEOUT_MS = 5_000;

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private int nextCorrelationId = 1;

    private WireClient(final Socket socket) throws IOException {
        this.socket = socket;
        this.in = new DataInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    static WireClient connect(final int port) throws IOException {
        final Socket socket = new Socket();
        try {
            socket.setSoTimeout(READ_TIMEOUT_MS);
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress("127.0.0.1", port), READ_TIMEOUT_MS);
            return new WireClient(socket);
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    /** Frames and writes {@code body} at {@code version}; returns the correlation id used. */
    int send(final ApiMessage body, final short version) throws IOException {
        final int correlationId = nextCorrelationId++;
        out.write(frame(ApiKeys.forId(body.apiKey()), version, correlationId, body));
        out.flush();
        return correlationId;
    }

    /** The size-prefixed bytes of a request, as a well-behaved client would write them. */
    static byte[] frame(final ApiKeys key, final short version, final int correlationId, final ApiMessage body) {
        return Frames.request(key, version, correlationId, CLIENT_ID, body);
    }

    /** A size-prefixed request whose body is given as bytes, for versions kafka-clients cannot write. */
    static byte[] frame(final ApiKeys key, final short version, final int correlationId, final byte[] body) {
        return Frames.request(key, version, correlationId, CLIENT_ID, body);
    }

    /** Writes bytes as they are: no framing, no header. */
    void sendRaw(final byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /**
     * Reads one response, checks its correlation id, and parses its body as {@code key} at {@code version},
     * insisting the body fills the frame exactly.
     */
    @SuppressWarnings("unchecked")
    <T extends ApiMessage> T receive(final ApiKeys key, final short version, final int correlationId)
            throws IOException {
        return (T) receiveResponse(key, version, correlationId).data();
    }

    /** As {@link #receive}, but the kafka-clients response wrapper (for {@code errorCounts()} and the like). */
    AbstractResponse receiveResponse(final ApiKeys key, final short version, final int correlationId)
            throws IOException {
        final int size = in.readInt();
        assertThat(size).as("response size").isBetween(0, 64 << 20);
        final byte[] bytes = new byte[size];
        in.readFully(bytes);
        final ByteBuffer buffer = ByteBuffer.wrap(bytes);
        final ResponseHeader header = ResponseHeader.parse(buffer, key.responseHeaderVersion(version));
        assertThat(header.correlationId())
                .as("correlation id of the %s v%d response", key, version)
                .isEqualTo(correlationId);
        final AbstractResponse response = AbstractResponse.parseResponse(key, new ByteBufferAccessor(buffer), version);
        assertThat(buffer.remaining())
                .as("bytes left after the %s v%d response body", key, version)
                .isZero();
        return response;
    }

    /** Sends {@code body} and waits for its response, parsed at the same version. */
    <T extends ApiMessage> T roundTrip(final ApiMessage body, final short version) throws IOException {
        final int correlationId = send(body, version);
        return receive(ApiKeys.forId(body.apiKey()), version, correlationId);
    }

    /** Sends {@code body} and waits for its response, as kafka-clients' response wrapper. */
    AbstractResponse exchange(final ApiMessage body, final short version) throws IOException {
        final int correlationId = send(body, version);
        return receiveResponse(ApiKeys.forId(body.apiKey()), version, correlationId);
    }

    /**
     * True when the broker closes the connection (end of stream or reset) before the read timeout; false when it
     * sends a byte instead. A timeout fails the calling test.
     */
    boolean closedByPeer() throws IOException {
        try {
            return in.read() < 0;
        } catch (EOFException | SocketException e) {
            return true;
        } catch (SocketTimeoutException e) {
            throw new AssertionError(
                    "the broker neither answered nor closed the connection within " + READ_TIMEOUT_MS + " ms", e);
        }
    }

    /**
     * Waits {@code ms} for the broker to stay silent: throws {@link java.net.SocketTimeoutException} when nothing
     * arrives (the expected case), fails when a byte arrives or the connection closes.
     */
    void awaitNothingFor(final int ms) throws IOException {
        socket.setSoTimeout(ms);
        try {
            final int b = in.read();
            throw new AssertionError(b < 0 ? "the broker closed the connection" : "the broker sent a response");
        } finally {
            socket.setSoTimeout(READ_TIMEOUT_MS);
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    /** An ApiVersions round trip on a fresh connection: the broker still serves. */
    static void assertBrokerServes(final int port) throws IOException {
        try (WireClient client = connect(port)) {
            final short version = ApiKeys.API_VERSIONS.latestVersion();
            final ApiVersionsResponseData response = client.roundTrip(
                    new ApiVersionsRequestData()
                            .setClientSoftwareName("runnel-test")
                            .setClientSoftwareVersion("1.0"),
                    version);
            assertThat(response.errorCode())
                    .as("ApiVersions error on a fresh connection")
                    .isZero();
            assertThat(response.apiKeys())
                    .as("APIs advertised on a fresh connection")
                    .isNotEmpty();
        }
    }

    /** Open file descriptors of this JVM, which hosts the broker. */
    static long openFileDescriptors() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        }
    }
}
