package io.runnel.broker.api.metadata;

import io.runnel.metadata.controller.Controller;
import io.runnel.metadata.controller.CreateTopicResult;
import io.runnel.metadata.controller.CreateTopicSpec;
import io.runnel.metadata.image.BrokerRegistration;
import io.runnel.metadata.image.MetadataImage;
import io.runnel.metadata.image.PartitionImage;
import io.runnel.metadata.image.TopicImage;
import io.runnel.protocol.ApiHandler;
import io.runnel.protocol.RequestContext;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.internals.Topic;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.MetadataResponse;

/**
 * Metadata: brokers, cluster id, controller, and topics with their partitions and leaders, as a KRaft broker
 * answers it: only unfenced brokers are listed, the controller id is a random one of them (it forwards admin
 * requests to the active controller), and a partition without a leader is answered with leader -1 and
 * LEADER_NOT_AVAILABLE, its replicas on fenced or unregistered brokers in {@code offline_replicas}.
 *
 * <p>A null topic list asks for every topic; an empty one for none. A requested topic that does not exist is
 * created first (with the broker's defaults) when {@code auto.create.topics.enable} is on and the request allows
 * it, as in Kafka; the response then already carries the new topic, so the client needs no second round trip.
 *
 * <p>A partition whose log directory has failed is answered as Kafka's KRaft controller and metadata cache answer
 * for a partition whose only replica is in an offline directory (KIP-858): no leader (-1) and LEADER_NOT_AVAILABLE,
 * this broker still among the replicas and the ISR, and listed in {@code offline_replicas}. Clients then stop
 * sending to it instead of retrying KAFKA_STORAGE_ERROR.
 */
public final class MetadataHandler implements ApiHandler<MetadataRequestData> {
    private final Supplier<MetadataImage> image;
    private final Controller controller;
    private final int nodeId;
    private final boolean autoCreateTopics;
    private final Predicate<TopicPartition> offline;

    public MetadataHandler(
            final Supplier<MetadataImage> image,
            final Controller controller,
            final int nodeId,
            final boolean autoCreateTopics,
            final Predicate<TopicPartition> offline) {
        this.image = image;
        this.controller = controller;
        this.nodeId = nodeId;
        this.autoCreateTopics = autoCreateTopics;
        this.offline = offline;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.METADATA;
    }

    @Override
    public CompletableFuture<MetadataResponseData> handle(
            final RequestContext context, final MetadataRequestData request) {
        final MetadataImage current = this.image.get();
        // "every topic" is a null list, and at v0 (which cannot say null) an empty one
        if (request.topics() == null
                || (context.apiVersion() == 0 && request.topics().isEmpty())) {
            return CompletableFuture.completedFuture(
                    respond(current, new ArrayList<>(current.topicsByName().keySet()), List.of()));
        }
        final List<Object> requested = new ArrayList<>();
        final Set<String> toCreate = new LinkedHashSet<>();
        final boolean allowCreate = autoCreateTopics && (context.apiVersion() < 4 || request.allowAutoTopicCreation());
        for (final MetadataRequestData.MetadataRequestTopic topic : request.topics()) {
            if (topic.name() == null) {
                requested.add(topic.topicId());
                continue;
            }
            requested.add(topic.name());
            if (allowCreate && current.topic(topic.name()) == null && isValidName(topic.name())) {
                toCreate.add(topic.name());
            }
        }
        if (toCreate.isEmpty()) {
            return CompletableFuture.completedFuture(respond(current, requested, List.of()));
        }
        final List<CreateTopicSpec> specs = new ArrayList<>();
        for (final String name : toCreate) {
            specs.add(new CreateTopicSpec(name, -1, (short) -1, Map.of(), Map.of()));
        }
        return controller.createTopics(specs, false).thenApply(results -> respond(image.get(), requested, results));
    }

    private static boolean isValidName(final String name) {
        try {
            Topic.validate(name);
            return !Topic.isInternal(name);
        } catch (InvalidTopicException e) {
            return false;
        }
    }

