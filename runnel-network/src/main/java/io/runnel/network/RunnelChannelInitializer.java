package io.runnel.network;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.timeout.IdleStateHandler;
import io.runnel.protocol.ApiDispatcher;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The whole per-connection pipeline, in the order bytes flow through it. */
final class RunnelChannelInitializer extends ChannelInitializer<SocketChannel> {
    /** The handlers of a Kafka connection, which a relayed one ({@link Http2Sniffer}) goes without. */
    static final List<String> KAFKA_HANDLERS = List.of("idle", "frameDecoder", "connection");

    private final ApiDispatcher dispatcher;
    private final RequestHandlerPool handlers;
    private final int maxFrameBytes;
    private final long idleMs;

    private final ChannelGroup connections;
    // Where the quorum's gRPC connections go on a controller listener; null on a broker listener.
    private final InetSocketAddress relayHttp2To;

    RunnelChannelInitializer(
            final ApiDispatcher dispatcher,
            final RequestHandlerPool handlers,
            final int maxFrameBytes,
            final long idleMs,
            final ChannelGroup connections,
            final InetSocketAddress relayHttp2To) {
        this.connections = connections;
        this.relayHttp2To = relayHttp2To;
        this.dispatcher = dispatcher;
        this.handlers = handlers;
        this.maxFrameBytes = maxFrameBytes;
        this.idleMs = idleMs;
    }

    @Override
    protected void initChannel(final SocketChannel ch) {
        connections.add(ch);
        final ChannelPipeline p = ch.pipeline();
        if (relayHttp2To != null) {
            p.addLast("sniffer", new Http2Sniffer(relayHttp2To));
        }
        p.addLast("idle", new IdleStateHandler(0, 0, idleMs, TimeUnit.MILLISECONDS));
        p.addLast("frameDecoder", new FrameDecoder(maxFrameBytes));
        p.addLast("connection", new ConnectionHandler(dispatcher, handlers.newLane()));
    }
}
