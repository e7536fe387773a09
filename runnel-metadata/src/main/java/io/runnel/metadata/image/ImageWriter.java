package io.runnel.metadata.image;

import io.runnel.metadata.record.BrokerRegistrationChangeRecord;
import io.runnel.metadata.record.ClusterIdRecord;
import io.runnel.metadata.record.ConfigRecord;
import io.runnel.metadata.record.ConfigResourceType;
import io.runnel.metadata.record.MetadataRecord;
import io.runnel.metadata.record.PartitionRecord;
import io.runnel.metadata.record.ProducerIdsRecord;
import io.runnel.metadata.record.RegisterBrokerRecord;
import io.runnel.metadata.record.TopicRecord;
import io.runnel.metadata.record.VotersRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Writes a {@link MetadataImage} as the shortest records that rebuild it: applied in order to
 * {@link MetadataImage#EMPTY}, they give an image equal to this one but for its last offset (a
 * snapshot says which offset the records stand for, see {@link MetadataImage#fromSnapshot}).
 *
 * <p>The order is the one {@link MetadataImage#apply} needs: the cluster id, brokers by id, broker
 * configs by resource and name, then each topic by name followed by its partitions by index and its
 * configs by name, and last the producer id block. The image's maps are sorted already, so the same
 * image always gives the same records, and two nodes' snapshots of one state are byte-identical.
 */
public final class ImageWriter {
    /**
     * The broker id written in the snapshot's {@link ProducerIdsRecord}: the image keeps only where the
     * next block starts, not which broker took the last one.
     */
    public static final int UNKNOWN_BROKER = -1;

    private ImageWriter() {}

    /** The records that rebuild {@code image}. */
    public static List<MetadataRecord> records(final MetadataImage image) {
        final List<MetadataRecord> records = new ArrayList<>();
        if (image.clusterId() != null) {
            records.add(new ClusterIdRecord(image.clusterId()));
        }
        if (image.voters() != null) {
            records.add(new VotersRecord(image.voters()));
        }
        for (final BrokerRegistration broker : image.brokers().values()) {
            records.add(new RegisterBrokerRecord(
                    broker.brokerId(),
                    broker.epoch(),
                    broker.incarnationId(),
                    broker.host(),
                    broker.port(),
                    broker.listenerName(),
                    broker.rack(),
                    broker.fenced()));
            if (broker.inControlledShutdown()) {
                records.add(new BrokerRegistrationChangeRecord(
                        broker.brokerId(), broker.epoch(), BrokerRegistrationChangeRecord.Fencing.NONE, true));
            }
        }
        for (final Map.Entry<String, Map<String, String>> resource :
                image.brokerConfigs().entrySet()) {
            configs(records, ConfigResourceType.BROKER, resource.getKey(), resource.getValue());
        }
        for (final TopicImage topic : image.topicsByName().values()) {
            records.add(new TopicRecord(topic.name(), topic.id()));
            for (final Map.Entry<Integer, PartitionImage> entry :
                    topic.partitions().entrySet()) {
                final PartitionImage p = entry.getValue();
                records.add(new PartitionRecord(
                        topic.id(),
                        entry.getKey(),
                        p.replicas(),
                        p.isr(),
                        p.leader(),
                        p.leaderEpoch(),
                        p.partitionEpoch()));
            }
            configs(records, ConfigResourceType.TOPIC, topic.name(), topic.configs());
        }
        if (image.nextProducerId() > MetadataImage.EMPTY.nextProducerId()) {
            records.add(new ProducerIdsRecord(UNKNOWN_BROKER, image.nextProducerId()));
        }
        return records;
    }

    private static void configs(
            final List<MetadataRecord> records,
            final ConfigResourceType type,
            final String resource,
            final Map<String, String> configs) {
        for (final Map.Entry<String, String> config : configs.entrySet()) {
            records.add(new ConfigRecord(type, resource, config.getKey(), config.getValue()));
        }
    }
}
