package io.runnel.broker.controller;

import io.runnel.metadata.controller.AlterConfigsResult;
import io.runnel.metadata.controller.AlterConfigsSpec;
import io.runnel.metadata.controller.BrokerHeartbeatReply;
import io.runnel.metadata.controller.BrokerHeartbeatSpec;
import io.runnel.metadata.controller.BrokerRegistrationSpec;
import io.runnel.metadata.controller.Controller;
import io.runnel.metadata.controller.CreatePartitionsResult;
import io.runnel.metadata.controller.CreatePartitionsSpec;
import io.runnel.metadata.controller.CreateTopicResult;
import io.runnel.metadata.controller.CreateTopicSpec;
import io.runnel.metadata.controller.DeleteTopicsResult;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.NotControllerException;

/**
 * What a controller that is not the active one answers every command sent to its controller listener:
 * NOT_CONTROLLER, so the sender tries the next voter.
 */
public final class RefusingController implements Controller {
    private final int nodeId;

    public RefusingController(final int nodeId) {
        this.nodeId = nodeId;
    }

    @Override
    public CompletableFuture<List<CreateTopicResult>> createTopics(
            final List<CreateTopicSpec> topics, final boolean validateOnly) {
        return refuse();
    }

    @Override
    public CompletableFuture<DeleteTopicsResult> deleteTopics(final List<String> names, final List<Uuid> ids) {
        return refuse();
    }

    @Override
    public CompletableFuture<List<CreatePartitionsResult>> createPartitions(
            final List<CreatePartitionsSpec> topics, final boolean validateOnly) {
        return refuse();
    }

    @Override
    public CompletableFuture<List<AlterConfigsResult>> incrementalAlterConfigs(
            final List<AlterConfigsSpec> resources, final boolean validateOnly) {
        return refuse();
    }

    @Override
    public CompletableFuture<List<AlterConfigsResult>> alterConfigs(
            final List<AlterConfigsSpec> resources, final boolean validateOnly) {
        return refuse();
    }

    @Override
    public CompletableFuture<Long> allocateProducerIds(final int count) {
        return refuse();
    }

    @Override
    public CompletableFuture<Long> registerBroker(final BrokerRegistrationSpec spec) {
        return refuse();
    }

    @Override
    public CompletableFuture<BrokerHeartbeatReply> brokerHeartbeat(final BrokerHeartbeatSpec spec) {
        return refuse();
    }

    @Override
    public CompletableFuture<Void> unregisterBroker(final int brokerId) {
        return refuse();
    }

    private <T> CompletableFuture<T> refuse() {
        return CompletableFuture.failedFuture(
                new NotControllerException("Node " + nodeId + " is not the active controller"));
    }
}
