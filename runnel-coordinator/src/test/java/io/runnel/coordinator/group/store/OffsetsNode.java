package io.runnel.coordinator.group.store;

import io.runnel.metadata.controller.CreateTopicResult;
import io.runnel.metadata.controller.MetadataController;
import io.runnel.metadata.image.BrokerRegistration;
import io.runnel.metadata.log.LocalMetadataLog;
import io.runnel.replication.Partitions;
import io.runnel.replication.PartitionsPublisher;
import io.runnel.storage.LogManager;
import io.runnel.storage.PartitionLog;
import java.io.IOException;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.TopicPartition;

/**
 * A single-node broker minus the network, for tests: real logs under {@code dir/logs}, a real metadata log and
 * controller, and a {@link PartitionsPublisher} filling a real {@link Partitions}, as {@code Broker} wires them.
 */
final class OffsetsNode implements AutoCloseable {
    static final int NODE_ID = 1;

    final Map<String, String> brokerProperties;
    final LogManager logs;
    final LocalMetadataLog metadataLog;
    final MetadataController controller;
    final Partitions partitions = new Partitions();

    OffsetsNode(final Path dir, final Map<String, String> brokerProperties) throws Exception {
        this.brokerProperties = Map.copyOf(brokerProperties);
        this.logs = LogManager.open(List.of(dir.resolve("logs")), InstantSource.system());
        this.metadataLog = LocalMetadataLog.open(dir.resolve("metadata"));
        this.controller = new MetadataController(
                metadataLog,
                new BrokerRegistration(NODE_ID, "localhost", 9092, "PLAINTEXT", null),
                1,
                (short) 1,
                this.brokerProperties);
        controller.start().get(10, TimeUnit.SECONDS);
        controller
                .registerListener(new PartitionsPublisher(NODE_ID, logs, partitions, this.brokerProperties))
                .get(10, TimeUnit.SECONDS);
    }

    /** Creates {@code __consumer_offsets} the way FindCoordinator does. */
    CreateTopicResult createOffsetsTopic() throws Exception {
        return controller
                .createTopics(
                        List.of(OffsetsTopic.topicSpec(
                                brokerProperties, controller.image().brokers().size())),
                        false)
                .get(10, TimeUnit.SECONDS)
                .get(0);
    }

    /** The log under partition {@code index} of {@code __consumer_offsets}, to look at or break what the store wrote. */
    PartitionLog log(final int index) {
        return logs.get(new TopicPartition(OffsetsTopic.NAME, index)).orElseThrow();
    }

    OffsetsTopicStore store(final InstantSource clock) {
        return new OffsetsTopicStore(partitions, OffsetsTopic.numPartitions(brokerProperties), clock);
    }

    @Override
    public void close() throws IOException {
        controller.close();
        metadataLog.close();
        logs.close();
    }
}
