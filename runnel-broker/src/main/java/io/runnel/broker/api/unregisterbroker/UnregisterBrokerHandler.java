package io.runnel.broker.api.unregisterbroker;

import io.runnel.metadata.controller.Controller;
import io.runnel.protocol.ApiHandler;
import io.runnel.protocol.RequestContext;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.UnregisterBrokerRequestData;
import org.apache.kafka.common.message.UnregisterBrokerResponseData;
import org.apache.kafka.common.protocol.ApiKeys;

/**
 * UnregisterBroker ({@code kafka-cluster unregister --id N}): removes the broker's registration and takes it out of
 * every ISR; BROKER_ID_NOT_REGISTERED for one that is not registered.
 */
public final class UnregisterBrokerHandler implements ApiHandler<UnregisterBrokerRequestData> {
    private final Controller controller;

    public UnregisterBrokerHandler(final Controller controller) {
        this.controller = controller;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.UNREGISTER_BROKER;
    }

    @Override
    public CompletableFuture<UnregisterBrokerResponseData> handle(
            final RequestContext context, final UnregisterBrokerRequestData request) {
        return controller.unregisterBroker(request.brokerId()).thenApply(done -> new UnregisterBrokerResponseData());
    }
}
