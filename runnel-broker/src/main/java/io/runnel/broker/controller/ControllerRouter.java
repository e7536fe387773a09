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
import java.util.function.BooleanSupplier;
import org.apache.kafka.common.Uuid;

/**
 * The node's {@link Controller}: its own controller while that is the active one, the active controller over the
 * wire ({@link RemoteController}) otherwise. A command goes wherever the controller is when it is sent.
 */
public final class ControllerRouter implements Controller {
    private final Controller local;
    private final BooleanSupplier localActive;
    private final Controller remote;

    /** @param local this node's controller, or null on a broker-only node */
    public ControllerRouter(final Controller local, final BooleanSupplier localActive, final Controller remote) {
        this.local = local;
        this.localActive = localActive;
        this.remote = remote;
    }

    /** True while this node's own controller is the active one. */
    public boolean isLocalActive() {
        return local != null && localActive.getAsBoolean();
    }

    private Controller target() {
        return isLocalActive() ? local : remote;
    }

    @Override
    public CompletableFuture<List<CreateTopicResult>> createTopics(
            final List<CreateTopicSpec> topics, final boolean validateOnly) {
        return target().createTopics(topics, validateOnly);
    }

    @Override
    public CompletableFuture<DeleteTopicsResult> deleteTopics(final List<String> names, final List<Uuid> ids) {
        return target().deleteTopics(names, ids);
    }

    @Override
    public CompletableFuture<List<CreatePartitionsResult>> createPartitions(
            final List<CreatePartitionsSpec> topics, final boolean validateOnly) {
        return target().createPartitions(topics, validateOnly);
    }

    @Override
    public CompletableFuture<List<AlterConfigsResult>> incrementalAlterConfigs(
            final List<AlterConfigsSpec> resources, final boolean validateOnly) {
        return target().incrementalAlterConfigs(resources, validateOnly);
    }

    @Override
    public CompletableFuture<List<AlterConfigsResult>> alterConfigs(
            final List<AlterConfigsSpec> resources, final boolean validateOnly) {
        return target().alterConfigs(resources, validateOnly);
    }

    @Override
    public CompletableFuture<Long> allocateProducerIds(final int count) {
        return target().allocateProducerIds(count);
    }

    @Override
    public CompletableFuture<Long> registerBroker(final BrokerRegistrationSpec spec) {
        return target().registerBroker(spec);
    }

    @Override
    public CompletableFuture<BrokerHeartbeatReply> brokerHeartbeat(final BrokerHeartbeatSpec spec) {
        return target().brokerHeartbeat(spec);
    }

    @Override
    public CompletableFuture<Void> unregisterBroker(final int brokerId) {
        return target().unregisterBroker(brokerId);
    }
}
