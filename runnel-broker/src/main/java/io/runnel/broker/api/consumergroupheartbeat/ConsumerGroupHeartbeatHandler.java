package io.runnel.broker.api.consumergroupheartbeat;

import io.runnel.coordinator.group.GroupCoordinator;
import io.runnel.protocol.ApiHandler;
import io.runnel.protocol.RequestContext;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatRequestData;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatResponseData;
import org.apache.kafka.common.protocol.ApiKeys;

/**
 * ConsumerGroupHeartbeat of the KIP-848 consumer protocol: joins, keeps alive and leaves a consumer group, and
 * carries the member's assignment back.
 */
public final class ConsumerGroupHeartbeatHandler implements ApiHandler<ConsumerGroupHeartbeatRequestData> {
    private final GroupCoordinator coordinator;

    public ConsumerGroupHeartbeatHandler(final GroupCoordinator coordinator) {
        this.coordinator = coordinator;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.CONSUMER_GROUP_HEARTBEAT;
    }

    @Override
    public CompletableFuture<ConsumerGroupHeartbeatResponseData> handle(
            final RequestContext context, final ConsumerGroupHeartbeatRequestData request) {
        return coordinator.consumerGroupHeartbeat(
                context.clientId(), context.clientHost(), request, context.apiVersion());
    }
}
