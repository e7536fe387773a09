package io.runnel.broker.api;

import io.runnel.broker.controller.ControllerChannel;
import io.runnel.broker.controller.ForwardedRequest;
import io.runnel.protocol.ApiHandler;
import io.runnel.protocol.RequestContext;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;

/**
 * An admin request that changes metadata (CreateTopics, DeleteTopics, CreatePartitions, the config APIs), served
 * on any broker as in KRaft: carried out here when this node's controller is the active one, else sent as it came
 * to the active controller, whose answer goes back to the client.
 */
public final class ForwardingHandler<Q extends ApiMessage> implements ApiHandler<Q> {
    private final ApiHandler<Q> local;
    private final BooleanSupplier localActive;
    private final ControllerChannel channel;

    public ForwardingHandler(
            final ApiHandler<Q> local, final BooleanSupplier localActive, final ControllerChannel channel) {
        this.local = local;
        this.localActive = localActive;
        this.channel = channel;
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
                        response -> response.errorCounts().containsKey(Errors.NOT_CONTROLLER)
                                ? Errors.NOT_CONTROLLER
                                : Errors.NONE)
                .thenApply(AbstractResponse::data);
    }
}
