package io.runnel.network;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * Tells the quorum's gRPC connections from Kafka's on a controller listener, so that a controller serves both on the
 * one port {@code controller.quorum.voters} names, as a KRaft controller does. An HTTP/2 connection opens with the
 * preface {@code "PRI * HTTP/2.0"}; as the size of a Kafka frame its first four bytes would be 1.3 GB, which no
 * Kafka client sends. Such a connection is relayed to the local quorum server; any other stays a Kafka connection.
 */
final class Http2Sniffer extends ByteToMessageDecoder {
    private static final int PREFACE_START = ('P' << 24) | ('R' << 16) | ('I' << 8) | ' ';

    private final InetSocketAddress relayTo;

    Http2Sniffer(final InetSocketAddress relayTo) {
        this.relayTo = relayTo;
    }

    @Override
    protected void decode(final ChannelHandlerContext ctx, final ByteBuf in, final List<Object> out) {
        if (in.readableBytes() < 4) {
            return;
        }
        final ChannelPipeline pipeline = ctx.pipeline();
        if (in.getInt(in.readerIndex()) == PREFACE_START) {
            for (final String name : RunnelChannelInitializer.KAFKA_HANDLERS) {
                pipeline.remove(name);
            }
            pipeline.addLast("relay", new TcpRelay(relayTo));
        }
        // Removing a decoder hands what it has buffered to the next handler.
        pipeline.remove(this);
    }
}
