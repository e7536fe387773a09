package io.runnel.network;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.runnel.protocol.ApiDispatcher;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Kafka-protocol listener: one acceptor thread ("runnel-acceptor"), {@code num.network.threads} event
 * loops ("runnel-network-N") that own the connections, and the {@code num.io.threads} request handlers
 * ("runnel-io-N", {@link RequestHandlerPool}) that serve what the connections read. Uses epoll (and so sendfile
 * for fetches) where the platform has it, NIO otherwise.
 */
public final class NetworkServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(NetworkServer.class);

    private final EventLoopGroup acceptor;
    private final EventLoopGroup workers;
    private final RequestHandlerPool handlers;
    private final ChannelGroup connections =
            new DefaultChannelGroup("runnel-connections", GlobalEventExecutor.INSTANCE);
    private final Channel serverChannel;

    /**
     * @param name names the server's threads: {@code <name>-acceptor}, {@code <name>-network-N} and
     *     {@code <name>-io-N} ("runnel" for the broker listener)
     * @param relayHttp2To on a controller listener, the local quorum server its gRPC (HTTP/2) connections are relayed
     *     to, so one port serves both; null on a broker listener
     */
    public NetworkServer(
            final String name,
            final InetSocketAddress bindAddress,
            final int networkThreads,
            final int ioThreads,
            final ApiDispatcher dispatcher,
            final int maxFrameBytes,
            final long idleMs,
            final InetSocketAddress relayHttp2To)
            throws InterruptedException {
        final boolean epoll = Epoll.isAvailable();
        final Class<? extends ServerChannel> channelType;
        if (epoll) {
            acceptor = new EpollEventLoopGroup(1, new DefaultThreadFactory(name + "-acceptor", true));
            workers = new EpollEventLoopGroup(networkThreads, new DefaultThreadFactory(name + "-network", true));
            channelType = EpollServerSocketChannel.class;
        } else {
            acceptor = new NioEventLoopGroup(1, new DefaultThreadFactory(name + "-acceptor", true));
            workers = new NioEventLoopGroup(networkThreads, new DefaultThreadFactory(name + "-network", true));
            channelType = NioServerSocketChannel.class;
        }
        handlers = new RequestHandlerPool(ioThreads, name + "-io-");
        final RunnelChannelInitializer initializer =
                new RunnelChannelInitializer(dispatcher, handlers, maxFrameBytes, idleMs, connections, relayHttp2To);
        final ServerBootstrap bootstrap = new ServerBootstrap()
                .group(acceptor, workers)
                .channel(channelType)
                .option(ChannelOption.SO_REUSEADDR, true)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(1 << 20, 4 << 20))
                .childHandler(initializer);
        try {
            serverChannel = bootstrap.bind(bindAddress).sync().channel();
        } catch (InterruptedException | RuntimeException e) {
            acceptor.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            workers.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            handlers.close();
            throw e;
        }
        LOG.debug("Listening on {} with {} transport", boundAddress(), epoll ? "epoll" : "nio");
    }

    public InetSocketAddress boundAddress() {
        return (InetSocketAddress) serverChannel.localAddress();
    }

    /** Stops accepting, closes every connection, and waits for the request handlers and event loops to finish. */
    @Override
    public void close() {
        serverChannel.close().syncUninterruptibly();
        connections.close().awaitUninterruptibly(1, TimeUnit.SECONDS);
        handlers.close();
        acceptor.shutdownGracefully(0, 200, TimeUnit.MILLISECONDS);
        workers.shutdownGracefully(0, 200, TimeUnit.MILLISECONDS);
        acceptor.terminationFuture().awaitUninterruptibly(2, TimeUnit.SECONDS);
        workers.terminationFuture().awaitUninterruptibly(2, TimeUnit.SECONDS);
    }
}
