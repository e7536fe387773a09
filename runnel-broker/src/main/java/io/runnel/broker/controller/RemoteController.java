package io.runnel.broker.controller;

import io.runnel.metadata.controller.AlterConfigsResult;
import io.runnel.metadata.controller.AlterConfigsSpec;
import io.runnel.metadata.controller.ApiError;
import io.runnel.metadata.controller.BrokerHeartbeatReply;
import io.runnel.metadata.controller.BrokerHeartbeatSpec;
import io.runnel.metadata.controller.BrokerRegistrationSpec;
import io.runnel.metadata.controller.Controller;
import io.runnel.metadata.controller.CreatePartitionsResult;
import io.runnel.metadata.controller.CreatePartitionsSpec;
import io.runnel.metadata.controller.CreateTopicResult;
import io.runnel.metadata.controller.CreateTopicSpec;
import io.runnel.metadata.controller.DeleteTopicsResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.AllocateProducerIdsRequestData;
import org.apache.kafka.common.message.BrokerHeartbeatRequestData;
import org.apache.kafka.common.message.BrokerRegistrationRequestData;
import org.apache.kafka.common.message.CreateTopicsRequestData;
import org.apache.kafka.common.message.UnregisterBrokerRequestData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AllocateProducerIdsRequest;
import org.apache.kafka.common.requests.AllocateProducerIdsResponse;
import org.apache.kafka.common.requests.BrokerHeartbeatRequest;
import org.apache.kafka.common.requests.BrokerHeartbeatResponse;
import org.apache.kafka.common.requests.BrokerRegistrationRequest;
import org.apache.kafka.common.requests.BrokerRegistrationResponse;
import org.apache.kafka.common.requests.CreateTopicsRequest;
import org.apache.kafka.common.requests.CreateTopicsResponse;
import org.apache.kafka.common.requests.UnregisterBrokerRequest;
import org.apache.kafka.common.requests.UnregisterBrokerResponse;

/**
 * The {@link Controller} of a node that is not the active controller: each command is the Kafka request a KRaft
 * broker sends its controller (BrokerRegistration, BrokerHeartbeat, AllocateProducerIds, CreateTopics for
 * auto-created topics, UnregisterBroker), over the {@link ControllerChannel}. Admin requests from clients are
 * forwarded whole instead (see {@code ForwardingHandler}), so the commands they would use are not served here.
 */
public final class RemoteController implements Controller {
    private final ControllerChannel channel;
    private final int nodeId;
    private final LongSupplier brokerEpoch;

    /** @param brokerEpoch this broker's epoch, once registered (AllocateProducerIds carries it) */
    public RemoteController(final ControllerChannel channel, final int nodeId, final LongSupplier brokerEpoch) {
        this.channel = channel;
        this.nodeId = nodeId;
        this.brokerEpoch = brokerEpoch;
    }

    @Override
    public CompletableFuture<Long> registerBroker(final BrokerRegistrationSpec spec) {
        final BrokerRegistrationRequestData data = new BrokerRegistrationRequestData()
                .setBrokerId(spec.brokerId())
                .setClusterId(spec.clusterId())
                .setIncarnationId(spec.incarnationId())
                .setRack(spec.rack());
        data.listeners()
                .add(new BrokerRegistrationRequestData.Listener()
                        .setName(spec.listenerName())
                        .setHost(spec.host())
                        .setPort(spec.port())
                        .setSecurityProtocol((short) 0));
        return channel.<BrokerRegistrationResponse>send(
                        new BrokerRegistrationRequest.Builder(data),
                        r -> Errors.forCode(r.data().errorCode()))
                .thenApply(r -> {
                    throwIfError(Errors.forCode(r.data().errorCode()), null);
                    return r.data().brokerEpoch();
                });
    }

    @Override
    public CompletableFuture<BrokerHeartbeatReply> brokerHeartbeat(final BrokerHeartbeatSpec spec) {
        return channel.<BrokerHeartbeatResponse>send(
                        new BrokerHeartbeatRequest.Builder(new BrokerHeartbeatRequestData()
                                .setBrokerId(spec.brokerId())
                                .setBrokerEpoch(spec.brokerEpoch())
                                .setCurrentMetadataOffset(spec.currentMetadataOffset())
                                .setWantFence(spec.wantFence())
                                .setWantShutDown(spec.wantShutDown())),
                        r -> Errors.forCode(r.data().errorCode()))
                .thenApply(r -> {
                    throwIfError(Errors.forCode(r.data().errorCode()), null);
                    return new BrokerHeartbeatReply(
                            r.data().isCaughtUp(),
                            r.data().isFenced(),
                            false,
                            r.data().shouldShutDown());
                });
    }

