package io.runnel.metadata.image;

import io.runnel.metadata.Nullable;
import io.runnel.metadata.record.BrokerRegistrationChangeRecord;
import io.runnel.metadata.record.ClusterIdRecord;
import io.runnel.metadata.record.ConfigRecord;
import io.runnel.metadata.record.MetadataRecord;
import io.runnel.metadata.record.PartitionRecord;
import io.runnel.metadata.record.ProducerIdsRecord;
import io.runnel.metadata.record.RegisterBrokerRecord;
import io.runnel.metadata.record.RemoveTopicRecord;
import io.runnel.metadata.record.TopicRecord;
import io.runnel.metadata.record.UnregisterBrokerRecord;
import io.runnel.metadata.record.VotersRecord;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.apache.kafka.common.Uuid;

/**
 * The cluster state after applying the metadata log up to {@link #lastOffset()}: an immutable
 * value, safe to share between threads. {@link #apply} returns a new image and copies only the
 * maps the record touches (copy-on-write; this is the control plane).
 *
 * <p>{@link #apply} is deterministic and strict: a record that does not fit the image (a partition
 * of an unknown topic, a second topic with the same name, a producer id block going backwards)
 * throws {@link IllegalStateException}. The controller validates before it writes, so a replayed
 * log never trips these checks unless it is corrupt.
 */
public final class MetadataImage {
    /** The image before any record: no cluster id, no brokers, no topics, last offset -1. */
    public static final MetadataImage EMPTY =
            new MetadataImage(null, Map.of(), Map.of(), Map.of(), Map.of(), 0L, -1L, null);

    private final @Nullable String clusterId;
    private final Map<Integer, BrokerRegistration> brokers;
    private final Map<String, TopicImage> topicsByName;
    private final Map<Uuid, TopicImage> topicsById;
    private final Map<String, Map<String, String>> brokerConfigs;
    private final long nextProducerId;
    private final long lastOffset;
    private final @Nullable String voters;

    private MetadataImage(
            final @Nullable String clusterId,
            final Map<Integer, BrokerRegistration> brokers,
            final Map<String, TopicImage> topicsByName,
            final Map<Uuid, TopicImage> topicsById,
            final Map<String, Map<String, String>> brokerConfigs,
            final long nextProducerId,
            final long lastOffset,
            final @Nullable String voters) {
        this.clusterId = clusterId;
        this.voters = voters;
        this.brokers = brokers;
        this.topicsByName = topicsByName;
        this.topicsById = topicsById;
        this.brokerConfigs = brokerConfigs;
        this.nextProducerId = nextProducerId;
        this.lastOffset = lastOffset;
    }

    /** The quorum's voters as the last {@link VotersRecord} gave them; null before the first. */
    public @Nullable String voters() {
        return voters;
    }

    /** The cluster id, or null before the first {@link ClusterIdRecord}. */
    public @Nullable String clusterId() {
        return clusterId;
    }

    /** Registered brokers by id, in id order. */
    public Map<Integer, BrokerRegistration> brokers() {
        return brokers;
    }

    /** Topics by name, in name order. */
    public Map<String, TopicImage> topicsByName() {
        return topicsByName;
    }

    public Map<Uuid, TopicImage> topicsById() {
        return topicsById;
    }

    public @Nullable TopicImage topic(final String name) {
        return topicsByName.get(name);
    }

    public @Nullable TopicImage topic(final Uuid topicId) {
        return topicsById.get(topicId);
    }

    /**
     * Dynamic broker configs by resource name: a broker id as a string, or {@code ""} for the
     * cluster-wide default.
     */
    public Map<String, Map<String, String>> brokerConfigs() {
        return brokerConfigs;
    }

    /** The first producer id not yet reserved by any {@link ProducerIdsRecord}. */
    public long nextProducerId() {
        return nextProducerId;
    }

    /** The offset of the last applied record, or -1 for {@link #EMPTY}. */
    public long lastOffset() {
        return lastOffset;
    }

    /**
     * The image a snapshot holds: {@code records} applied in order to {@link #EMPTY}, standing for the
     * log up to {@code lastOffset} (a snapshot's records are fewer than the log's, so the offset is
     * given, not counted).
     *
     * @throws IllegalStateException if the records do not build an image
     * @throws IllegalArgumentException if {@code lastOffset} is below -1
     */
    public static MetadataImage fromSnapshot(final List<MetadataRecord> records, final long lastOffset) {
        if (lastOffset < -1) {
            throw new IllegalArgumentException("Snapshot offset " + lastOffset + " is below -1");
        }
        MetadataImage image = EMPTY;
        for (final MetadataRecord record : records) {
            image = image.apply(record);
        }
        return new MetadataImage(
                image.clusterId,
                image.brokers,
                image.topicsByName,
                image.topicsById,
                image.brokerConfigs,
                image.nextProducerId,
                lastOffset,
                image.voters);
    }

