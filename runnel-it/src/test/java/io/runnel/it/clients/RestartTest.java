package io.runnel.it.clients;

import static org.assertj.core.api.Assertions.assertThat;

import io.runnel.it.TestBroker;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A clean restart brings back every topic, id, config, partition and record, and offsets carry on. */
@Timeout(60)
class RestartTest {
    @TempDir
    Path dir;

    @Test
    void shouldKeepTopicsConfigsAndRecordsWhenRestarted() throws Exception {
        try (TestBroker broker = TestBroker.start(dir)) {
            final String clusterId = broker.broker().clusterId();
            final TopicDescription before;
            try (Admin admin = broker.admin()) {
                admin.createTopics(List.of(
                                new NewTopic("kept", 3, (short) 1)
                                        .configs(Map.of("segment.bytes", "1048576", "max.message.bytes", "500000")),
                                new NewTopic("deleted", 1, (short) 1)))
                        .all()
                        .get();
                admin.deleteTopics(List.of("deleted")).all().get();
                before = admin.describeTopics(List.of("kept"))
                        .allTopicNames()
                        .get()
                        .get("kept");
            }
            produce(broker, 0, 3000);

            broker.restart();

            assertThat(broker.broker().clusterId()).isEqualTo(clusterId);
            try (Admin admin = broker.admin()) {
                assertThat(admin.listTopics().names().get()).containsExactly("kept");
                final TopicDescription after = admin.describeTopics(List.of("kept"))
                        .allTopicNames()
                        .get()
                        .get("kept");
                assertThat(after.topicId()).isEqualTo(before.topicId());
                assertThat(after.partitions()).hasSize(3);
                final ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, "kept");
                final Config config =
                        admin.describeConfigs(List.of(resource)).all().get().get(resource);
                assertThat(config.get("segment.bytes").value()).isEqualTo("1048576");
                assertThat(config.get("segment.bytes").source())
                        .isEqualTo(ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG);
                assertThat(config.get("max.message.bytes").value()).isEqualTo("500000");
                assertThat(config.get("retention.ms").source()).isEqualTo(ConfigEntry.ConfigSource.DEFAULT_CONFIG);
            }
            produce(broker, 3000, 6000);
            final List<ConsumerRecord<byte[], byte[]>> records = consume(broker, 6000);
            for (int p = 0; p < 3; p++) {
                final int partition = p;
                final List<Long> offsets = records.stream()
                        .filter(r -> r.partition() == partition)
                        .map(ConsumerRecord::offset)
                        .toList();
                assertThat(offsets).hasSize(2000);
                for (int n = 0; n < offsets.size(); n++) {
                    assertThat(offsets.get(n)).isEqualTo(n);
                }
            }
            assertThat(records.stream()
                            .map(r -> new String(r.value(), StandardCharsets.UTF_8))
                            .distinct()
                            .count())
                    .isEqualTo(6000);
        }
    }

    private static void produce(final TestBroker broker, final int from, final int to) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = broker.producer()) {
            for (int i = from; i < to; i++) {
                producer.send(new ProducerRecord<>("kept", i % 3, null, ("v" + i).getBytes(StandardCharsets.UTF_8)));
            }
            producer.flush();
        }
    }

    private static List<ConsumerRecord<byte[], byte[]>> consume(final TestBroker broker, final int count) {
        final List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = broker.consumer()) {
            final List<TopicPartition> tps = List.of(
                    new TopicPartition("kept", 0), new TopicPartition("kept", 1), new TopicPartition("kept", 2));
            consumer.assign(tps);
            consumer.seekToBeginning(tps);
            while (out.size() < count) {
                consumer.poll(Duration.ofMillis(500)).forEach(out::add);
            }
        }
        return out;
    }
}