    @Override
    public CompletableFuture<Void> unregisterBroker(final int brokerId) {
        return channel.<UnregisterBrokerResponse>send(
                        new UnregisterBrokerRequest.Builder(new UnregisterBrokerRequestData().setBrokerId(brokerId)),
                        r -> Errors.forCode(r.data().errorCode()))
                .thenApply(r -> {
                    throwIfError(Errors.forCode(r.data().errorCode()), r.data().errorMessage());
                    return null;
                });
    }

    @Override
    public CompletableFuture<Long> allocateProducerIds(final int count) {
        return channel.<AllocateProducerIdsResponse>send(
                        new AllocateProducerIdsRequest.Builder(new AllocateProducerIdsRequestData()
                                .setBrokerId(nodeId)
                                .setBrokerEpoch(brokerEpoch.getAsLong())),
                        r -> Errors.forCode(r.data().errorCode()))
                .thenApply(r -> {
                    throwIfError(Errors.forCode(r.data().errorCode()), null);
                    if (r.data().producerIdLen() < count) {
                        throw new IllegalStateException("The controller allocated "
                                + r.data().producerIdLen() + " producer ids, fewer than the " + count + " asked for");
                    }
                    return r.data().producerIdStart();
                });
    }

    /** Auto-created topics (Metadata, FindCoordinator) only: name, counts and configs, no assignments. */
    @Override
    public CompletableFuture<List<CreateTopicResult>> createTopics(
            final List<CreateTopicSpec> topics, final boolean validateOnly) {
        final CreateTopicsRequestData data =
                new CreateTopicsRequestData().setTimeoutMs(30_000).setValidateOnly(validateOnly);
        for (final CreateTopicSpec spec : topics) {
            final CreateTopicsRequestData.CreatableTopic topic = new CreateTopicsRequestData.CreatableTopic()
                    .setName(spec.name())
                    .setNumPartitions(spec.numPartitions())
                    .setReplicationFactor(spec.replicationFactor());
            spec.assignments()
                    .forEach((partition, replicas) -> topic.assignments()
                            .add(new CreateTopicsRequestData.CreatableReplicaAssignment()
                                    .setPartitionIndex(partition)
                                    .setBrokerIds(new ArrayList<>(replicas))));
            spec.configs()
                    .forEach((name, value) -> topic.configs()
                            .add(new CreateTopicsRequestData.CreatableTopicConfig()
                                    .setName(name)
                                    .setValue(value)));
            data.topics().add(topic);
        }
        return channel.<CreateTopicsResponse>send(new CreateTopicsRequest.Builder(data), r -> notController(r))
                .thenApply(r -> {
                    final List<CreateTopicResult> results = new ArrayList<>();
                    r.data()
                            .topics()
                            .forEach(t -> results.add(new CreateTopicResult(
                                    t.name(),
                                    ApiError.of(Errors.forCode(t.errorCode()), t.errorMessage()),
                                    t.topicId() == null ? Uuid.ZERO_UUID : t.topicId(),
                                    t.numPartitions(),
                                    t.replicationFactor(),
                                    Map.of())));
                    return results;
                });
    }

    private static Errors notController(final CreateTopicsResponse response) {
        return response.data().topics().stream().anyMatch(t -> t.errorCode() == Errors.NOT_CONTROLLER.code())
                ? Errors.NOT_CONTROLLER
                : Errors.NONE;
    }

    @Override
    public CompletableFuture<DeleteTopicsResult> deleteTopics(final List<String> names, final List<Uuid> ids) {
        return forwardedWhole("DeleteTopics");
    }

    @Override
    public CompletableFuture<List<CreatePartitionsResult>> createPartitions(
            final List<CreatePartitionsSpec> topics, final boolean validateOnly) {
        return forwardedWhole("CreatePartitions");
    }

    @Override
    public CompletableFuture<List<AlterConfigsResult>> incrementalAlterConfigs(
            final List<AlterConfigsSpec> resources, final boolean validateOnly) {
        return forwardedWhole("IncrementalAlterConfigs");
    }

    @Override
    public CompletableFuture<List<AlterConfigsResult>> alterConfigs(
            final List<AlterConfigsSpec> resources, final boolean validateOnly) {
        return forwardedWhole("AlterConfigs");
    }

    private static <T> CompletableFuture<T> forwardedWhole(final String api) {
        return CompletableFuture.failedFuture(new UnsupportedOperationException(
                api + " reaches the active controller as the client's own request, not as a command"));
    }

    private static void throwIfError(final Errors error, final String message) {
        if (error != Errors.NONE) {
            throw message == null ? error.exception() : error.exception(message);
        }
    }
}