    private MetadataResponseData respond(
            final MetadataImage image, final List<Object> requested, final List<CreateTopicResult> created) {
        final List<Integer> alive = new ArrayList<>();
        final MetadataResponseData response = new MetadataResponseData().setClusterId(image.clusterId());
        for (final BrokerRegistration broker : image.brokers().values()) {
            // Clients are told only of unfenced brokers, as KRaft's metadata cache tells them.
            if (broker.fenced()) {
                continue;
            }
            alive.add(broker.brokerId());
            response.brokers()
                    .add(new MetadataResponseData.MetadataResponseBroker()
                            .setNodeId(broker.brokerId())
                            .setHost(broker.host())
                            .setPort(broker.port())
                            .setRack(broker.rack()));
        }
        // Admin requests go to the "controller", which in KRaft is a random alive broker that forwards them.
        response.setControllerId(
                alive.isEmpty()
                        ? MetadataResponse.NO_CONTROLLER_ID
                        : alive.get(ThreadLocalRandom.current().nextInt(alive.size())));
        for (final Object wanted : requested) {
            final TopicImage topic = wanted instanceof Uuid id ? image.topic(id) : image.topic((String) wanted);
            if (topic != null) {
                response.topics().add(describe(image, topic));
            } else if (wanted instanceof Uuid id) {
                response.topics()
                        .add(new MetadataResponseData.MetadataResponseTopic()
                                .setTopicId(id)
                                .setErrorCode(Errors.UNKNOWN_TOPIC_ID.code()));
            } else {
                response.topics()
                        .add(new MetadataResponseData.MetadataResponseTopic()
                                .setName((String) wanted)
                                .setErrorCode(missingTopicError((String) wanted, created)
                                        .code()));
            }
        }
        return response;
    }

    private static Errors missingTopicError(final String name, final List<CreateTopicResult> created) {
        try {
            Topic.validate(name);
        } catch (InvalidTopicException e) {
            return Errors.INVALID_TOPIC_EXCEPTION;
        }
        for (final CreateTopicResult result : created) {
            if (result.name().equals(name) && !result.error().isSuccess()) {
                return result.error().error() == Errors.TOPIC_ALREADY_EXISTS
                        ? Errors.LEADER_NOT_AVAILABLE
                        : result.error().error();
            }
        }
        return Errors.UNKNOWN_TOPIC_OR_PARTITION;
    }

    private MetadataResponseData.MetadataResponseTopic describe(final MetadataImage image, final TopicImage topic) {
        final MetadataResponseData.MetadataResponseTopic out = new MetadataResponseData.MetadataResponseTopic()
                .setName(topic.name())
                .setTopicId(topic.id())
                .setIsInternal(Topic.isInternal(topic.name()));
        for (final Map.Entry<Integer, PartitionImage> entry : topic.partitions().entrySet()) {
            final PartitionImage p = entry.getValue();
            final TopicPartition tp = new TopicPartition(topic.name(), entry.getKey());
            // Offline: on a broker that is fenced or gone, or in a failed log directory of this broker (KIP-858).
            final List<Integer> offlineReplicas = new ArrayList<>();
            for (final int replica : p.replicas()) {
                final BrokerRegistration broker = image.brokers().get(replica);
                if (broker == null || broker.fenced() || (replica == nodeId && offline.test(tp))) {
                    offlineReplicas.add(replica);
                }
            }
            final boolean leaderless =
                    p.leader() == MetadataResponse.NO_LEADER_ID || offlineReplicas.contains(p.leader());
            // A partition without a leader stays in the answer: clients hash keys over the partition count.
            out.partitions()
                    .add(new MetadataResponseData.MetadataResponsePartition()
                            .setErrorCode(leaderless ? Errors.LEADER_NOT_AVAILABLE.code() : Errors.NONE.code())
                            .setPartitionIndex(entry.getKey())
                            .setLeaderId(leaderless ? MetadataResponse.NO_LEADER_ID : p.leader())
                            .setLeaderEpoch(p.leaderEpoch())
                            .setReplicaNodes(new ArrayList<>(p.replicas()))
                            .setIsrNodes(new ArrayList<>(p.isr()))
                            .setOfflineReplicas(offlineReplicas));
        }
        return out;
    }
}
