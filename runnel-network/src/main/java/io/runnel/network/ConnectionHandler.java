package io.runnel.network;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleStateEvent;
import io.runnel.protocol.ApiDispatcher;
import io.runnel.protocol.RequestContext;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.RequestHeader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One per connection: decodes each request frame with kafka-clients' message classes, hands it to the
 * {@link ApiDispatcher} on the request handler pool, and writes the responses in request order, whatever order
 * they complete in.
 *
 * <p>Thread safety: every method but {@link #serve} runs on the connection's event loop, the only thread that
 * touches {@link #pending}; {@code serve} runs on the connection's lane of the pool, and every completion hops
 * back onto the event loop.
 *
 * <p>Requests the broker cannot even read (a frame size out of range, a garbled header, an API key or version
 * kafka-clients does not know, a body that does not parse or leaves bytes over) close the connection, as Kafka
 * does: the connection stops reading, drops every frame after the bad one unserved, answers the requests before
 * it, and then closes. (Kafka reads a connection's next request only once the previous one is answered, so it too
 * answers those and never serves anything after the bad bytes.) An ApiVersions request
 * newer than any served is answered at v0 with UNSUPPORTED_VERSION and the versions that are served, so the
 * client can retry lower. A known API the broker does not serve is answered with UNSUPPORTED_VERSION.
 */
final class ConnectionHandler extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(ConnectionHandler.class);

    /** Requests in flight before the connection stops reading: pipelining without unbounded memory. */
    private static final int MAX_IN_FLIGHT = 64;

    private final ApiDispatcher dispatcher;
    /** This connection's lane on the request handler pool: its requests run there, one at a time, in order. */
    private final Executor requests;

    private final ArrayDeque<Pending> pending = new ArrayDeque<>();
    private ChannelHandlerContext ctx;
    /** Set by the first unreadable request: nothing after it is served, and the connection closes when drained. */
    private boolean closing;

    ConnectionHandler(final ApiDispatcher dispatcher, final Executor requests) {
        this.dispatcher = dispatcher;
        this.requests = requests;
    }

    /** A response slot, filled when the handler completes. */
    private static final class Pending {
        final RequestHeader header;
        ApiMessage response;
        short responseVersion;
        boolean done;

        Pending(final RequestHeader header) {
            this.header = header;
            this.responseVersion = header.apiVersion();
        }
    }

    @Override
    public void handlerAdded(final ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelRead(final ChannelHandlerContext ctx, final Object msg) {
        if (msg instanceof FrameDecoder.BadFrameSize bad) {
            closeOnBadRequest(
                    "request size " + bad.size() + " is outside 0.." + bad.maxFrameBytes()
                            + " (socket.request.max.bytes)",
                    null);
            return;
        }
        final ByteBuf frame = (ByteBuf) msg;
        boolean handedOff = false;
        try {
            // Frames decoded from the same read as a bad one still arrive; they are not served.
            handedOff = !closing && onFrame(frame);
        } finally {
            if (!handedOff) {
                frame.release();
            }
        }
    }

    /** Returns true when the frame's release has been handed to the request's completion. */
    private boolean onFrame(final ByteBuf frame) {
        final ByteBuffer buffer = frame.nioBuffer();
        final RequestHeader header;
        try {
            header = RequestHeader.parse(buffer);
        } catch (RuntimeException e) {
            closeOnBadRequest("unreadable request header", e);
            return false;
        }
        // Names the request in Netty's leak reports (a no-op unless leak detection records accesses).
        frame.touch(header);
        final ApiKeys key = header.apiKey();
        final short version = header.apiVersion();
        if (key == ApiKeys.API_VERSIONS && !dispatcher.supports(key, version)) {
            final Pending slot = enqueue(header);
            slot.responseVersion = 0;
            complete(slot, unsupportedApiVersions());
            return false;
        }
        if (!key.isVersionSupported(version)) {
            closeOnBadRequest(key + " v" + version + " is not a version this broker can read", null);
            return false;
        }
        final AbstractRequest request;
        try {
            request = AbstractRequest.parseRequest(key, version, new ByteBufferAccessor(buffer)).request;
        } catch (RuntimeException e) {
            closeOnBadRequest("malformed " + key + " v" + version + " request", e);
            return false;
        }
        if (buffer.hasRemaining()) {
            closeOnBadRequest(
                    key + " v" + version + " request has " + buffer.remaining() + " bytes after its body", null);
            return false;
        }
        final Pending slot = enqueue(header);
        final RequestContext context = new RequestContext(header, ctx.channel().remoteAddress());
        try {
            requests.execute(() -> serve(slot, frame, context, request));
        } catch (RejectedExecutionException e) {
            // Only while the broker shuts down: the request will never be served.
            pending.remove(slot);
            ctx.close();
            return false;
        }
        return true;
    }

    /** Runs on a request handler thread; the answer hops back to the event loop. */
    private void serve(
            final Pending slot, final ByteBuf frame, final RequestContext context, final AbstractRequest request) {
        CompletableFuture<ApiMessage> served;
        try {
            served = dispatcher.dispatch(context, request);
        } catch (RuntimeException e) {
            served = CompletableFuture.failedFuture(e);
        }
        served.whenComplete((response, failure) -> {
            // The request's records may point into the frame, so the frame lives until the handler is done.
            frame.release();
            ctx.executor()
                    .execute(
                            failure == null
                                    ? () -> complete(slot, response)
                                    : () -> {
                                        closeOnBadRequest(failure.getMessage(), null);
                                        complete(slot, null);
                                    });
        });
    }

    private Pending enqueue(final RequestHeader header) {
        final Pending slot = new Pending(header);
        pending.addLast(slot);
        updateReading();
        return slot;
    }

    private void complete(final Pending slot, final ApiMessage response) {
        slot.response = response;
        slot.done = true;
        boolean wrote = false;
        while (!pending.isEmpty() && pending.peekFirst().done) {
            final Pending head = pending.pollFirst();
            if (head.response != null && ctx.channel().isActive()) {
                write(head);
                wrote = true;
            }
        }
        if (wrote) {
            ctx.flush();
        }
        if (closing) {
            closeWhenDrained();
        } else {
            updateReading();
        }
    }

    private void write(final Pending slot) {
        final ApiKeys key = slot.header.apiKey();
        final List<Object> parts;
        try {
            parts = ResponseEncoder.encode(
                    ctx.alloc(),
                    slot.header.correlationId(),
                    key.responseHeaderVersion(slot.responseVersion),
                    slot.response,
                    slot.responseVersion);
        } catch (RuntimeException e) {
            // A response that cannot be encoded is a broker bug; the client must not wait for it forever.
            LOG.error(
                    "Cannot encode the response to {}; closing the connection from {}",
                    slot.header,
                    ctx.channel().remoteAddress(),
                    e);
            ctx.close();
            return;
        }
        for (final Object part : parts) {
            ctx.write(part, ctx.voidPromise());
        }
    }

    private ApiMessage unsupportedApiVersions() {
        return new ApiVersionsResponseData()
                .setErrorCode(Errors.UNSUPPORTED_VERSION.code())
                .setApiKeys(dispatcher.advertisedVersions());
    }

    private void updateReading() {
        if (closing) {
            return;
        }
        final boolean read = pending.size() < MAX_IN_FLIGHT && ctx.channel().isWritable();
        if (ctx.channel().config().isAutoRead() != read) {
            ctx.channel().config().setAutoRead(read);
        }
    }

    private void closeOnBadRequest(final String why, final Throwable cause) {
        if (closing) {
            return;
        }
        LOG.warn(
                "Closing connection from {}: {}{}",
                ctx.channel().remoteAddress(),
                why,
                cause == null ? "" : " (" + cause + ")");
        closing = true;
        ctx.channel().config().setAutoRead(false);
        closeWhenDrained();
    }

    /** Closes once every request before the bad one is answered, after their responses reach the socket. */
    private void closeWhenDrained() {
        if (pending.isEmpty() && ctx.channel().isOpen()) {
            ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        }
    }

    @Override
    public void channelWritabilityChanged(final ChannelHandlerContext ctx) {
        updateReading();
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void userEventTriggered(final ChannelHandlerContext ctx, final Object evt) {
        if (evt instanceof IdleStateEvent) {
            LOG.debug(
                    "Closing idle connection from {} (connections.max.idle.ms)",
                    ctx.channel().remoteAddress());
            ctx.close();
        } else {
            ctx.fireUserEventTriggered(evt);
        }
    }

    @Override
    public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause) {
        LOG.debug("Closing connection from {} after {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }
}
