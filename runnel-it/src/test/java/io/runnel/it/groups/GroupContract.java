package io.runnel.it.groups;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.runnel.it.TestBroker;
import io.runnel.testsupport.Await;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.NoOffsetForPartitionException;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a consumer group does for kafka-clients consumers, whichever rebalance protocol they speak: sharing,
 * rebalancing, eviction, static members and committed offsets. One subclass per protocol.
 */
@Timeout(120)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class GroupContract {
    TestBroker broker;

    /** The broker settings the protocol's groups need for short timeouts, as key-value pairs. */
    abstract List<String> brokerSettings();

    /** The consumer settings of the protocol, as key-value pairs. */
    abstract List<Object> consumerSettings();

    /** The consumer settings under which a rebalance moves only the partitions that change owner. */
    abstract List<Object> incrementalSettings();

    /** Consumer settings that only the classic protocol accepts (the consumer protocol's are the broker's). */
    abstract boolean acceptsClientTimeouts();

    @BeforeAll
    void start(@TempDir final Path dir) throws Exception {
        final List<String> settings =
                new ArrayList<>(List.of("group.initial.rebalance.delay.ms", "0", "offsets.topic.num.partitions", "5"));
        settings.addAll(brokerSettings());
        broker = TestBroker.start(dir, settings.toArray(String[]::new));
    }

    @AfterAll
    void stop() {
        broker.close();
    }

    @Test
    void shouldConsumeEveryRecordOnceWhileMembersJoinAndLeave() throws Exception {
        final String topic = createTopic("shared", 12);
        final List<GroupMember> members = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                members.add(member("m" + i, "sharing", topic));
            }
            produce(topic, 0, 3000);
            awaitTrue(() -> total(members) >= 3000, "the first 3000 records are consumed");
            // three members share twelve partitions, none twice
            awaitTrue(
                    () -> members.stream().mapToInt(m -> m.assignment.size()).sum() == 12
                            && members.stream().allMatch(m -> m.assignment.size() == 4),
                    "4 partitions each");
            assertDisjoint(members);

            members.add(member("m3", "sharing", topic));
            awaitTrue(() -> members.stream().allMatch(m -> m.assignment.size() == 3), "a fourth member gets a share");
            assertDisjoint(members);
            produce(topic, 3000, 6000);
            awaitTrue(() -> total(members) >= 6000, "records produced after the join are consumed");

            final GroupMember leaving = members.remove(0);
            final int consumedByLeaver = leaving.consumed.size();
            leaving.close();
            awaitTrue(
                    () -> members.stream().mapToInt(m -> m.assignment.size()).sum() == 12, "the leaver's share moves");
            produce(topic, 6000, 9000);
            awaitTrue(() -> total(members) + consumedByLeaver >= 9000, "all 9000 records are consumed");

            final List<String> all = new ArrayList<>(leaving.consumed);
            members.forEach(m -> all.addAll(m.consumed));
            assertThat(all).hasSize(9000).doesNotHaveDuplicates();
            for (final GroupMember m : members) {
                assertThat(m.failure()).isNull();
            }
        } finally {
            for (final GroupMember m : members) {
                m.close();
            }
        }
    }

    @Test
    void shouldKeepConsumingThePartitionsAMemberKeepsWhileAnotherIsSlowToHandItsShareOver() throws Exception {
        final String topic = createTopic("incremental", 6);
        final List<GroupMember> members = new ArrayList<>();
        final AtomicBoolean producing = new AtomicBoolean(true);
        final AtomicInteger produced = new AtomicInteger();
        final Thread producer = new Thread(() -> produceUntilStopped(topic, 6, producing, produced), "producer");
        try {
            final GroupMember slow = incrementalMember("slow", "incremental", topic);
            final GroupMember steady = incrementalMember("steady", "incremental", topic);
            members.add(slow);
            members.add(steady);
            awaitTrue(() -> slow.assignment.size() == 3 && steady.assignment.size() == 3, "3 partitions each");
            final Set<TopicPartition> steadyBefore = Set.copyOf(steady.assignment);
            final int steadyRevokedBefore = steady.revoked.size();
            producer.start();

            // the slow member takes 3 s to let its partition go, so the rebalance lasts at least that long
            slow.revocationDelayMs = 3000;
            final long joinedAt = System.nanoTime();
            final GroupMember late = incrementalMember("late", "incremental", topic);
            members.add(late);
            awaitTrue(() -> late.assignment.size() == 2, "the late member gets its share");
            final long settledAt = System.nanoTime();
            slow.revocationDelayMs = 0;

            final Set<TopicPartition> kept = new HashSet<>(steadyBefore);
            kept.retainAll(steady.assignment);
            assertThat(kept).as("the steady member keeps two partitions").hasSize(2);
            assertThat(steady.revoked.subList(steadyRevokedBefore, steady.revoked.size()))
                    .as("partitions kept are never revoked")
                    .doesNotContainAnyElementsOf(kept);
            final long readDuringRebalance = steady.reads.stream()
                    .filter(r -> kept.contains(r.partition()) && r.atNanos() > joinedAt && r.atNanos() < settledAt)
                    .count();
            assertThat(readDuringRebalance)
                    .as("records of kept partitions read while the rebalance went on")
                    .isPositive();

            producing.set(false);
            producer.join();
            awaitTrue(() -> total(members) >= produced.get(), "everything produced is consumed");
            final List<String> all = new ArrayList<>();
            members.forEach(m -> all.addAll(m.consumed));
            assertThat(all).hasSize(produced.get()).doesNotHaveDuplicates();
            for (final GroupMember m : members) {
                assertThat(m.failure()).isNull();
            }
        } finally {
            producing.set(false);
            for (final GroupMember m : members) {
                m.close();
            }
        }
    }

    @Test
    void shouldReassignTheSharesOfAMemberThatStopsHeartbeatingAfterItsSessionTimeout() throws Exception {
        final String topic = createTopic("evicted", 4);
        try (GroupMember survivor = member("survivor", "evicting", topic)) {
            final GroupMember crashed = member("crashed", "evicting", topic);
            awaitTrue(() -> survivor.assignment.size() == 2 && crashed.assignment.size() == 2, "two members share");
            produce(topic, 0, 400);
            awaitTrue(() -> survivor.consumed.size() + crashed.consumed.size() >= 400, "first records consumed");
            final List<String> beforeCrash = new ArrayList<>(crashed.consumed);
            crashed.vanish();
            // session.timeout.ms is 6 s: after it the survivor owns everything and resumes from the commits
            awaitTrue(() -> survivor.assignment.size() == 4, "the survivor takes over");
            produce(topic, 400, 800);
            awaitTrue(() -> survivor.consumed.size() + beforeCrash.size() >= 800, "everything is consumed");
            final List<String> all = new ArrayList<>(survivor.consumed);
            all.addAll(beforeCrash);
            assertThat(all).hasSize(800).doesNotHaveDuplicates();
        }
    }

    @Test
    void shouldNotRebalanceWhenAStaticMemberRestartsWithinItsSessionTimeout() throws Exception {
        final String topic = createTopic("static-bounce", 4);
        try (GroupMember steady = new GroupMember(
                "steady",
                groupConsumer(
                        "static-bounce",
                        ConsumerConfig.CLIENT_ID_CONFIG,
                        "steady",
                        ConsumerConfig.GROUP_INSTANCE_ID_CONFIG,
                        "steady-instance",
                        ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG,
                        30_000),
                topic)) {
            final GroupMember bouncing = new GroupMember(
                    "bouncing",
                    groupConsumer(
                            "static-bounce",
                            ConsumerConfig.CLIENT_ID_CONFIG,
                            "bouncing",
                            ConsumerConfig.GROUP_INSTANCE_ID_CONFIG,
                            "bouncing-instance",
                            ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG,
                            30_000),
                    topic);
            awaitTrue(() -> steady.assignment.size() == 2 && bouncing.assignment.size() == 2, "2 partitions each");
            final Set<TopicPartition> before = Set.copyOf(bouncing.assignment);
            final int steadyAssignments = steady.assignedCalls.size();
            final int steadyRevocations = steady.revoked.size();

            // a static member does not leave the group when it closes; the same instance comes back at once
            bouncing.close();
            try (GroupMember back = new GroupMember(
                    "bouncing",
                    groupConsumer(
                            "static-bounce",
                            ConsumerConfig.CLIENT_ID_CONFIG,
                            "bouncing",
                            ConsumerConfig.GROUP_INSTANCE_ID_CONFIG,
                            "bouncing-instance",
                            ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG,
                            30_000),
                    topic)) {
                awaitTrue(() -> back.assignment.size() == 2, "the instance gets its partitions back");
                assertThat(back.assignment).isEqualTo(before);
                produce(topic, 0, 200);
                awaitTrue(() -> steady.consumed.size() + back.consumed.size() >= 200, "all consumed");
                assertThat(steady.assignedCalls)
                        .as("no rebalance reached the other member")
                        .hasSize(steadyAssignments);
                assertThat(steady.revoked).hasSize(steadyRevocations);
            }
        }
    }

    @Test
    void shouldResumeFromCommittedOffsetsAfterTheBrokerRestarts() throws Exception {
        final String topic = createTopic("restarted", 2);
        produce(topic, 0, 100);
        try (KafkaConsumer<byte[], byte[]> consumer = groupConsumer("survives-restart")) {
            consumer.subscribe(List.of(topic));
            int read = 0;
            while (read < 100) {
                read += consumer.poll(Duration.ofMillis(200)).count();
            }
            consumer.commitSync();
        }
        broker.restart();
        produce(topic, 100, 150);
        try (KafkaConsumer<byte[], byte[]> consumer = groupConsumer("survives-restart")) {
            consumer.subscribe(List.of(topic));
            final List<String> values = new ArrayList<>();
            final long deadline = System.currentTimeMillis() + 30_000;
            while (values.size() < 50 && System.currentTimeMillis() < deadline) {
                for (final ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    values.add(new String(r.value(), StandardCharsets.UTF_8));
                }
            }
            assertThat(values).hasSize(50).allMatch(v -> Integer.parseInt(v) >= 100);
            final Map<TopicPartition, OffsetAndMetadata> committed =
                    consumer.committed(Set.of(new TopicPartition(topic, 0), new TopicPartition(topic, 1)));
            assertThat(committed.values())
                    .allSatisfy(o -> assertThat(o.offset()).isPositive());
        }
    }

    @Test
    void shouldBringStaticMembersBackAfterABrokerRestart() throws Exception {
        final String topic = createTopic("static-restart", 4);
        try (GroupMember a = new GroupMember(
                        "a",
                        groupConsumer(
                                "static-restart",
                                ConsumerConfig.CLIENT_ID_CONFIG,
                                "a",
                                ConsumerConfig.GROUP_INSTANCE_ID_CONFIG,
                                "instance-a",
                                ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG,
                                30_000),
                        topic);
                GroupMember b = new GroupMember(
                        "b",
                        groupConsumer(
                                "static-restart",
                                ConsumerConfig.CLIENT_ID_CONFIG,
                                "b",
                                ConsumerConfig.GROUP_INSTANCE_ID_CONFIG,
                                "instance-b",
                                ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG,
                                30_000),
                        topic)) {
            awaitTrue(() -> a.assignment.size() == 2 && b.assignment.size() == 2, "2 partitions each");
            produce(topic, 0, 100);
            awaitTrue(() -> a.consumed.size() + b.consumed.size() >= 100, "first records consumed");
            broker.restart();

            // the group and its static members come back: both carry on from their commits, nothing twice
            try (Admin admin = broker.admin()) {
                assertThat(admin.describeConsumerGroups(List.of("static-restart"))
                                .all()
                                .get()
                                .get("static-restart")
                                .members())
                        .extracting(m -> m.groupInstanceId().orElse(null))
                        .containsExactlyInAnyOrder("instance-a", "instance-b");
            }
            produce(topic, 100, 200);
            awaitTrue(() -> a.consumed.size() + b.consumed.size() >= 200, "records after the restart consumed");
            final List<String> all = new ArrayList<>(a.consumed);
            all.addAll(b.consumed);
            assertThat(all).hasSize(200).doesNotHaveDuplicates();
        }
    }

    @Test
    void shouldStartWhereAutoOffsetResetSaysWhenTheGroupHasNoCommits() throws Exception {
        final String topic = createTopic("reset", 1);
        produce(topic, 0, 10);
        try (KafkaConsumer<byte[], byte[]> earliest =
                groupConsumer("reset-earliest", ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest")) {
            earliest.subscribe(List.of(topic));
            assertThat(pollUntil(earliest, 10)).first().isEqualTo("0");
        }
        try (KafkaConsumer<byte[], byte[]> latest =
                groupConsumer("reset-latest", ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest")) {
            latest.subscribe(List.of(topic));
            awaitAssignment(latest);
            produce(topic, 10, 11);
            assertThat(pollUntil(latest, 1)).containsExactly("10");
        }
        try (KafkaConsumer<byte[], byte[]> none =
                groupConsumer("reset-none", ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none")) {
            none.subscribe(List.of(topic));
            assertThatThrownBy(() -> {
                        for (int i = 0; i < 100; i++) {
                            none.poll(Duration.ofMillis(100));
                        }
                    })
                    .isInstanceOf(NoOffsetForPartitionException.class);
        }
    }

    private void awaitAssignment(final KafkaConsumer<byte[], byte[]> consumer) {
        final long deadline = System.currentTimeMillis() + 30_000;
        while (consumer.assignment().isEmpty() && System.currentTimeMillis() < deadline) {
            consumer.poll(Duration.ofMillis(100));
        }
        assertThat(consumer.assignment()).isNotEmpty();
        consumer.assignment().forEach(consumer::position);
    }

    private static List<String> pollUntil(final KafkaConsumer<byte[], byte[]> consumer, final int count) {
        final List<String> values = new ArrayList<>();
        final long deadline = System.currentTimeMillis() + 30_000;
        while (values.size() < count && System.currentTimeMillis() < deadline) {
            for (final ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                values.add(new String(r.value(), StandardCharsets.UTF_8));
            }
        }
        return values;
    }

    String createTopic(final String name, final int partitions) throws Exception {
        try (Admin admin = broker.admin()) {
            admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1)))
                    .all()
                    .get();
        }
        return name;
    }

    void produce(final String topic, final int from, final int to) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = broker.producer()) {
            for (int i = from; i < to; i++) {
                producer.send(new ProducerRecord<>(
                        topic,
                        Integer.toString(i).getBytes(StandardCharsets.UTF_8),
                        Integer.toString(i).getBytes(StandardCharsets.UTF_8)));
            }
            producer.flush();
        }
    }

    /** One record to each partition in turn every few milliseconds, values counting up from 0, until stopped. */
    private void produceUntilStopped(
            final String topic, final int partitions, final AtomicBoolean producing, final AtomicInteger produced) {
        try (KafkaProducer<byte[], byte[]> producer = broker.producer()) {
            while (producing.get()) {
                final int i = produced.get();
                producer.send(new ProducerRecord<>(
                                topic, i % partitions, null, Integer.toString(i).getBytes(StandardCharsets.UTF_8)))
                        .get();
                produced.incrementAndGet();
                Thread.sleep(5); // pacing, not waiting: a steady trickle while the group rebalances
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A group consumer of the protocol with short timeouts; later settings in {@code extra} win. */
    KafkaConsumer<byte[], byte[]> groupConsumer(final String group, final Object... extra) {
        final List<Object> config = new ArrayList<>(
                List.of(ConsumerConfig.GROUP_ID_CONFIG, group, ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"));
        config.addAll(consumerSettings());
        for (int i = 0; i + 1 < extra.length; i += 2) {
            final boolean clientTimeout = ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG.equals(extra[i])
                    || ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG.equals(extra[i]);
            if (acceptsClientTimeouts() || !clientTimeout) {
                config.add(extra[i]);
                config.add(extra[i + 1]);
            }
        }
        return broker.consumer(config.toArray());
    }

    GroupMember member(final String name, final String group, final String topic) {
        return new GroupMember(name, groupConsumer(group, ConsumerConfig.CLIENT_ID_CONFIG, name), topic);
    }

    private GroupMember incrementalMember(final String name, final String group, final String topic) {
        final List<Object> config = new ArrayList<>(List.of(ConsumerConfig.CLIENT_ID_CONFIG, name));
        config.addAll(incrementalSettings());
        return new GroupMember(name, groupConsumer(group, config.toArray()), topic);
    }

    static int total(final List<GroupMember> members) {
        return members.stream().mapToInt(m -> m.consumed.size()).sum();
    }

    static void assertDisjoint(final List<GroupMember> members) {
        final Set<TopicPartition> seen = new HashSet<>();
        for (final GroupMember m : members) {
            for (final TopicPartition tp : m.assignment) {
                assertThat(seen.add(tp)).as("%s is assigned twice", tp).isTrue();
            }
        }
    }

    /** Until {@code condition} holds, or fails after 45 s (a rebalance takes several heartbeats). */
    static void awaitTrue(final BooleanSupplier condition, final String what) {
        Await.until(Duration.ofSeconds(45), condition::getAsBoolean, what);
    }
}
