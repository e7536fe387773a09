package io.runnel.network.client;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.errors.NetworkException;
import org.apache.kafka.common.requests.ApiVersionsRequest;
import org.apache.kafka.common.requests.ApiVersionsResponse;

/**
 * Kafka-protocol connections from this node to other nodes (to the active controller now; to partition leaders
 * for replica fetches later). Owns the event loop threads, {@code <name>-N}, that run every connection it opens.
 * Callers see no Netty type: {@link #connect} gives a {@link NodeConnection}, which sends kafka-clients' request
 * builders and answers their responses.
 */
public final class NodeClients implements AutoCloseable {
    private final EventLoopGroup loops;
    private final Class<? extends Channel> channelType;
    private final String clientId;
    private final int maxResponseBytes;

    /**
     * @param threadName the event loop threads' name prefix
     * @param threads how many event loops share the connections
     * @param clientId the client id every request carries
     * @param maxResponseBytes the largest response frame accepted; a larger one closes the connection
     */
    public NodeClients(final String threadName, final int threads, final String clientId, final int maxResponseBytes) {
        if (Epoll.isAvailable()) {
            loops = new EpollEventLoopGroup(threads, new DefaultThreadFactory(threadName, true));
            channelType = EpollSocketChannel.class;
        } else {
            loops = new NioEventLoopGroup(threads, new DefaultThreadFactory(threadName, true));
            channelType = NioSocketChannel.class;
        }
        this.clientId = clientId;
        this.maxResponseBytes = maxResponseBytes;
    }

    /**
     * Connects and exchanges ApiVersions, so every later request goes at the highest version both sides know.
     *
     * @return completes with the connection, or exceptionally with a {@link NetworkException} when the node cannot
     *     be reached within {@code timeout}
     */
    public CompletableFuture<NodeConnection> connect(final InetSocketAddress address, final Duration timeout) {
        final CompletableFuture<NodeConnection> result = new CompletableFuture<>();
        final Bootstrap bootstrap = new Bootstrap()
                .group(loops)
                .channel(channelType)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, timeout.toMillis()))
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(final SocketChannel ch) {
                        ch.pipeline()
                                .addLast("frames", new LengthFieldBasedFrameDecoder(maxResponseBytes, 0, 4, 0, 4))
                                .addLast("responses", new ResponseMatcher(address));
                    }
                });
        bootstrap.connect(address).addListener((ChannelFutureListener) connected -> {
            if (!connected.isSuccess()) {
                result.completeExceptionally(new NetworkException("Cannot connect to " + address + ": "
                        + connected.cause().getMessage()));
                return;
            }
            final Channel channel = connected.channel();
            final ResponseMatcher matcher = channel.pipeline().get(ResponseMatcher.class);
            matcher.send(
                            channel,
                            clientId,
                            new ApiVersionsRequest.Builder(),
                            ApiVersionsRequest.Builder::latestAllowedVersion)
                    .orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                    .whenComplete((response, error) -> {
                        if (error != null) {
                            channel.close();
                            result.completeExceptionally(error);
                        } else {
                            result.complete(new NodeConnection(
                                    channel, matcher, clientId, (ApiVersionsResponse) response, address));
                        }
                    });
        });
        return result;
    }

    /** Closes every connection and stops the event loops. */
    @Override
    public void close() {
        loops.shutdownGracefully(0, 200, TimeUnit.MILLISECONDS).awaitUninterruptibly(2, TimeUnit.SECONDS);
    }
}
