package io.runnel.broker.api.brokerheartbeat;

import io.runnel.metadata.controller.BrokerHeartbeatSpec;
import io.runnel.metadata.controller.Controller;
import io.runnel.protocol.ApiHandler;
import io.runnel.protocol.RequestContext;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.BrokerHeartbeatRequestData;
import org.apache.kafka.common.message.BrokerHeartbeatResponseData;
import org.apache.kafka.common.protocol.ApiKeys;

/**
 * BrokerHeartbeat, on the active controller: keeps the broker's session (in memory, never in the log), and answers
 * whether it is caught up, fenced, and may shut down. A stale broker epoch is STALE_BROKER_EPOCH.
 */
public final class BrokerHeartbeatHandler implements ApiHandler<BrokerHeartbeatRequestData> {
    private final Controller controller;

    public BrokerHeartbeatHandler(final Controller controller) {
        this.controller = controller;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.BROKER_HEARTBEAT;
    }

    @Override
    public CompletableFuture<BrokerHeartbeatResponseData> handle(
            final RequestContext context, final BrokerHeartbeatRequestData request) {
        return controller
                .brokerHeartbeat(new BrokerHeartbeatSpec(
                        request.brokerId(),
                        request.brokerEpoch(),
                        request.currentMetadataOffset(),
                        request.wantFence(),
                        request.wantShutDown()))
                .thenApply(reply -> new BrokerHeartbeatResponseData()
                        .setIsCaughtUp(reply.isCaughtUp())
                        .setIsFenced(reply.isFenced())
                        .setShouldShutDown(reply.shouldShutDown()));
    }
}
