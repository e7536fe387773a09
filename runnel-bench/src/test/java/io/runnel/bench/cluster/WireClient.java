package io.runnel.bench.cluster;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.EnumMap;
import java.util.Map;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ApiVersionsRequest;
import org.apache.kafka.common.requests.ApiVersionsResponse;
import org.apache.kafka.common.requests.RequestHeader;

/**
 * One connection to one broker, requests written straight to its socket, one at a time. The Admin client picks
 * the broker it sends a request to itself (any broker for Metadata, the "controller" for CreateTopics); this
 * client asks exactly the broker it was opened on, so "broker 2's Metadata" is broker 2's. Each API is sent at
 * the newest version both kafka-clients and the broker know (from the broker's ApiVersions answer).
 */
final class WireClient implements AutoCloseable {
    private static final int CONNECT_TIMEOUT_MS = 5_000;
    private static final int READ_TIMEOUT_MS = 120_000;

    private final String address;
    private final Socket socket;
    private final DataInputStream in;
    private final DataOutputStream out;
    private final Map<ApiKeys, Short> versions = new EnumMap<>(ApiKeys.class);
    private int correlationId;

    private WireClient(final String address) throws IOException {
        this.address = address;
        final int colon = address.lastIndexOf(':');
        socket = new Socket();
        socket.setTcpNoDelay(true);
        socket.connect(
                new InetSocketAddress(address.substring(0, colon), Integer.parseInt(address.substring(colon + 1))),
                CONNECT_TIMEOUT_MS);
        socket.setSoTimeout(READ_TIMEOUT_MS);
        in = new DataInputStream(socket.getInputStream());
        out = new DataOutputStream(socket.getOutputStream());
    }

    /** Connects to {@code host:port} and learns the broker's API versions. */
    static WireClient connect(final String address) throws IOException {
        final WireClient client = new WireClient(address);
        try {
            client.negotiate();
        } catch (IOException | RuntimeException e) {
            client.close();
            throw e;
        }
        return client;
    }

    String address() {
        return address;
    }

    /** Whether the broker serves {@code api} at all. */
    boolean supports(final ApiKeys api) {
        return versions.containsKey(api);
    }

    /** Sends one request at the newest common version and returns its response. */
    @SuppressWarnings("unchecked")
    <T extends AbstractResponse> T send(final AbstractRequest.Builder<?> builder) throws IOException {
        final ApiKeys api = builder.apiKey();
        final Short brokerMax = versions.get(api);
        if (brokerMax == null) {
            throw new IOException(address + " does not serve " + api);
        }
        final short version = (short) Math.min(brokerMax, builder.latestAllowedVersion());
        if (version < builder.oldestAllowedVersion()) {
            throw new IOException(address + " serves " + api + " only up to v" + brokerMax);
        }
        return (T) roundTrip(builder.build(version), api, version);
    }

    private void negotiate() throws IOException {
        final short version = ApiKeys.API_VERSIONS.latestVersion();
        final ApiVersionsResponse response = (ApiVersionsResponse)
                roundTrip(new ApiVersionsRequest.Builder().build(version), ApiKeys.API_VERSIONS, version);
        if (response.data().errorCode() != Errors.NONE.code()) {
            throw new IOException(address + " refused ApiVersions v" + version + ": "
                    + Errors.forCode(response.data().errorCode()));
        }
        for (final ApiVersionsResponseData.ApiVersion v : response.data().apiKeys()) {
            if (ApiKeys.hasId(v.apiKey())) {
                versions.put(ApiKeys.forId(v.apiKey()), v.maxVersion());
            }
        }
    }

    private AbstractResponse roundTrip(final AbstractRequest request, final ApiKeys api, final short version)
            throws IOException {
        final RequestHeader header = new RequestHeader(api, version, "runnel-cluster-bench", ++correlationId);
        final ByteBuffer payload = request.serializeWithHeader(header);
        final byte[] frame = new byte[payload.remaining()];
        payload.get(frame);
        out.writeInt(frame.length);
        out.write(frame);
        out.flush();
        final byte[] response = new byte[in.readInt()];
        in.readFully(response);
        return AbstractResponse.parseResponse(ByteBuffer.wrap(response), header);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
