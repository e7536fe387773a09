package io.runnel.it.groups;

import static io.runnel.it.groups.GroupContract.awaitTrue;
import static org.assertj.core.api.Assertions.assertThat;

import io.runnel.it.TestBrokerExtension;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.GroupType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Kafka's online migration with kafka-clients consumers: a classic group becomes a consumer group when a
 * {@code group.protocol=consumer} member joins it and a classic group again when that member leaves, and the
 * group reads every record once throughout.
 */
@Timeout(120)
class OnlineMigrationTest {
    @RegisterExtension
    static final TestBrokerExtension BROKER =
            new TestBrokerExtension("group.initial.rebalance.delay.ms", "0", "offsets.topic.num.partitions", "3");

    private static final String TOPIC = "migrating";
    private static final String GROUP = "migrating-group";

    @Test
    void shouldUpgradeWhenAConsumerProtocolMemberJoinsAndDowngradeWhenItLeaves() throws Exception {
        try (Admin admin = BROKER.broker().admin()) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 4, (short) 1))).all().get();
        }
        try (GroupMember classic = member("classic", "classic")) {
            awaitTrue(() -> classic.assignment.size() == 4, "the classic member owns the topic");
            produce(0, 100);
            awaitTrue(() -> classic.consumed.size() == 100, "it reads the first records");
            assertThat(type()).isEqualTo(GroupType.CLASSIC);

            final GroupMember modern = member("modern", "consumer");
            awaitTrue(() -> classic.assignment.size() == 2 && modern.assignment.size() == 2, "they share");
            assertThat(type()).isEqualTo(GroupType.CONSUMER);
            produce(100, 200);
            awaitTrue(() -> classic.consumed.size() + modern.consumed.size() == 200, "both read");
            assertThat(modern.consumed).isNotEmpty();

            final List<String> readByModern = new ArrayList<>(modern.consumed);
            modern.close();
            awaitTrue(() -> type() == GroupType.CLASSIC, "the group is classic again");
            awaitTrue(() -> classic.assignment.size() == 4, "the classic member takes everything back");
            produce(200, 300);
            awaitTrue(() -> classic.consumed.size() + readByModern.size() >= 300, "everything is read");

            final List<String> all = new ArrayList<>(classic.consumed);
            all.addAll(readByModern);
            assertThat(all).hasSize(300).doesNotHaveDuplicates();
            assertThat(classic.failure()).isNull();
        }
    }

    private static GroupMember member(final String name, final String protocol) {
        final List<Object> config = new ArrayList<>(List.of(
                ConsumerConfig.GROUP_ID_CONFIG,
                GROUP,
                ConsumerConfig.CLIENT_ID_CONFIG,
                name,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest",
                ConsumerConfig.GROUP_PROTOCOL_CONFIG,
                protocol));
        if (protocol.equals("classic")) {
            config.addAll(List.of(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 500));
        }
        return new GroupMember(name, BROKER.broker().consumer(config.toArray()), TOPIC);
    }

    private static GroupType type() {
        try (Admin admin = BROKER.broker().admin()) {
            return admin.describeConsumerGroups(List.of(GROUP))
                    .all()
                    .get()
                    .get(GROUP)
                    .type();
        } catch (final Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void produce(final int from, final int to) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = BROKER.broker().producer()) {
            for (int i = from; i < to; i++) {
                producer.send(new ProducerRecord<>(
                        TOPIC, i % 4, null, Integer.toString(i).getBytes(StandardCharsets.UTF_8)));
            }
        }
    }
}
