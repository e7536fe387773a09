package io.runnel.network;

import static org.assertj.core.api.Assertions.assertThat;

import io.runnel.protocol.ApiDispatcher;
import io.runnel.protocol.ApiHandler;
import io.runnel.protocol.RequestContext;
import java.io.DataInputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.ObjectSerializationCache;
import org.apache.kafka.common.requests.RequestHeader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Requests are served on the request handler pool, not on the event loop that read them: a request whose handler
 * blocks (as an append does when its page-cache write waits for a busy disk) holds neither the other connections
 * of its event loop nor the order of its own connection.
 */
class RequestHandlerPoolTest {
    private static final short VERSION = 12;
    private static final String BLOCKING_CLIENT = "blocks";

    private final CountDownLatch release = new CountDownLatch(1);
    private final AtomicInteger running = new AtomicInteger();
    private final AtomicInteger overlaps = new AtomicInteger();
    private final List<Integer> served = Collections.synchronizedList(new ArrayList<>());
    private NetworkServer server;

    /** Metadata, answered with the correlation id as its throttle time; a request from "blocks" waits for release. */
    private final class RecordingHandler implements ApiHandler<MetadataRequestData> {
        @Override
        public ApiKeys apiKey() {
            return ApiKeys.METADATA;
        }

        @Override
        public CompletableFuture<MetadataResponseData> handle(
                final RequestContext context, final MetadataRequestData request) {
            if (running.incrementAndGet() > 1) {
                overlaps.incrementAndGet();
            }
            try {
                if (BLOCKING_CLIENT.equals(context.clientId())) {
                    release.await(10, TimeUnit.SECONDS);
                } else {
                    Thread.sleep(1); // widens the window in which two requests of one connection could overlap
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                running.decrementAndGet();
            }
            served.add(context.header().correlationId());
            return CompletableFuture.completedFuture(new MetadataResponseData()
                    .setThrottleTimeMs(context.header().correlationId()));
        }
    }

    private int start(final int networkThreads, final int ioThreads) throws InterruptedException {
        server = new NetworkServer(
                "runnel",
                new InetSocketAddress("127.0.0.1", 0),
                networkThreads,
                ioThreads,
                new ApiDispatcher(List.of(new RecordingHandler())),
                1 << 20,
                60_000,
                null);
        return server.boundAddress().getPort();
    }

    @AfterEach
    void stop() {
        release.countDown();
        if (server != null) {
            server.close();
        }
    }

    @Test
    void shouldServeAnotherConnectionOfTheSameEventLoopWhileOneRequestBlocksItsHandler() throws Exception {
        final int port = start(1, 2);
        try (Socket blocked = connect(port);
                Socket other = connect(port)) {
            send(blocked, BLOCKING_CLIENT, 1);
            send(other, "other", 2);

            assertThat(receiveCorrelationId(other)).isEqualTo(2);
            release.countDown();
            assertThat(receiveCorrelationId(blocked)).isEqualTo(1);
        }
    }

    @Test
    void shouldRunOneConnectionsPipelinedRequestsOneAtATimeInArrivalOrder() throws Exception {
        final int port = start(1, 8);
        final List<Integer> sent = new ArrayList<>();
        try (Socket socket = connect(port)) {
            for (int correlationId = 1; correlationId <= 50; correlationId++) {
                send(socket, "pipelining", correlationId);
                sent.add(correlationId);
            }
            final List<Integer> answered = new ArrayList<>();
            for (int i = 0; i < sent.size(); i++) {
                answered.add(receiveCorrelationId(socket));
            }
            assertThat(answered).containsExactlyElementsOf(sent);
        }
        assertThat(served).as("the order the handler ran them in").containsExactlyElementsOf(sent);
        assertThat(overlaps)
                .as("requests of the connection that ran at the same time")
                .hasValue(0);
    }

    private static Socket connect(final int port) throws IOException {
        final Socket socket = new Socket();
        socket.setSoTimeout(5_000);
        socket.setTcpNoDelay(true);
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        return socket;
    }

    private static void send(final Socket socket, final String clientId, final int correlationId) throws IOException {
        final RequestHeader header = new RequestHeader(ApiKeys.METADATA, VERSION, clientId, correlationId);
        final MetadataRequestData body = new MetadataRequestData().setTopics(null);
        final ObjectSerializationCache cache = new ObjectSerializationCache();
        final int size = header.data().size(cache, header.headerVersion()) + body.size(cache, VERSION);
        final ByteBuffer frame = ByteBuffer.allocate(4 + size).putInt(size);
        final ByteBufferAccessor out = new ByteBufferAccessor(frame);
        header.data().write(out, cache, header.headerVersion());
        body.write(out, cache, VERSION);
        socket.getOutputStream().write(frame.array());
    }

    /** Reads one Metadata response and returns its throttle time, which the handler set to the correlation id. */
    private static int receiveCorrelationId(final Socket socket) throws IOException {
        final DataInputStream in = new DataInputStream(socket.getInputStream());
        final byte[] bytes = new byte[in.readInt()];
        in.readFully(bytes);
        final ByteBuffer buffer = ByteBuffer.wrap(bytes);
        final int correlationId = buffer.getInt();
        org.apache.kafka.common.utils.internals.ByteUtils.readUnsignedVarint(
                buffer); // the empty tagged fields of header v1
        final MetadataResponseData response = new MetadataResponseData(new ByteBufferAccessor(buffer), VERSION);
        assertThat(response.throttleTimeMs())
                .as("the response carries its request's id")
                .isEqualTo(correlationId);
        return correlationId;
    }
}
