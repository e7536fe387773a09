package io.runnel.network.client;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.ToIntFunction;
import org.apache.kafka.common.errors.DisconnectException;
import org.apache.kafka.common.errors.NetworkException;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.RequestHeader;
import org.apache.kafka.common.requests.ResponseHeader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes requests on one connection and hands each response frame to the request with its correlation id. The
 * in-flight table belongs to the connection's event loop: sends hop onto it, and a closed connection fails every
 * request still waiting.
 */
final class ResponseMatcher extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(ResponseMatcher.class);

    private record InFlight(ApiKeys api, short version, CompletableFuture<AbstractResponse> future) {}

    private final InetSocketAddress peer;
    // Owned by the channel's event loop.
    private final Map<Integer, InFlight> inFlight = new HashMap<>();
    private int nextCorrelationId;
    private boolean closed;

    ResponseMatcher(final InetSocketAddress peer) {
        this.peer = peer;
    }

    /** Sends the request at the version {@code version} picks for its builder; completes with its response. */
    <B extends AbstractRequest.Builder<?>> CompletableFuture<AbstractResponse> send(
            final Channel channel, final String clientId, final B builder, final ToIntFunction<B> version) {
        final CompletableFuture<AbstractResponse> future = new CompletableFuture<>();
        final AbstractRequest request;
        try {
            request = builder.build((short) version.applyAsInt(builder));
        } catch (RuntimeException e) {
            future.completeExceptionally(e);
            return future;
        }
        channel.eventLoop().execute(() -> {
            if (closed) {
                future.completeExceptionally(new DisconnectException("Connection to " + peer + " is closed"));
                return;
            }
            final int correlationId = nextCorrelationId++;
            final ByteBuffer payload = request.serializeWithHeader(
                    new RequestHeader(builder.apiKey(), request.version(), clientId, correlationId));
            final ByteBuf frame = Unpooled.buffer(4 + payload.remaining());
            frame.writeInt(payload.remaining()).writeBytes(payload);
            inFlight.put(correlationId, new InFlight(builder.apiKey(), request.version(), future));
            // A request that times out for its caller leaves the table here, not at the connection's end.
            future.whenComplete((response, error) -> {
                if (error != null) {
                    channel.eventLoop().execute(() -> inFlight.remove(correlationId));
                }
            });
            channel.writeAndFlush(frame).addListener(written -> {
                if (!written.isSuccess()) {
                    inFlight.remove(correlationId);
                    future.completeExceptionally(new NetworkException(
                            "Cannot send to " + peer + ": " + written.cause().getMessage()));
                }
            });
        });
        return future;
    }

    @Override
    public void channelRead(final ChannelHandlerContext ctx, final Object msg) {
        final ByteBuf frame = (ByteBuf) msg;
        final ByteBuffer buffer;
        try {
            // Copied out of the pooled frame: parsed responses may keep slices of it (records) after this returns.
            buffer = ByteBuffer.allocate(frame.readableBytes());
            frame.readBytes(buffer);
            buffer.flip();
        } finally {
            frame.release();
        }
        final int correlationId = buffer.getInt(0);
        final InFlight request = inFlight.remove(correlationId);
        if (request == null) {
            LOG.warn("Closing the connection to {}: a response with unknown correlation id {}", peer, correlationId);
            ctx.close();
            return;
        }
        try {
            ResponseHeader.parse(buffer, request.api().responseHeaderVersion(request.version()));
            request.future()
                    .complete(AbstractResponse.parseResponse(
                            request.api(), new ByteBufferAccessor(buffer), request.version()));
        } catch (RuntimeException e) {
            LOG.warn("Closing the connection to {}: an unreadable {} response", peer, request.api(), e);
            request.future().completeExceptionally(e);
            ctx.close();
        }
    }

    @Override
    public void channelInactive(final ChannelHandlerContext ctx) {
        closed = true;
        final List<InFlight> waiting = new ArrayList<>(inFlight.values());
        inFlight.clear();
        for (final InFlight request : waiting) {
            request.future().completeExceptionally(new DisconnectException("Connection to " + peer + " closed"));
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause) {
        LOG.warn("Closing the connection to {}: {}", peer, cause.toString());
        ctx.close();
    }
}
