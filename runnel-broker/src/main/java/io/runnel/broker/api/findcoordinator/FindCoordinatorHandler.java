package io.runnel.broker.api.findcoordinator;

import io.runnel.coordinator.group.store.OffsetsTopic;
import io.runnel.coordinator.group.store.OffsetsTopicStore;
import io.runnel.metadata.controller.Controller;
import io.runnel.metadata.controller.CreateTopicSpec;
import io.runnel.metadata.image.BrokerRegistration;
import io.runnel.metadata.image.MetadataImage;
import io.runnel.metadata.image.PartitionImage;
import io.runnel.metadata.image.TopicImage;
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
 * {@code __consumer_offsets} ({@code abs(groupId.hashCode()) % offsets.topic.num.partitions}, as Kafka places it),
 * reached at the endpoint it registered; on a single node that is this broker. While that partition has no leader
 * (its broker is fenced or down) or the topic does not exist yet, the answer is COORDINATOR_NOT_AVAILABLE and clients
 * ask again. As in Kafka, the offsets topic is created by the first lookup, so a cluster nobody uses groups on never
 * has it. From v4 each key of the batch is answered on its own. Transaction and share coordinators do not exist yet:
 * COORDINATOR_NOT_AVAILABLE and INVALID_REQUEST.
 */
public final class FindCoordinatorHandler implements ApiHandler<FindCoordinatorRequestData> {
    private static final String OFFSETS_TOPIC = OffsetsTopic.NAME;

    private final Supplier<MetadataImage> image;
    private final Controller controller;
    private final CreateTopicSpec offsetsTopic;

    public FindCoordinatorHandler(
            final Supplier<MetadataImage> image, final Controller controller, final CreateTopicSpec offsetsTopic) {
        this.image = image;
        this.controller = controller;
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
        final MetadataImage metadata = image.get();
        final List<FindCoordinatorResponseData.Coordinator> coordinators = new ArrayList<>();
        for (final String key : keys) {
            final FindCoordinatorResponseData.Coordinator coordinator = new FindCoordinatorResponseData.Coordinator()
                    .setKey(key)
                    .setNodeId(-1)
                    .setHost("")
                    .setPort(-1);
            final Errors error = errorFor(keyType, key, topicError);
            final BrokerRegistration leader = error == Errors.NONE ? groupCoordinator(metadata, key) : null;
            if (leader != null) {
                coordinator.setNodeId(leader.brokerId()).setHost(leader.host()).setPort(leader.port());
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

    /** The live leader of the group's partition of the offsets topic; null when there is none. */
    private BrokerRegistration groupCoordinator(final MetadataImage metadata, final String groupId) {
        final TopicImage topic = metadata.topic(OFFSETS_TOPIC);
        if (topic == null) {
            return null;
        }
        final PartitionImage partition =
                topic.partitions().get(OffsetsTopicStore.partitionFor(groupId, offsetsTopic.numPartitions()));
        if (partition == null || partition.leader() < 0) {
            return null;
        }
        final BrokerRegistration broker = metadata.brokers().get(partition.leader());
        return broker == null || broker.fenced() ? null : broker;
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
