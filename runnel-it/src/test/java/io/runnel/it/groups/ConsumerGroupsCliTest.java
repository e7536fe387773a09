package io.runnel.it.groups;

import static org.assertj.core.api.Assertions.assertThat;

import io.runnel.it.KafkaTool;
import io.runnel.it.TestBrokerExtension;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Apache Kafka's own {@code kafka-consumer-groups} tool, run as a separate process against Runnel. */
@Timeout(120)
class ConsumerGroupsCliTest {
    @RegisterExtension
    static final TestBrokerExtension BROKER =
            new TestBrokerExtension("group.initial.rebalance.delay.ms", "0", "offsets.topic.num.partitions", "3");

    private static final String TOPIC = "cli-topic";
    private static final String GROUP = "cli-group";

    @Test
    void shouldListDescribeResetAndDeleteAGroup() throws Exception {
        try (Admin admin = BROKER.broker().admin()) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 2, (short) 1))).all().get();
        }
        try (KafkaProducer<byte[], byte[]> producer = BROKER.broker().producer()) {
            for (int i = 0; i < 100; i++) {
                producer.send(new ProducerRecord<>(TOPIC, i % 2, null, ("v" + i).getBytes(StandardCharsets.UTF_8)));
            }
        }
        try (KafkaConsumer<byte[], byte[]> consumer = BROKER.broker().consumer(ConsumerConfig.GROUP_ID_CONFIG, GROUP)) {
            consumer.commitSync(Map.of(
                    new TopicPartition(TOPIC, 0),
                    new OffsetAndMetadata(30),
                    new TopicPartition(TOPIC, 1),
                    new OffsetAndMetadata(20)));
        }

        assertThat(tool("--list")).contains(GROUP);

        // TOPIC PARTITION CURRENT-OFFSET LOG-END-OFFSET LAG, after the GROUP column
        final List<String> described = tool("--describe", "--group", GROUP);
        assertThat(row(described, 0)).containsSequence("30", "50", "20");
        assertThat(row(described, 1)).containsSequence("20", "50", "30");

        tool("--reset-offsets", "--group", GROUP, "--topic", TOPIC, "--to-earliest", "--execute");
        assertThat(committed()).containsEntry(0, 0L).containsEntry(1, 0L);

        tool("--reset-offsets", "--group", GROUP, "--topic", TOPIC, "--shift-by", "5", "--execute");
        assertThat(committed()).containsEntry(0, 5L).containsEntry(1, 5L);

        assertThat(String.join("\n", tool("--delete", "--group", GROUP))).contains("successful");
        assertThat(tool("--list")).doesNotContain(GROUP);
    }

    @Test
    void shouldDescribeAConsumerProtocolGroupWithItsMemberThenResetAndDeleteIt() throws Exception {
        final String topic = "cli-kip848-topic";
        final String group = "cli-kip848-group";
        try (Admin admin = BROKER.broker().admin()) {
            admin.createTopics(List.of(new NewTopic(topic, 2, (short) 1))).all().get();
        }
        try (KafkaProducer<byte[], byte[]> producer = BROKER.broker().producer()) {
            for (int i = 0; i < 40; i++) {
                producer.send(new ProducerRecord<>(topic, i % 2, null, ("v" + i).getBytes(StandardCharsets.UTF_8)));
            }
        }
        try (KafkaConsumer<byte[], byte[]> consumer = BROKER.broker()
                .consumer(
                        ConsumerConfig.GROUP_ID_CONFIG,
                        group,
                        ConsumerConfig.GROUP_PROTOCOL_CONFIG,
                        "consumer",
                        ConsumerConfig.CLIENT_ID_CONFIG,
                        "kip848-member",
                        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                        "earliest")) {
            consumer.subscribe(List.of(topic));
            int read = 0;
            final long deadline = System.currentTimeMillis() + 30_000;
            while (read < 40 && System.currentTimeMillis() < deadline) {
                read += consumer.poll(java.time.Duration.ofMillis(100)).count();
            }
            assertThat(read).isEqualTo(40);
            consumer.commitSync();

            assertThat(tool("--list", "--type"))
                    .anySatisfy(line -> assertThat(line).contains(group).contains("Consumer"));
            // the live member shows with its client id, owning both partitions, with no lag
            final List<String> described = tool("--describe", "--group", group);
            assertThat(rowOf(described, group, topic, 0))
                    .containsSequence("20", "20", "0")
                    .contains("kip848-member");
            assertThat(rowOf(described, group, topic, 1))
                    .containsSequence("20", "20", "0")
                    .contains("kip848-member");
            assertThat(String.join("\n", tool("--describe", "--group", group, "--state")))
                    .contains("Stable")
                    .contains("uniform");
        }
        // closed, the member has left: the group is Empty and its offsets can be reset and it deleted
        tool("--reset-offsets", "--group", group, "--topic", topic, "--to-earliest", "--execute");
        assertThat(committed(group)).containsEntry(0, 0L).containsEntry(1, 0L);
        assertThat(String.join("\n", tool("--delete", "--group", group))).contains("successful");
        assertThat(tool("--list")).doesNotContain(group);
    }

    private static Map<Integer, Long> committed() throws Exception {
        return committed(GROUP);
    }

    private static Map<Integer, Long> committed(final String group) throws Exception {
        try (Admin admin = BROKER.broker().admin()) {
            final Map<Integer, Long> out = new java.util.TreeMap<>();
            admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata()
                    .get()
                    .forEach((tp, o) -> out.put(tp.partition(), o.offset()));
            return out;
        }
    }

    /** The columns of the describe row for one partition of the topic. */
    private static List<String> row(final List<String> lines, final int partition) {
        return rowOf(lines, GROUP, TOPIC, partition);
    }

    private static List<String> rowOf(
            final List<String> lines, final String group, final String topic, final int partition) {
        for (final String line : lines) {
            final String[] columns = line.trim().split("\\s+");
            if (columns.length > 5
                    && columns[0].equals(group)
                    && columns[1].equals(topic)
                    && columns[2].equals(Integer.toString(partition))) {
                return List.of(columns);
            }
        }
        throw new AssertionError("no row for partition " + partition + " in:\n" + String.join("\n", lines));
    }

    /** Runs kafka-consumer-groups with the test classpath (which holds kafka-tools) and returns its output. */
    private static List<String> tool(final String... args) throws Exception {
        return KafkaTool.run(
                "consumer.group.ConsumerGroupCommand", BROKER.broker().bootstrap(), args);
    }
}
