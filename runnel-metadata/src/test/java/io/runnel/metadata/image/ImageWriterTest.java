package io.runnel.metadata.image;

import static org.assertj.core.api.Assertions.assertThat;

import io.runnel.metadata.record.BrokerRegistrationChangeRecord;
import io.runnel.metadata.record.ClusterIdRecord;
import io.runnel.metadata.record.ConfigRecord;
import io.runnel.metadata.record.ConfigResourceType;
import io.runnel.metadata.record.MetadataRecord;
import io.runnel.metadata.record.PartitionRecord;
import io.runnel.metadata.record.ProducerIdsRecord;
import io.runnel.metadata.record.RegisterBrokerRecord;
import io.runnel.metadata.record.RemoveTopicRecord;
import io.runnel.metadata.record.TopicRecord;
import io.runnel.metadata.record.VotersRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.Test;

/**
 * An image written as records rebuilds itself: {@code EMPTY.apply(each of image.toRecords())} equals the image but
 * for the last offset, which {@link MetadataImage#fromSnapshot} takes from the snapshot.
 */
class ImageWriterTest {
    private static MetadataImage rebuild(final MetadataImage image) {
        MetadataImage rebuilt = MetadataImage.EMPTY;
        for (final MetadataRecord record : image.toRecords()) {
            rebuilt = rebuilt.apply(record);
        }
        return rebuilt;
    }

    private static MetadataImage everyKindOfState() {
        final Uuid orders = Uuid.randomUuid();
        final Uuid removed = Uuid.randomUuid();
        return MetadataImage.EMPTY
                .apply(new ClusterIdRecord("cluster"))
                .apply(new VotersRecord("1@a:1,2@b:2"))
                .apply(new RegisterBrokerRecord(2, "b2", 9093, "PLAINTEXT", "rack-b"))
                .apply(new RegisterBrokerRecord(1, "b1", 9092, "PLAINTEXT", null))
                .apply(new BrokerRegistrationChangeRecord(2, -1, BrokerRegistrationChangeRecord.Fencing.NONE, true))
                .apply(new RegisterBrokerRecord(3, 3L, Uuid.randomUuid(), "b3", 9094, "PLAINTEXT", null, true))
                .apply(new ConfigRecord(ConfigResourceType.BROKER, "", "log.retention.hours", "1"))
                .apply(new ConfigRecord(ConfigResourceType.BROKER, "1", "log.segment.bytes", "1048576"))
                .apply(new TopicRecord("orders", orders))
                .apply(new PartitionRecord(orders, 1, List.of(2, 1), List.of(2), 2, 5, 7))
                .apply(new PartitionRecord(orders, 0, List.of(1, 2), List.of(1, 2), 1, 0, 0))
                .apply(new ConfigRecord(ConfigResourceType.TOPIC, "orders", "retention.ms", "1000"))
                .apply(new ConfigRecord(ConfigResourceType.TOPIC, "orders", "cleanup.policy", "compact"))
                .apply(new TopicRecord("gone", removed))
                .apply(new PartitionRecord(removed, 0, List.of(1), List.of(1), 1, 0, 0))
                .apply(new RemoveTopicRecord(removed))
                .apply(new ProducerIdsRecord(1, 1000))
                .apply(new ProducerIdsRecord(2, 2000));
    }

    @Test
    void shouldRebuildEveryKindOfStateFromItsRecords() {
        final MetadataImage image = everyKindOfState();

        final MetadataImage rebuilt = rebuild(image);

        assertThat(rebuilt.clusterId()).isEqualTo("cluster");
        assertThat(rebuilt.brokers()).isEqualTo(image.brokers());
        assertThat(rebuilt.brokerConfigs()).isEqualTo(image.brokerConfigs());
        assertThat(rebuilt.topicsByName()).isEqualTo(image.topicsByName());
        assertThat(rebuilt.topicsById()).isEqualTo(image.topicsById());
        assertThat(rebuilt.nextProducerId()).isEqualTo(2000);
        assertThat(MetadataImage.fromSnapshot(image.toRecords(), image.lastOffset()))
                .isEqualTo(image);
    }

