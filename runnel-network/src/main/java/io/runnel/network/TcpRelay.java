package io.runnel.network;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.Queue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pipes one accepted connection to a local server and back, byte for byte, on the accepted connection's event
 * loop: the quorum's gRPC traffic reaching a controller listener ({@link Http2Sniffer}). Reads pause while the
 * other side cannot take more, and either side closing closes both.
 */
final class TcpRelay extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(TcpRelay.class);

    private final InetSocketAddress target;
    // Owned by the inbound channel's event loop, which the outbound channel shares.
    private final Queue<Object> early = new ArrayDeque<>();
    private Channel outbound;

    TcpRelay(final InetSocketAddress target) {
        this.target = target;
    }

    @Override
    public void handlerAdded(final ChannelHandlerContext ctx) {
        final Channel inbound = ctx.channel();
        inbound.config().setAutoRead(false);
        new Bootstrap()
                .group(inbound.eventLoop())
                .channel(inbound.getClass())
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.AUTO_READ, false)
                .handler(new Back(inbound))
                .connect(target)
                .addListener((ChannelFutureListener) connected -> {
                    if (!connected.isSuccess()) {
                        LOG.warn(
                                "Cannot relay {} to the quorum server at {}: {}",
                                inbound.remoteAddress(),
                                target,
                                connected.cause().toString());
                        releaseEarly();
                        inbound.close();
                        return;
                    }
                    final Channel candidate = connected.channel();
                    if (candidate.localAddress().equals(candidate.remoteAddress())) {
                        // A loopback connect to a port nobody listens on can connect to itself (TCP self-connect)
                        // when the kernel picks that very port as the local one; the server is simply not there.
                        LOG.warn(
                                "Cannot relay {} to the quorum server at {}: nothing listens there",
                                inbound.remoteAddress(),
                                target);
                        candidate.close();
                        releaseEarly();
                        inbound.close();
                        return;
                    }
                    outbound = candidate;
                    while (!early.isEmpty()) {
                        outbound.write(early.poll());
                    }
                    outbound.flush();
                    outbound.read();
                    inbound.read();
                });
    }

    @Override
    public void channelRead(final ChannelHandlerContext ctx, final Object msg) {
        if (outbound == null) {
            early.add(msg);
            return;
        }
        forward(ctx, msg, outbound);
    }

    /** Writes what one side read to the other; the reading side reads on once the write is done. */
    static void forward(final ChannelHandlerContext from, final Object msg, final Channel to) {
        to.writeAndFlush(msg).addListener((ChannelFutureListener) written -> {
            if (written.isSuccess()) {
                from.channel().read();
            } else {
                written.channel().close();
                from.close();
            }
        });
    }

    @Override
    public void channelInactive(final ChannelHandlerContext ctx) {
        releaseEarly();
        closeOnFlush(outbound);
    }

    @Override
    public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause) {
        LOG.debug("Relay of {} failed", ctx.channel().remoteAddress(), cause);
        ctx.close();
    }

    private void releaseEarly() {
        while (!early.isEmpty()) {
            ReferenceCountUtil.release(early.poll());
        }
    }

    static void closeOnFlush(final Channel channel) {
        if (channel != null && channel.isActive()) {
            channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        }
    }

    /** The outbound side: what the local server answers goes back to the accepted connection. */
    private static final class Back extends ChannelInboundHandlerAdapter {
        private final Channel inbound;

        Back(final Channel inbound) {
            this.inbound = inbound;
        }

        @Override
        public void channelRead(final ChannelHandlerContext ctx, final Object msg) {
            forward(ctx, msg, inbound);
        }

        @Override
        public void channelInactive(final ChannelHandlerContext ctx) {
            closeOnFlush(inbound);
        }

        @Override
        public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause) {
            ctx.close();
        }
    }
}
