package io.runnel.replication;

import io.runnel.metadata.config.BrokerConfigLayers;
import io.runnel.metadata.config.TopicConfigs;
import io.runnel.metadata.image.MetadataImage;
import io.runnel.metadata.image.PartitionImage;
import io.runnel.metadata.image.TopicImage;
import io.runnel.metadata.loader.MetadataListener;
import io.runnel.storage.LogConfig;
import io.runnel.storage.LogManager;
import io.runnel.storage.PartitionLog;
import java.io.IOException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies each new metadata image to this broker's logs: opens (or creates) the log of every partition it
 * leads and stops serving the ones it no longer leads (their logs stay), applies config changes (the topic's own and the dynamic broker defaults), and deletes the logs of
 * removed topics and stray directories. Runs on the controller's thread, the only writer of {@link Partitions}.
 *
 * <p>A log that cannot be opened because its log directory is offline leaves its partition offline (requests for
 * it get KAFKA_STORAGE_ERROR). The partitions of the first image existed before this start, so if one is found
 * in no online directory while a directory is offline, it is not created empty elsewhere (its data is most
 * likely on the failed disk); partitions that appear later are new and go to an online directory. The logs of the
 * first image are opened together ({@link LogManager#openAll}), so recovering them after a crash takes
 * {@code num.recovery.threads.per.data.dir} threads per directory rather than one.
 */
public final class PartitionsPublisher implements MetadataListener {
    private static final Logger LOG = LoggerFactory.getLogger(PartitionsPublisher.class);

    private final int nodeId;
    private final LogManager logs;
    private final Partitions partitions;
    private final Map<String, String> brokerProperties;
    private boolean strayCheckDone;
    /** The logs {@link LogManager#openAll} opened for the first image, taken as its partitions are published. */
    private Map<TopicPartition, CompletableFuture<PartitionLog>> preopened = new HashMap<>();

    public PartitionsPublisher(
            final int nodeId,
            final LogManager logs,
            final Partitions partitions,
            final Map<String, String> brokerProperties) {
        this.nodeId = nodeId;
        this.logs = logs;
        this.partitions = partitions;
        this.brokerProperties = brokerProperties;
    }

    @Override
    public void onImage(final MetadataImage previous, final MetadataImage next) {
        for (final TopicImage gone : previous.topicsById().values()) {
            if (next.topic(gone.id()) == null) {
                removeTopic(gone);
            }
        }
        // A changed broker-level default (log.retention.ms, ...) reaches every topic that does not override it.
        final boolean brokerConfigsChanged = !previous.brokerConfigs().equals(next.brokerConfigs());
        final BrokerConfigLayers broker = BrokerConfigLayers.of(next.brokerConfigs(), nodeId, brokerProperties);
        if (!strayCheckDone) {
            preopened = logs.openAll(ledPartitions(next, broker));
        }
        for (final TopicImage topic : next.topicsById().values()) {
            final TopicImage before = previous.topic(topic.id());
            if (before == null || !before.equals(topic) || brokerConfigsChanged) {
                publishTopic(topic, before, broker, brokerConfigsChanged, strayCheckDone);
            }
        }
        if (!strayCheckDone) {
            strayCheckDone = true;
            preopened = new HashMap<>();
            deleteStrays(next);
        }
    }

    /** Every partition of the image this broker leads, with its log config. */
    private Map<TopicPartition, LogConfig> ledPartitions(final MetadataImage image, final BrokerConfigLayers broker) {
        final Map<TopicPartition, LogConfig> led = new HashMap<>();
        for (final TopicImage topic : image.topicsById().values()) {
            final LogConfig config = TopicLogConfig.of(TopicConfigs.resolve(topic.configs(), broker));
            topic.partitions().forEach((index, partition) -> {
                if (partition.leader() == nodeId) {
                    led.put(new TopicPartition(topic.name(), index), config);
                }
            });
        }
        return led;
    }

    /** The log {@link LogManager#openAll} opened, or else {@link LogManager#getOrCreate}'s. */
    private PartitionLog openLog(final TopicPartition tp, final LogConfig config, final boolean isNew)
            throws IOException {
        final CompletableFuture<PartitionLog> opened = preopened.remove(tp);
        if (opened == null) {
            return logs.getOrCreate(tp, config, isNew);
        }
        try {
            return opened.join();
        } catch (final CompletionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw e;
        }
    }

    private void publishTopic(
            final TopicImage topic,
            final TopicImage before,
            final BrokerConfigLayers broker,
            final boolean brokerConfigsChanged,
            final boolean afterStart) {
        partitions.addTopic(topic.name(), topic.id(), topic.partitions().size());
        final LogConfig config = TopicLogConfig.of(TopicConfigs.resolve(topic.configs(), broker));
        final boolean configChanged =
                before != null && (brokerConfigsChanged || !before.configs().equals(topic.configs()));
        for (final Map.Entry<Integer, PartitionImage> entry : topic.partitions().entrySet()) {
            final TopicPartition tp = new TopicPartition(topic.name(), entry.getKey());
            final PartitionImage image = entry.getValue();
            final Partition existing = partitions.get(tp);
            final boolean ours = existing != null && existing.topicId().equals(topic.id());
            if (image.leader() != nodeId) {
                if (ours) {
                    // Another broker leads it now (or none does): requests for it get NOT_LEADER_OR_FOLLOWER. The
                    // log stays open and on disk, for when the leadership comes back.
                    partitions.remove(tp);
                    LOG.info(
                            "Broker {} no longer leads {} (leader {}, epoch {})",
                            nodeId,
                            tp,
                            image.leader(),
                            image.leaderEpoch());
                }
                continue;
            }
            if (ours) {
                if (configChanged) {
                    existing.updateConfig(config);
                }
                if (existing.leaderEpoch() != image.leaderEpoch()) {
                    existing.updateLeaderEpoch(image.leaderEpoch());
                }
                continue;
            }
            try {
                if (existing != null) {
                    deleteLog(tp);
                }
                final boolean isNew =
                        afterStart && (before == null || !before.partitions().containsKey(entry.getKey()));
                final PartitionLog log = openLog(tp, config, isNew);
                partitions.put(new Partition(tp, topic.id(), log, image.leaderEpoch()));
            } catch (KafkaStorageException e) {
                LOG.error("Cannot open the log of {}; it is offline: {}", tp, e.getMessage());
                partitions.putOffline(tp);
            } catch (IOException | RuntimeException e) {
                LOG.error("Cannot open the log of {}; it stays offline", tp, e);
            }
        }
    }

    private void removeTopic(final TopicImage topic) {
        partitions.removeTopic(topic.name(), topic.id());
        for (final int index : topic.partitions().keySet()) {
            final TopicPartition tp = new TopicPartition(topic.name(), index);
            final Partition partition = partitions.get(tp);
            if (partition != null && partition.topicId().equals(topic.id())) {
                deleteLog(tp);
            } else if (partition == null) {
                partitions.remove(tp); // no longer offline: it is gone
            }
        }
        LOG.info("Deleted topic {} ({})", topic.name(), topic.id());
    }

    private void deleteLog(final TopicPartition tp) {
        partitions.remove(tp);
        try {
            logs.delete(tp);
        } catch (IOException | RuntimeException e) {
            LOG.error("Cannot delete the log of {}", tp, e);
        }
    }

    /** Directories of partitions the metadata does not know: left by a topic deleted while the broker was down. */
    private void deleteStrays(final MetadataImage image) {
        final Set<TopicPartition> known = new HashSet<>();
        for (final TopicImage topic : image.topicsById().values()) {
            for (final int index : topic.partitions().keySet()) {
                known.add(new TopicPartition(topic.name(), index));
            }
        }
        for (final TopicPartition tp : logs.partitionsOnDisk()) {
            if (!known.contains(tp)) {
                LOG.info("Deleting stray log directory of {}", tp);
                try {
                    logs.delete(tp);
                } catch (IOException | RuntimeException e) {
                    LOG.error("Cannot delete stray log of {}", tp, e);
                }
            }
        }
    }
}