    @Test
    void shouldWriteFewerRecordsThanTheLogHadInADeterministicOrder() {
        final MetadataImage image = everyKindOfState();

        assertThat(image.toRecords()).hasSizeLessThan((int) image.lastOffset() + 1);
        assertThat(image.toRecords()).isEqualTo(rebuild(image).toRecords());
        assertThat(image.toRecords().get(2))
                .isEqualTo(new RegisterBrokerRecord(
                        1, image.brokers().get(1).epoch(), Uuid.ZERO_UUID, "b1", 9092, "PLAINTEXT", null, false));
    }

    @Test
    void shouldWriteNothingForTheEmptyImage() {
        assertThat(MetadataImage.EMPTY.toRecords()).isEmpty();
        assertThat(MetadataImage.fromSnapshot(List.of(), -1)).isEqualTo(MetadataImage.EMPTY);
    }

    @Test
    void shouldStandForTheSnapshotsOffsetWhenLoaded() {
        final MetadataImage loaded =
                MetadataImage.fromSnapshot(everyKindOfState().toRecords(), 99);

        assertThat(loaded.lastOffset()).isEqualTo(99);
        assertThat(loaded.apply(new ProducerIdsRecord(1, 3000)).lastOffset()).isEqualTo(100);
    }

    // ------------------------------------------------------------ any history

    /** A change a controller could make; {@link #toRecord} picks what it touches from the image it meets. */
    record Change(int kind, int a, int b, int c) {
        /** A record that fits {@code image}, or null when this change does not apply to it. */
        MetadataRecord toRecord(final MetadataImage image) {
            final List<TopicImage> topics = new ArrayList<>(image.topicsByName().values());
            final TopicImage topic = topics.isEmpty() ? null : topics.get(a % topics.size());
            return switch (kind) {
                case 0 -> image.clusterId() == null ? new ClusterIdRecord("cluster-" + a) : null;
                case 1 ->
                    new RegisterBrokerRecord(a % 4, "host" + b, 9000 + c, "PLAINTEXT", b % 2 == 0 ? null : "r" + c);
                case 2 -> {
                    final String name = "topic-" + (a % 6);
                    yield image.topic(name) == null ? new TopicRecord(name, Uuid.randomUuid()) : null;
                }
                case 3 ->
                    topic == null
                            ? null
                            : new PartitionRecord(
                                    topic.id(), b % 3, List.of(1, 2), List.of(1 + c % 2), 1 + c % 2, a, b);
                case 4 ->
                    topic == null
                            ? null
                            : new ConfigRecord(
                                    ConfigResourceType.TOPIC,
                                    topic.name(),
                                    "config-" + b % 3,
                                    c % 3 == 0 ? null : "v" + c);
                case 5 ->
                    new ConfigRecord(
                            ConfigResourceType.BROKER,
                            a % 3 == 0 ? "" : Integer.toString(a % 3),
                            "config-" + b % 3,
                            c % 3 == 0 ? null : "v" + c);
                case 6 -> topic == null ? null : new RemoveTopicRecord(topic.id());
                default -> new ProducerIdsRecord(a % 4, image.nextProducerId() + 1 + c);
            };
        }
    }

    @Provide
    Arbitrary<Change> changes() {
        final Arbitrary<Integer> small = Arbitraries.integers().between(0, 1000);
        return net.jqwik.api.Combinators.combine(Arbitraries.integers().between(0, 7), small, small, small)
                .as(Change::new);
    }

    @Property(tries = 200)
    void shouldRebuildAnyImageFromItsRecords(@ForAll @Size(max = 60) final List<@From("changes") Change> changes) {
        MetadataImage image = MetadataImage.EMPTY;
        for (final Change change : changes) {
            final MetadataRecord record = change.toRecord(image);
            if (record != null) {
                image = image.apply(record);
            }
        }

        assertThat(MetadataImage.fromSnapshot(image.toRecords(), image.lastOffset()))
                .isEqualTo(image);
        assertThat(rebuild(image).topicsById()).isEqualTo(image.topicsById());
        assertThat(Map.copyOf(rebuild(image).brokerConfigs())).isEqualTo(image.brokerConfigs());
    }
}