    /** This image as records, for a snapshot; see {@link ImageWriter}. */
    public List<MetadataRecord> toRecords() {
        return ImageWriter.records(this);
    }

    /**
     * Applies the record at offset {@link #lastOffset()} + 1.
     *
     * @throws IllegalStateException if the record does not fit this image
     */
    public MetadataImage apply(final MetadataRecord record) {
        final long offset = lastOffset + 1;
        return switch (record) {
            case ClusterIdRecord r -> {
                if (clusterId != null && !clusterId.equals(r.clusterId())) {
                    throw new IllegalStateException(
                            "Cluster id is already " + clusterId + ", cannot change it to " + r.clusterId());
                }
                yield new MetadataImage(
                        r.clusterId(),
                        brokers,
                        topicsByName,
                        topicsById,
                        brokerConfigs,
                        nextProducerId,
                        offset,
                        voters);
            }
            case RegisterBrokerRecord r ->
                withBroker(
                        r.brokerId(),
                        new BrokerRegistration(
                                r.brokerId(),
                                r.host(),
                                r.port(),
                                r.listenerName(),
                                r.rack(),
                                r.brokerEpoch() >= 0 ? r.brokerEpoch() : offset,
                                r.incarnationId(),
                                r.fenced(),
                                false),
                        offset);
            case BrokerRegistrationChangeRecord r -> {
                final BrokerRegistration broker = requireBroker(r.brokerId(), r.brokerEpoch());
                final boolean fenced = switch (r.fencing()) {
                    case NONE -> broker.fenced();
                    case FENCE -> true;
                    case UNFENCE -> false;
                };
                yield withBroker(r.brokerId(), broker.withFencing(fenced, r.inControlledShutdown()), offset);
            }
            case VotersRecord r ->
                new MetadataImage(
                        clusterId,
                        brokers,
                        topicsByName,
                        topicsById,
                        brokerConfigs,
                        nextProducerId,
                        offset,
                        r.voters());
            case UnregisterBrokerRecord r -> {
                requireBroker(r.brokerId(), r.brokerEpoch());
                yield withBroker(r.brokerId(), null, offset);
            }
            case TopicRecord r -> {
                if (topicsByName.containsKey(r.name())) {
                    throw new IllegalStateException("Topic " + r.name() + " already exists");
                }
                if (topicsById.containsKey(r.topicId())) {
                    throw new IllegalStateException("Topic id " + r.topicId() + " is already used by "
                            + topicsById.get(r.topicId()).name());
                }
                yield withTopic(null, new TopicImage(r.name(), r.topicId(), Map.of(), Map.of()), offset);
            }
            case PartitionRecord r -> {
                final TopicImage topic = requireTopic(r.topicId());
                if (r.partition() < 0) {
                    throw new IllegalStateException(
                            "Negative partition index " + r.partition() + " for topic " + topic.name());
                }
                final Map<Integer, PartitionImage> partitions = new HashMap<>(topic.partitions());
                partitions.put(
                        r.partition(),
                        new PartitionImage(r.replicas(), r.isr(), r.leader(), r.leaderEpoch(), r.partitionEpoch()));
                yield withTopic(topic, new TopicImage(topic.name(), topic.id(), partitions, topic.configs()), offset);
            }
            case ConfigRecord r ->
                switch (r.type()) {
                    case TOPIC -> {
                        final TopicImage topic = topicsByName.get(r.resourceName());
                        if (topic == null) {
                            throw new IllegalStateException(
                                    "Config " + r.name() + " for unknown topic " + r.resourceName());
                        }
                        yield withTopic(
                                topic,
                                new TopicImage(
                                        topic.name(),
                                        topic.id(),
                                        topic.partitions(),
                                        withEntry(topic.configs(), r.name(), r.value())),
                                offset);
                    }
                    case BROKER -> {
                        final Map<String, Map<String, String>> next = new TreeMap<>(brokerConfigs);
                        final Map<String, String> configs =
                                withEntry(brokerConfigs.getOrDefault(r.resourceName(), Map.of()), r.name(), r.value());
                        if (configs.isEmpty()) {
                            next.remove(r.resourceName());
                        } else {
                            next.put(r.resourceName(), configs);
                        }
                        yield new MetadataImage(
                                clusterId,
                                brokers,
                                topicsByName,
                                topicsById,
                                Collections.unmodifiableMap(next),
                                nextProducerId,
                                offset,
                                voters);
                    }
                };
            case RemoveTopicRecord r -> {
                final TopicImage topic = requireTopic(r.topicId());
                final Map<String, TopicImage> byName = new TreeMap<>(topicsByName);
                final Map<Uuid, TopicImage> byId = new HashMap<>(topicsById);
                byName.remove(topic.name());
                byId.remove(topic.id());
                yield new MetadataImage(
                        clusterId,
                        brokers,
                        Collections.unmodifiableMap(byName),
                        Collections.unmodifiableMap(byId),
                        brokerConfigs,
                        nextProducerId,
                        offset,
                        voters);
            }
            case ProducerIdsRecord r -> {
                if (r.nextProducerId() <= nextProducerId) {
                    throw new IllegalStateException("Producer id block going backwards: next id " + r.nextProducerId()
                            + " is not above " + nextProducerId);
                }
                yield new MetadataImage(
                        clusterId,
                        brokers,
                        topicsByName,
                        topicsById,
                        brokerConfigs,
                        r.nextProducerId(),
                        offset,
                        voters);
            }
        };
    }

