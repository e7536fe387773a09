package io.runnel.it.groups;

import static org.assertj.core.api.Assertions.assertThat;

import io.runnel.it.TestBrokerExtension;
import io.runnel.testsupport.Await;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A kafka-clients 4.4.0 consumer commits and reads back offsets; against a broker that serves OffsetCommit and
 * OffsetFetch v10 it names topics by id in both. Its Admin lists the group's offsets the same way, and the next
 * member of the group starts where the last commit left off.
 */
@Timeout(60)
class CommittedOffsetsTest {
    @RegisterExtension
    static final TestBrokerExtension BROKER =
            new TestBrokerExtension("group.initial.rebalance.delay.ms", "0", "offsets.topic.num.partitions", "3");

    @ParameterizedTest(name = "group.protocol={0}")
    @ValueSource(strings = {"classic", "consumer"})
    void shouldCommitAndFetchOffsetsAndResumeFromThem(final String protocol) throws Exception {
        final String topic = "committed-" + protocol;
        final String group = "committing-" + protocol;
        final TopicPartition p0 = new TopicPartition(topic, 0);
        final TopicPartition p1 = new TopicPartition(topic, 1);
        try (Admin admin = BROKER.broker().admin();
                KafkaProducer<byte[], byte[]> producer = BROKER.broker().producer()) {
            admin.createTopics(List.of(new NewTopic(topic, 2, (short) 1))).all().get();
            for (int i = 0; i < 10; i++) {
                producer.send(new ProducerRecord<>(topic, i % 2, null, new byte[] {(byte) i}))
                        .get();
            }
            try (KafkaConsumer<byte[], byte[]> consumer = member(group, protocol)) {
                consumer.subscribe(List.of(topic));
                Await.until(
                        Duration.ofSeconds(30),
                        () -> {
                            consumer.poll(Duration.ofMillis(50));
                            return consumer.assignment().size() == 2;
                        },
                        "the member owns both partitions");
                consumer.commitSync(Map.of(p0, new OffsetAndMetadata(3, "three"), p1, new OffsetAndMetadata(4)));
                final Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(Set.of(p0, p1));
                assertThat(committed.get(p0).offset()).isEqualTo(3);
                assertThat(committed.get(p0).metadata()).isEqualTo("three");
                assertThat(committed.get(p1).offset()).isEqualTo(4);
            }
            final Map<TopicPartition, OffsetAndMetadata> listed = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata()
                    .get();
            assertThat(listed).containsOnlyKeys(p0, p1);
            assertThat(listed.get(p1).offset()).isEqualTo(4);

            try (KafkaConsumer<byte[], byte[]> next = member(group, protocol)) {
                next.subscribe(List.of(topic));
                final int[] seen = new int[2];
                Await.until(
                        Duration.ofSeconds(30),
                        () -> {
                            final ConsumerRecords<byte[], byte[]> records = next.poll(Duration.ofMillis(50));
                            records.forEach(r -> {
                                if (seen[r.partition()] == 0) {
                                    seen[r.partition()] = (int) r.offset() + 1;
                                }
                            });
                            return seen[0] > 0 && seen[1] > 0;
                        },
                        "the next member reads both partitions");
                assertThat(seen[0] - 1).as("first offset read from partition 0").isEqualTo(3);
                assertThat(seen[1] - 1).as("first offset read from partition 1").isEqualTo(4);
            }
        }
    }

    private static KafkaConsumer<byte[], byte[]> member(final String group, final String protocol) {
        return BROKER.broker()
                .consumer(
                        ConsumerConfig.GROUP_ID_CONFIG,
                        group,
                        ConsumerConfig.GROUP_PROTOCOL_CONFIG,
                        protocol,
                        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                        "earliest");
    }
}
