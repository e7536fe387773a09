package io.runnel.it.groups;

import static io.runnel.it.groups.GroupContract.awaitTrue;
import static org.assertj.core.api.Assertions.assertThat;

import io.runnel.it.TestBrokerExtension;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Cooperative-sticky assignment revokes only what moves (static membership and the consumer protocol's incremental
 * rebalances are in {@link GroupContract}).
 */
@Timeout(120)
class RebalanceProtocolTest {
    @RegisterExtension
    static final TestBrokerExtension BROKER =
            new TestBrokerExtension("group.initial.rebalance.delay.ms", "0", "offsets.topic.num.partitions", "3");

    @Test
    void shouldRevokeOnlyThePartitionsThatMoveWhenCooperativeStickyMembersRebalance() throws Exception {
        final String topic = topic("cooperative", 6);
        final List<GroupMember> members = new ArrayList<>();
        try {
            members.add(member(
                    "c0",
                    "cooperative",
                    topic,
                    ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG,
                    CooperativeStickyAssignor.class.getName()));
            members.add(member(
                    "c1",
                    "cooperative",
                    topic,
                    ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG,
                    CooperativeStickyAssignor.class.getName()));
            awaitTrue(() -> members.stream().allMatch(m -> m.assignment.size() == 3), "3 partitions each");
            final List<Set<TopicPartition>> before =
                    members.stream().map(m -> Set.copyOf(m.assignment)).toList();
            // c0 may have owned all six before c1 arrived; only what the third member's arrival revokes counts
            final List<Integer> revokedBefore =
                    members.stream().map(m -> m.revoked.size()).toList();

            members.add(member(
                    "c2",
                    "cooperative",
                    topic,
                    ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG,
                    CooperativeStickyAssignor.class.getName()));
            awaitTrue(() -> members.stream().allMatch(m -> m.assignment.size() == 2), "2 partitions each");

            for (int i = 0; i < 2; i++) {
                final GroupMember m = members.get(i);
                final Set<TopicPartition> kept = new HashSet<>(before.get(i));
                kept.retainAll(m.assignment);
                assertThat(kept).as("%s keeps two of its partitions", m.name).hasSize(2);
                // the partitions a member keeps are never revoked: it goes on consuming them through the rebalance
                final List<TopicPartition> revokedNow = m.revoked.subList(revokedBefore.get(i), m.revoked.size());
                assertThat(revokedNow)
                        .as("%s revoked", m.name)
                        .doesNotContainAnyElementsOf(kept)
                        .hasSize(1);
            }
            produce(topic, 600);
            awaitTrue(() -> members.stream().mapToInt(m -> m.consumed.size()).sum() >= 600, "all consumed");
        } finally {
            for (final GroupMember m : members) {
                m.close();
            }
        }
    }

    private static String topic(final String name, final int partitions) throws Exception {
        try (Admin admin = BROKER.broker().admin()) {
            admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1)))
                    .all()
                    .get();
        }
        return name;
    }

    private static void produce(final String topic, final int count) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = BROKER.broker().producer()) {
            for (int i = 0; i < count; i++) {
                producer.send(new ProducerRecord<>(topic, Integer.toString(i).getBytes(StandardCharsets.UTF_8)));
            }
        }
    }

    private static GroupMember member(
            final String name, final String group, final String topic, final Object... extra) {
        final List<Object> config = new ArrayList<>(List.of(
                ConsumerConfig.GROUP_ID_CONFIG,
                group,
                ConsumerConfig.CLIENT_ID_CONFIG,
                name,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest",
                ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG,
                10_000,
                ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG,
                500));
        config.addAll(List.of(extra));
        final KafkaConsumer<byte[], byte[]> consumer = BROKER.broker().consumer(config.toArray());
        return new GroupMember(name, consumer, topic);
    }
}