    private BrokerRegistration requireBroker(final int brokerId, final long brokerEpoch) {
        final BrokerRegistration broker = brokers.get(brokerId);
        if (broker == null) {
            throw new IllegalStateException("Broker " + brokerId + " is not registered");
        }
        if (brokerEpoch >= 0 && broker.epoch() != brokerEpoch) {
            throw new IllegalStateException(
                    "Broker " + brokerId + " has epoch " + broker.epoch() + ", not " + brokerEpoch);
        }
        return broker;
    }

    private MetadataImage withBroker(final int brokerId, final @Nullable BrokerRegistration broker, final long offset) {
        final Map<Integer, BrokerRegistration> next = new TreeMap<>(brokers);
        if (broker == null) {
            next.remove(brokerId);
        } else {
            next.put(brokerId, broker);
        }
        return new MetadataImage(
                clusterId,
                Collections.unmodifiableMap(next),
                topicsByName,
                topicsById,
                brokerConfigs,
                nextProducerId,
                offset,
                voters);
    }

    private TopicImage requireTopic(final Uuid topicId) {
        final TopicImage topic = topicsById.get(topicId);
        if (topic == null) {
            throw new IllegalStateException("Unknown topic id " + topicId);
        }
        return topic;
    }

    private MetadataImage withTopic(final @Nullable TopicImage previous, final TopicImage topic, final long offset) {
        final Map<String, TopicImage> byName = new TreeMap<>(topicsByName);
        final Map<Uuid, TopicImage> byId = new HashMap<>(topicsById);
        if (previous != null) {
            byName.remove(previous.name());
            byId.remove(previous.id());
        }
        byName.put(topic.name(), topic);
        byId.put(topic.id(), topic);
        return new MetadataImage(
                clusterId,
                brokers,
                Collections.unmodifiableMap(byName),
                Collections.unmodifiableMap(byId),
                brokerConfigs,
                nextProducerId,
                offset,
                voters);
    }

    private static Map<String, String> withEntry(
            final Map<String, String> map, final String key, final @Nullable String value) {
        final Map<String, String> next = new TreeMap<>(map);
        if (value == null) {
            next.remove(key);
        } else {
            next.put(key, value);
        }
        return Collections.unmodifiableMap(next);
    }

    @Override
    public boolean equals(final Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof MetadataImage other)) {
            return false;
        }
        return nextProducerId == other.nextProducerId
                && lastOffset == other.lastOffset
                && Objects.equals(clusterId, other.clusterId)
                && Objects.equals(voters, other.voters)
                && brokers.equals(other.brokers)
                && topicsByName.equals(other.topicsByName)
                && brokerConfigs.equals(other.brokerConfigs);
    }

    @Override
    public int hashCode() {
        return Objects.hash(clusterId, brokers, topicsByName, brokerConfigs, nextProducerId, lastOffset);
    }

    @Override
    public String toString() {
        return "MetadataImage(clusterId=" + clusterId + ", lastOffset=" + lastOffset + ", brokers=" + brokers.keySet()
                + ", topics=" + topicsByName.keySet() + ", nextProducerId=" + nextProducerId + ")";
    }
}
