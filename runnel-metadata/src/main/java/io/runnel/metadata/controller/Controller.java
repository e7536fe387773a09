package io.runnel.metadata.controller;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.Uuid;

/**
 * The commands that change the cluster metadata, as brokers' request handlers see them: carried out by the
 * {@link MetadataController} on the node where it is active, or forwarded to it from other nodes. Every method
 * completes once the change is committed (or refused: a per-item error in the result, or an exceptional completion
 * with a Kafka {@code ApiException} such as {@code NotControllerException}).
 */
public interface Controller {
    CompletableFuture<List<CreateTopicResult>> createTopics(List<CreateTopicSpec> topics, boolean validateOnly);

    CompletableFuture<DeleteTopicsResult> deleteTopics(List<String> names, List<Uuid> ids);

    CompletableFuture<List<CreatePartitionsResult>> createPartitions(
            List<CreatePartitionsSpec> topics, boolean validateOnly);

    CompletableFuture<List<AlterConfigsResult>> incrementalAlterConfigs(
            List<AlterConfigsSpec> resources, boolean validateOnly);

    CompletableFuture<List<AlterConfigsResult>> alterConfigs(List<AlterConfigsSpec> resources, boolean validateOnly);

    /** Reserves {@code count} producer ids; completes with the first of the block. */
    CompletableFuture<Long> allocateProducerIds(int count);

    /** Completes with the broker epoch. */
    CompletableFuture<Long> registerBroker(BrokerRegistrationSpec spec);

    CompletableFuture<BrokerHeartbeatReply> brokerHeartbeat(BrokerHeartbeatSpec spec);

    CompletableFuture<Void> unregisterBroker(int brokerId);
}
