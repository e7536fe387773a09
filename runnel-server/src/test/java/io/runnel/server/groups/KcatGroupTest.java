package io.runnel.server.groups;

import static io.runnel.server.groups.GroupContract.awaitTrue;
import static org.assertj.core.api.Assertions.assertThat;

import io.runnel.server.TestBrokerExtension;
import io.runnel.server.process.Kcat;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** librdkafka (kcat -G) and kafka-clients in one classic group: they split the partitions and the records. */
@Timeout(120)
class KcatGroupTest {
    @RegisterExtension
    static final TestBrokerExtension BROKER = new TestBrokerExtension("group.initial.rebalance.delay.ms", "0",
            "offsets.topic.num.partitions", "3");

    @TempDir
    Path work;

    @Test
    void shouldShareAGroupBetweenKcatAndAJavaMember() throws Exception {
        final String topic = "mixed";
        try (Admin admin = BROKER.broker().admin()) {
            admin.createTopics(List.of(new NewTopic(topic, 4, (short) 1))).all().get();
        }
        final Path kcatOut = work.resolve("kcat.out");
        try (GroupMember java = new GroupMember("java", BROKER.broker().consumer(
                ConsumerConfig.GROUP_ID_CONFIG, "mixed-group",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 500), topic)) {
            awaitTrue(() -> java.assignment.size() == 4, "the Java member owns the topic alone");
            final Process kcat = Kcat.find(BROKER.broker().bootstrap(), work).start(kcatOut,
                    "-G", "mixed-group", "-X", "auto.offset.reset=earliest", "-u", "-q", "-f", "%s\\n", topic);
            try {
                awaitTrue(() -> java.assignment.size() == 2, "kcat joins and takes half the partitions");
                try (KafkaProducer<byte[], byte[]> producer = BROKER.broker().producer()) {
                    for (int i = 0; i < 400; i++) {
                        producer.send(new ProducerRecord<>(topic, i % 4, null,
                                Integer.toString(i).getBytes(StandardCharsets.UTF_8)));
                    }
                }
                awaitTrue(() -> java.consumed.size() + lines(kcatOut).size() >= 400, "every record is consumed");
            } finally {
                kcat.destroy();
                kcat.waitFor();
            }
            final List<String> byKcat = lines(kcatOut);
            assertThat(java.consumed).hasSize(200);
            assertThat(byKcat).hasSize(200);
            final List<String> all = new ArrayList<>(java.consumed);
            all.addAll(byKcat);
            assertThat(all).doesNotHaveDuplicates().hasSize(400);
        }
    }

    private static List<String> lines(final Path file) {
        try {
            return Files.exists(file) ? Files.readAllLines(file).stream().filter(l -> !l.isBlank()).toList()
                    : List.of();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
