package io.runnel.network.client;

import io.netty.channel.Channel;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.apache.kafka.common.message.ApiVersionsResponseData.ApiVersion;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ApiVersionsResponse;

/**
 * One Kafka-protocol connection to another node, after ApiVersions: requests go at the highest version both sides
 * know, responses come back in the caller's future. Any thread may send; requests are written in call order.
 */
public final class NodeConnection implements AutoCloseable {
    private final Channel channel;
    private final ResponseMatcher matcher;
    private final String clientId;
    private final ApiVersionsResponse versions;
    private final InetSocketAddress peer;

    NodeConnection(
            final Channel channel,
            final ResponseMatcher matcher,
            final String clientId,
            final ApiVersionsResponse versions,
            final InetSocketAddress peer) {
        this.channel = channel;
        this.matcher = matcher;
        this.clientId = clientId;
        this.versions = versions;
        this.peer = peer;
    }

    /**
     * Sends a request; completes with its response, or exceptionally with a
     * {@link org.apache.kafka.common.errors.DisconnectException} when the connection closes first, or an
     * {@link UnsupportedVersionException} when the two sides share no version of the API. Callers bound the wait.
     */
    @SuppressWarnings("unchecked")
    public <R extends AbstractResponse> CompletableFuture<R> send(final AbstractRequest.Builder<?> builder) {
        return (CompletableFuture<R>) matcher.send(channel, clientId, builder, this::versionFor);
    }

    private short versionFor(final AbstractRequest.Builder<?> builder) {
        final ApiKeys api = builder.apiKey();
        final ApiVersion theirs = versions.apiVersion(api.id);
        if (theirs == null) {
            throw new UnsupportedVersionException(peer + " does not support " + api);
        }
        final short version = (short) Math.min(builder.latestAllowedVersion(), theirs.maxVersion());
        if (version < Math.max(builder.oldestAllowedVersion(), theirs.minVersion())) {
            throw new UnsupportedVersionException("No version of " + api + " that both this node and " + peer
                    + " support (" + theirs.minVersion() + ".." + theirs.maxVersion() + " there)");
        }
        return version;
    }

    public InetSocketAddress peer() {
        return peer;
    }

    public boolean isOpen() {
        return channel.isActive();
    }

    @Override
    public void close() {
        channel.close().awaitUninterruptibly();
    }
}
