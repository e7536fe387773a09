package io.runnel.metadata.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.runnel.metadata.record.ClusterIdRecord;
import io.runnel.metadata.record.ConfigRecord;
import io.runnel.metadata.record.ConfigResourceType;
import io.runnel.metadata.record.PartitionRecord;
import io.runnel.metadata.record.ProducerIdsRecord;
import io.runnel.metadata.record.RegisterBrokerRecord;
import io.runnel.metadata.record.RemoveTopicRecord;
import io.runnel.metadata.record.TopicRecord;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.Test;

class MetadataImageTest {
    private static final Uuid ID = Uuid.randomUuid();

    private static MetadataImage withTopic() {
        return MetadataImage.EMPTY
                .apply(new ClusterIdRecord("cluster"))
                .apply(new RegisterBrokerRecord(1, "localhost", 9092, "PLAINTEXT", null))
                .apply(new TopicRecord("orders", ID))
                .apply(new PartitionRecord(ID, 0, List.of(1), List.of(1), 1, 0, 0));
    }

    @Test
    void shouldBeEmptyWithOffsetMinusOneWhenNothingApplied() {
        assertThat(MetadataImage.EMPTY.clusterId()).isNull();
        assertThat(MetadataImage.EMPTY.lastOffset()).isEqualTo(-1);
        assertThat(MetadataImage.EMPTY.topicsByName()).isEmpty();
        assertThat(MetadataImage.EMPTY.nextProducerId()).isZero();
    }

    @Test
    void shouldHoldTopicByNameAndIdWhenCreated() {
        final MetadataImage image = withTopic();

        assertThat(image.clusterId()).isEqualTo("cluster");
        assertThat(image.lastOffset()).isEqualTo(3);
        assertThat(image.brokers()).containsOnlyKeys(1);
        assertThat(image.topic("orders")).isSameAs(image.topic(ID));
        assertThat(image.topic("orders").partitions())
                .containsExactly(Map.entry(0, new PartitionImage(List.of(1), List.of(1), 1, 0, 0)));
    }

    @Test
    void shouldLeavePreviousImageUnchangedWhenApplying() {
        final MetadataImage before = withTopic();
        final MetadataImage after = before.apply(new PartitionRecord(ID, 1, List.of(1), List.of(1), 1, 0, 0));

        assertThat(before.topic("orders").numPartitions()).isEqualTo(1);
        assertThat(after.topic("orders").numPartitions()).isEqualTo(2);
        assertThat(after.topic(ID).numPartitions()).isEqualTo(2);
        assertThat(after.lastOffset()).isEqualTo(before.lastOffset() + 1);
    }

    @Test
    void shouldSetAndDeleteTopicConfigWhenConfigRecordsApplied() {
        final MetadataImage set = withTopic()
                .apply(new ConfigRecord(ConfigResourceType.TOPIC, "orders", "retention.ms", "1000"))
                .apply(new ConfigRecord(ConfigResourceType.TOPIC, "orders", "cleanup.policy", "compact"));
        assertThat(set.topic("orders").configs())
                .containsOnly(Map.entry("retention.ms", "1000"), Map.entry("cleanup.policy", "compact"));
        assertThat(set.topic(ID).configs()).isEqualTo(set.topic("orders").configs());

        final MetadataImage deleted =
                set.apply(new ConfigRecord(ConfigResourceType.TOPIC, "orders", "retention.ms", null));
        assertThat(deleted.topic("orders").configs()).containsOnly(Map.entry("cleanup.policy", "compact"));
    }

    @Test
    void shouldHoldBrokerConfigsWhenBrokerConfigRecordsApplied() {
        final MetadataImage image = MetadataImage.EMPTY
                .apply(new ConfigRecord(ConfigResourceType.BROKER, "", "log.retention.hours", "1"))
                .apply(new ConfigRecord(ConfigResourceType.BROKER, "1", "log.segment.bytes", "1048576"));
        assertThat(image.brokerConfigs()).containsOnlyKeys("", "1");

        final MetadataImage removed =
                image.apply(new ConfigRecord(ConfigResourceType.BROKER, "1", "log.segment.bytes", null));
        assertThat(removed.brokerConfigs()).containsOnlyKeys("");
    }

    @Test
    void shouldForgetTopicAndItsConfigsWhenRemoved() {
        final MetadataImage image = withTopic()
                .apply(new ConfigRecord(ConfigResourceType.TOPIC, "orders", "retention.ms", "1000"))
                .apply(new RemoveTopicRecord(ID));

        assertThat(image.topic("orders")).isNull();
        assertThat(image.topic(ID)).isNull();
        assertThat(image.topicsById()).isEmpty();

        final Uuid newId = Uuid.randomUuid();
        final MetadataImage recreated = image.apply(new TopicRecord("orders", newId));
        assertThat(recreated.topic("orders").configs()).isEmpty();
    }

    @Test
    void shouldAdvanceNextProducerIdWhenBlockReserved() {
        assertThat(MetadataImage.EMPTY.apply(new ProducerIdsRecord(1, 1000)).nextProducerId())
                .isEqualTo(1000);
    }

    @Test
    void shouldRejectRecordsThatDoNotFitTheImage() {
        final MetadataImage image = withTopic().apply(new ProducerIdsRecord(1, 1000));

        assertThatThrownBy(() -> image.apply(new TopicRecord("orders", Uuid.randomUuid())))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> image.apply(new TopicRecord("other", ID))).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(
                        () -> image.apply(new PartitionRecord(Uuid.randomUuid(), 0, List.of(1), List.of(1), 1, 0, 0)))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> image.apply(new ConfigRecord(ConfigResourceType.TOPIC, "nope", "retention.ms", "1")))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> image.apply(new RemoveTopicRecord(Uuid.randomUuid())))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> image.apply(new ProducerIdsRecord(1, 1000))).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> image.apply(new ClusterIdRecord("other"))).isInstanceOf(IllegalStateException.class);
    }
}
