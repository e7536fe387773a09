package io.runnel.broker.api.brokerregistration;

import io.runnel.metadata.controller.BrokerRegistrationSpec;
import io.runnel.metadata.controller.Controller;
import io.runnel.protocol.ApiHandler;
import io.runnel.protocol.RequestContext;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.message.BrokerRegistrationRequestData;
import org.apache.kafka.common.message.BrokerRegistrationResponseData;
import org.apache.kafka.common.protocol.ApiKeys;

/**
 * BrokerRegistration (v0-4), on the active controller: registers the broker fenced and answers its epoch. Errors
 * (NOT_CONTROLLER, INCONSISTENT_CLUSTER_ID, DUPLICATE_BROKER_REGISTRATION) come back in the response's error code.
 */
public final class BrokerRegistrationHandler implements ApiHandler<BrokerRegistrationRequestData> {
    private final Controller controller;

    public BrokerRegistrationHandler(final Controller controller) {
        this.controller = controller;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.BROKER_REGISTRATION;
    }

    @Override
    public CompletableFuture<BrokerRegistrationResponseData> handle(
            final RequestContext context, final BrokerRegistrationRequestData request) {
        if (request.listeners().isEmpty()) {
            throw new InvalidRequestException("Broker " + request.brokerId() + " registered no listener");
        }
        // Clients are told of one endpoint per broker: the first listener it registers, its advertised one.
        final BrokerRegistrationRequestData.Listener listener =
                request.listeners().iterator().next();
        final BrokerRegistrationSpec spec = new BrokerRegistrationSpec(
                request.brokerId(),
                request.clusterId(),
                request.incarnationId(),
                listener.host(),
                listener.port(),
                listener.name(),
                request.rack());
        return controller
                .registerBroker(spec)
                .thenApply(epoch -> new BrokerRegistrationResponseData().setBrokerEpoch(epoch));
    }
}
