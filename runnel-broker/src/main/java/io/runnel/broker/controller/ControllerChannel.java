package io.runnel.broker.controller;

import io.runnel.network.client.NodeClients;
import io.runnel.network.client.NodeConnection;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.IntSupplier;
import org.apache.kafka.common.errors.DisconnectException;
import org.apache.kafka.common.errors.NetworkException;
import org.apache.kafka.common.errors.NotControllerException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's way to the active controller over Kafka's wire: the controller listeners of the voters
 * ({@code controller.quorum.voters}), tried leader first when the node knows the leader, the next one on
 * NOT_CONTROLLER or a lost connection, until a deadline. Like KRaft's {@code NodeToControllerChannelManager}; one
 * connection at a time, kept while it works.
 */
public final class ControllerChannel implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ControllerChannel.class);
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);

    private final NodeClients clients;
    private final Map<Integer, InetSocketAddress> voters;
    private final IntSupplier leaderHint;
    private final Duration retryTimeout;
    private final Object lock = new Object();
    // Guarded by lock.
    private CompletableFuture<NodeConnection> current;
    private int next;

    /**
     * @param voters voter id to its controller listener
     * @param leaderHint the quorum leader's id when this node knows it, else -1
     * @param retryTimeout how long a request keeps looking for the active controller before it fails
     */
    public ControllerChannel(
            final int nodeId,
            final Map<Integer, InetSocketAddress> voters,
            final IntSupplier leaderHint,
            final Duration retryTimeout) {
        this.clients = new NodeClients("runnel-controller-channel-" + nodeId, 1, "runnel-node-" + nodeId, 64 << 20);
        this.voters = Map.copyOf(voters);
        this.leaderHint = leaderHint;
        this.retryTimeout = retryTimeout;
    }

    /**
     * Sends a request to the active controller and completes with its response, or exceptionally once the retry
     * timeout has passed without an active controller answering.
     *
     * @param errorOf the response's top-level error: NOT_CONTROLLER makes the request go to the next voter
     */
    public <R extends AbstractResponse> CompletableFuture<R> send(
            final AbstractRequest.Builder<?> request, final Function<R, Errors> errorOf) {
        final CompletableFuture<R> result = new CompletableFuture<>();
        attempt(request, errorOf, result, System.nanoTime() + retryTimeout.toNanos(), 0);
        return result;
    }

    private <R extends AbstractResponse> void attempt(
            final AbstractRequest.Builder<?> request,
            final Function<R, Errors> errorOf,
            final CompletableFuture<R> result,
            final long deadlineNs,
            final int attempt) {
        final CompletableFuture<NodeConnection> connecting;
        try {
            connecting = connection();
        } catch (RuntimeException e) {
            // closed meanwhile (the node is stopping): nothing more to try
            result.completeExceptionally(e);
            return;
        }
        connecting
                .thenCompose(connection -> connection.<R>send(request).whenComplete((response, error) -> {
                    if (error != null || errorOf.apply(response) == Errors.NOT_CONTROLLER) {
                        drop(connection);
                    }
                }))
                .whenComplete((response, error) -> {
                    final Throwable cause = error instanceof CompletionException ? error.getCause() : error;
                    final boolean retriable = cause instanceof NetworkException
                            || cause instanceof DisconnectException
                            || cause instanceof TimeoutException
                            || cause instanceof java.util.concurrent.TimeoutException
                            || cause instanceof NotControllerException
                            || (cause == null && errorOf.apply(response) == Errors.NOT_CONTROLLER);
                    if (!retriable) {
                        if (cause != null) {
                            result.completeExceptionally(cause);
                        } else {
                            result.complete(response);
                        }
                    } else if (System.nanoTime() >= deadlineNs) {
                        result.completeExceptionally(new NotControllerException(
                                "No active controller answered " + request.apiKey() + " within " + retryTimeout));
                    } else {
                        // Back off a little once every voter has been tried: an election may be under way.
                        final long delayMs = attempt > 0 && attempt % voters.size() == 0 ? 200 : 0;
                        CompletableFuture.delayedExecutor(delayMs, TimeUnit.MILLISECONDS)
                                .execute(() -> attempt(request, errorOf, result, deadlineNs, attempt + 1));
                    }
                });
    }

    private CompletableFuture<NodeConnection> connection() {
        synchronized (lock) {
            if (current != null && usable(current)) {
                return current;
            }
            final InetSocketAddress address = nextAddress();
            current = clients.connect(address, CONNECT_TIMEOUT)
                    .orTimeout(CONNECT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            return current;
        }
    }

    private static boolean usable(final CompletableFuture<NodeConnection> connection) {
        if (!connection.isDone()) {
            return true;
        }
        return !connection.isCompletedExceptionally() && connection.join().isOpen();
    }

    private void drop(final NodeConnection connection) {
        synchronized (lock) {
            if (current != null
                    && current.isDone()
                    && !current.isCompletedExceptionally()
                    && current.join() == connection) {
                current = null;
            }
        }
        connection.close();
    }

    /** The leader if known and not the one just tried, else the voters in turn. */
    private InetSocketAddress nextAddress() {
        int leader;
        try {
            leader = leaderHint.getAsInt();
        } catch (RuntimeException e) {
            leader = -1; // the local quorum member is closing; any voter will do
        }
        final List<Integer> ids = new ArrayList<>(voters.keySet());
        ids.sort(Integer::compare);
        if (leader >= 0 && voters.containsKey(leader) && next % 2 == 0) {
            next++;
            return resolved(voters.get(leader));
        }
        final int id = ids.get(Math.floorMod(next++, ids.size()));
        LOG.debug("Looking for the active controller at voter {}", id);
        return resolved(voters.get(id));
    }

    private static InetSocketAddress resolved(final InetSocketAddress address) {
        return address.isUnresolved() ? new InetSocketAddress(address.getHostString(), address.getPort()) : address;
    }

    @Override
    public void close() {
        clients.close();
    }
}
