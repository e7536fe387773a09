package io.runnel.broker.api.findcoordinator;

import io.runnel.metadata.controller.Controller;
import io.runnel.metadata.controller.CreateTopicSpec;
import io.runnel.metadata.image.BrokerRegistration;
import io.runnel.metadata.image.MetadataImage;
import io.runnel.protocol.ApiHandler;
import io.runnel.protocol.RequestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.apache.kafka.common.message.FindCoordinatorRequestData;
import org.apache.kafka.common.message.FindCoordinatorResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.FindCoordinatorRequest;

/**
 * FindCoordinator: the broker that coordinates a consumer group is the leader of the group's partition of
 * {@code __consumer_offsets}; on a single node that is this broker. As in Kafka, the offsets topic is created
 * by the first lookup, so a broker nobody uses groups on never has it. Transaction and share coordinators do
 * not exist yet: COORDINATOR_NOT_AVAILABLE and INVALID_REQUEST.
 */
public final class FindCoordinatorHandler implements ApiHandler<FindCoordinatorRequestData> {
    private static final String OFFSETS_TOPIC = "__consumer_offsets";

    private final Supplier<MetadataImage> image;
    private final Controller controller;
    private final int nodeId;
    private final CreateTopicSpec offsetsTopic;

    public FindCoordinatorHandler(
            final Supplier<MetadataImage> image,
            final Controller controller,
            final int nodeId,
            final CreateTopicSpec offsetsTopic) {
        this.image = image;
        this.controller = controller;
        this.nodeId = nodeId;
        this.offsetsTopic = offsetsTopic;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.FIND_COORDINATOR;
    }

    @Override
    public CompletableFuture<FindCoordinatorResponseData> handle(
            final RequestContext context, final FindCoordinatorRequestData request) {
        final boolean batched = context.apiVersion() >= 4;
        final List<String> keys = batched ? request.coordinatorKeys() : List.of(request.key());
        final byte keyType = context.apiVersion() >= 1 ? request.keyType() : 0;
        final boolean needsOffsetsTopic = keyType == FindCoordinatorRequest.CoordinatorType.GROUP.id()
                && !keys.isEmpty()
                && image.get().topic(OFFSETS_TOPIC) == null;
        final CompletableFuture<Errors> ready = needsOffsetsTopic
                ? controller
                        .createTopics(List.of(offsetsTopic), false)
                        .thenApply(results -> results.get(0).error().isSuccess()
                                        || results.get(0).error().error() == Errors.TOPIC_ALREADY_EXISTS
                                ? Errors.NONE
                                : Errors.COORDINATOR_NOT_AVAILABLE)
                : CompletableFuture.completedFuture(Errors.NONE);
        return ready.thenApply(topicError -> respond(keys, keyType, topicError, batched));
    }

    private FindCoordinatorResponseData respond(
            final List<String> keys, final byte keyType, final Errors topicError, final boolean batched) {
        final BrokerRegistration self = image.get().brokers().get(nodeId);
        final List<FindCoordinatorResponseData.Coordinator> coordinators = new ArrayList<>();
        for (final String key : keys) {
            final FindCoordinatorResponseData.Coordinator coordinator = new FindCoordinatorResponseData.Coordinator()
                    .setKey(key)
                    .setNodeId(-1)
                    .setHost("")
                    .setPort(-1);
            final Errors error = errorFor(keyType, key, topicError);
            if (error == Errors.NONE && self != null) {
                coordinator.setNodeId(self.brokerId()).setHost(self.host()).setPort(self.port());
            } else {
                coordinator.setErrorCode((error == Errors.NONE ? Errors.COORDINATOR_NOT_AVAILABLE : error).code());
            }
            coordinators.add(coordinator);
        }
        final FindCoordinatorResponseData response = new FindCoordinatorResponseData();
        if (batched) {
            return response.setCoordinators(coordinators);
        }
        final FindCoordinatorResponseData.Coordinator only = coordinators.get(0);
        return response.setErrorCode(only.errorCode())
                .setNodeId(only.nodeId())
                .setHost(only.host())
                .setPort(only.port());
    }

    private static Errors errorFor(final byte keyType, final String key, final Errors topicError) {
        if (keyType == FindCoordinatorRequest.CoordinatorType.GROUP.id()) {
            return key == null || key.isEmpty() ? Errors.INVALID_REQUEST : topicError;
        }
        if (keyType == FindCoordinatorRequest.CoordinatorType.TRANSACTION.id()) {
            return Errors.COORDINATOR_NOT_AVAILABLE;
        }
        return Errors.INVALID_REQUEST;
    }
}
