package io.runnel.broker.api;

import io.runnel.broker.controller.ControllerChannel;
import io.runnel.broker.controller.ForwardedRequest;
import io.runnel.protocol.ApiHandler;
import io.runnel.protocol.RequestContext;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;

/**
 * An admin request that changes metadata (CreateTopics, DeleteTopics, CreatePartitions, the config APIs), served
 * on any broker as in KRaft: carried out here when this node's controller is the active one, else sent as it came
 * to the active controller, whose answer goes back to the client. An answer carrying one of the "not the active
 * one" errors (NOT_CONTROLLER; for DescribeQuorum also NOT_LEADER_OR_FOLLOWER, which is what KRaft's quorum says)
 * means the channel reached a controller that cannot answer, so it tries the next one instead of passing it on.
 */
public final class ForwardingHandler<Q extends ApiMessage> implements ApiHandler<Q> {
    private final ApiHandler<Q> local;
    private final BooleanSupplier localActive;
    private final ControllerChannel channel;
    private final Set<Errors> notActive;

    public ForwardingHandler(
            final ApiHandler<Q> local, final BooleanSupplier localActive, final ControllerChannel channel) {
        this(local, localActive, channel, Set.of(Errors.NOT_CONTROLLER));
    }

    /** @param notActive the errors by which a controller says it is not the one to answer */
    public ForwardingHandler(
            final ApiHandler<Q> local,
            final BooleanSupplier localActive,
            final ControllerChannel channel,
            final Set<Errors> notActive) {
        this.local = local;
        this.localActive = localActive;
        this.channel = channel;
        this.notActive = Set.copyOf(notActive);
    }

    @Override
    public ApiKeys apiKey() {
        return local.apiKey();
    }

    @Override
    public short minVersion() {
        return local.minVersion();
    }

    @Override
    public short advertisedMinVersion() {
        return local.advertisedMinVersion();
    }

    @Override
    public short maxVersion() {
        return local.maxVersion();
    }

    @Override
    public CompletableFuture<? extends ApiMessage> handle(final RequestContext context, final Q request) {
        if (localActive.getAsBoolean()) {
            return local.handle(context, request);
        }
        return channel.<AbstractResponse>send(
                        new ForwardedRequest(apiKey(), context.apiVersion(), request),
                        response -> response.errorCounts().keySet().stream().anyMatch(notActive::contains)
                                ? Errors.NOT_CONTROLLER
                                : Errors.NONE)
                .thenApply(AbstractResponse::data);
    }
}
