package io.runnel.it.groups;

import static io.runnel.it.groups.GroupContract.awaitTrue;
import static org.assertj.core.api.Assertions.assertThat;

import io.runnel.it.TestBrokerExtension;
import io.runnel.it.process.Kcat;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.GroupType;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * librdkafka (kcat -G, the classic protocol) and kafka-clients in one group: they split the partitions and the
 * records, whether the Java member speaks the classic protocol or KIP-848's consumer protocol (a mixed group,
 * where the server-side assignor decides for kcat too).
 */
@Timeout(120)
class KcatGroupTest {
    @RegisterExtension
    static final TestBrokerExtension BROKER =
            new TestBrokerExtension("group.initial.rebalance.delay.ms", "0", "offsets.topic.num.partitions", "3");

    @TempDir
    Path work;

    @ParameterizedTest(name = "Java member with group.protocol={0}")
    @ValueSource(strings = {"classic", "consumer"})
    void shouldShareAGroupBetweenKcatAndAJavaMember(final String javaProtocol) throws Exception {
        final String topic = "mixed-" + javaProtocol;
        final String group = topic + "-group";
        try (Admin admin = BROKER.broker().admin()) {
            admin.createTopics(List.of(new NewTopic(topic, 4, (short) 1))).all().get();
        }
        final Path kcatOut = work.resolve("kcat.out");
        final List<Object> javaConfig = new ArrayList<>(List.of(
                ConsumerConfig.GROUP_ID_CONFIG,
                group,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest",
                ConsumerConfig.GROUP_PROTOCOL_CONFIG,
                javaProtocol));
        if (javaProtocol.equals("classic")) {
            javaConfig.addAll(List.of(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 500));
        }
        try (GroupMember java = new GroupMember("java", BROKER.broker().consumer(javaConfig.toArray()), topic)) {
            awaitTrue(() -> java.assignment.size() == 4, "the Java member owns the topic alone");
            final Process kcat = Kcat.find(BROKER.broker().bootstrap(), work)
                    .start(kcatOut, "-G", group, "-X", "auto.offset.reset=earliest", "-u", "-q", "-f", "%s\\n", topic);
            try {
                awaitTrue(() -> java.assignment.size() == 2, "kcat joins and takes half the partitions");
                try (Admin admin = BROKER.broker().admin()) {
                    final ConsumerGroupDescription described = admin.describeConsumerGroups(List.of(group))
                            .all()
                            .get()
                            .get(group);
                    assertThat(described.type())
                            .isEqualTo(javaProtocol.equals("classic") ? GroupType.CLASSIC : GroupType.CONSUMER);
                    assertThat(described.members()).hasSize(2);
                }
                try (KafkaProducer<byte[], byte[]> producer = BROKER.broker().producer()) {
                    for (int i = 0; i < 400; i++) {
                        producer.send(new ProducerRecord<>(
                                topic, i % 4, null, Integer.toString(i).getBytes(StandardCharsets.UTF_8)));
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
            return Files.exists(file)
                    ? Files.readAllLines(file).stream()
                            .filter(l -> !l.isBlank())
                            .toList()
                    : List.of();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
