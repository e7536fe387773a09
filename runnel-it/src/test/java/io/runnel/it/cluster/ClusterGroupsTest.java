package io.runnel.it.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.runnel.testsupport.Await;
import io.runnel.testsupport.Clients;
import io.runnel.testsupport.Frames;
import java.io.DataInputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.message.FindCoordinatorRequestData;
import org.apache.kafka.common.message.FindCoordinatorResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.FindCoordinatorRequest;
import org.apache.kafka.common.requests.ResponseHeader;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Consumer groups on three combined nodes. As in Kafka, a group's coordinator is the leader of its partition of
 * {@code __consumer_offsets}, so the coordinators spread over the brokers, and clients of both rebalance protocols
 * find theirs through one bootstrap broker. When the broker that coordinates a group stops, its offsets partition has
 * no leader (replication factor 1) and the group no coordinator: FindCoordinator answers COORDINATOR_NOT_AVAILABLE
 * until the broker returns with the partition, and then the group's committed offsets are all there.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ClusterGroupsTest {
    private static final String TOPIC = "events";
    private static final int PARTITIONS = 6;
    private static final int PER_PARTITION = 10;
    private static final int OFFSETS_PARTITIONS = 6;
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    @Test
    void shouldCoordinateEachGroupOnItsOffsetsPartitionLeaderAndKeepItsOffsetsWhenThatBrokerStopsAndReturns()
            throws Exception {
        try (TestCluster cluster = TestCluster.combined(
                        "groups",
                        dir,
                        3,
                        "offsets.topic.num.partitions",
                        Integer.toString(OFFSETS_PARTITIONS),
                        "offsets.topic.replication.factor",
                        "1",
                        "group.initial.rebalance.delay.ms",
                        "0")
                .start()) {
            final TestCluster.ClusterNode bootstrapNode = cluster.node(1);
            final String bootstrap = bootstrapNode.bootstrap();
            try (Admin admin = Clients.admin(bootstrap)) {
                admin.createTopics(List.of(new NewTopic(TOPIC, PARTITIONS, (short) 1)))
                        .all()
                        .get(30, TimeUnit.SECONDS);
                produce(bootstrap, "before");

                // the first lookup creates __consumer_offsets; its leaders then say who coordinates which group
                Await.until(
                        WAIT,
                        () -> findCoordinator(bootstrapNode, "probe").errorCode() == Errors.NONE.code(),
                        "a coordinator for the probe group");
                final Map<Integer, Integer> leaders = offsetsLeaders(admin);
                assertThat(new TreeSet<>(leaders.values()))
                        .as("every broker leads partitions of __consumer_offsets")
                        .containsExactly(1, 2, 3);
                final int stopped = 2;
                final int steady = 3;
                final String classic = groupLedBy(leaders, stopped, "classic-");
                final String modern = groupLedBy(leaders, steady, "modern-");

                // both protocols form their groups through the one bootstrap broker, on coordinators elsewhere
                assertThat(consumeAllAndCommit(bootstrap, classic, "classic", PARTITIONS * PER_PARTITION))
                        .allMatch(value -> value.startsWith("before-"));
                assertThat(consumeAllAndCommit(bootstrap, modern, "consumer", PARTITIONS * PER_PARTITION))
                        .allMatch(value -> value.startsWith("before-"));
                assertThat(coordinatorId(admin, classic)).isEqualTo(stopped);
                assertThat(coordinatorId(admin, modern)).isEqualTo(steady);
                final Map<TopicPartition, OffsetAndMetadata> classicOffsets = committed(admin, classic);
                final Map<TopicPartition, OffsetAndMetadata> modernOffsets = committed(admin, modern);
                assertThat(classicOffsets)
                        .hasSize(PARTITIONS)
                        .allSatisfy((tp, offset) -> assertThat(offset.offset()).isEqualTo(PER_PARTITION));
                assertThat(modernOffsets).isEqualTo(classicOffsets);

                // the classic group's coordinator stops: its offsets partition has no leader, the group no coordinator
                cluster.node(stopped).terminate(Duration.ofSeconds(60));
                Await.until(
                        WAIT,
                        () -> findCoordinator(bootstrapNode, classic).errorCode()
                                == Errors.COORDINATOR_NOT_AVAILABLE.code(),
                        () -> "COORDINATOR_NOT_AVAILABLE for " + classic + "; logs:\n" + cluster.logs());
                final FindCoordinatorResponseData.Coordinator other = findCoordinator(bootstrapNode, modern);
                assertThat(other.nodeId())
                        .as("the other group keeps its coordinator")
                        .isEqualTo(steady);
                assertThat(committed(admin, modern)).isEqualTo(modernOffsets);
                assertThat(findCoordinator(bootstrapNode, classic).errorCode())
                        .as("still no coordinator while the broker is down")
                        .isEqualTo(Errors.COORDINATOR_NOT_AVAILABLE.code());

                // it returns with its partitions: the group finds it again, and every committed offset is there
                cluster.node(stopped).start();
                cluster.node(stopped).awaitUnfenced();
                Await.until(
                        WAIT,
                        () -> findCoordinator(bootstrapNode, classic).nodeId() == stopped,
                        () -> "coordinator " + stopped + " for " + classic + "; logs:\n" + cluster.logs());
                assertThat(committed(admin, classic)).isEqualTo(classicOffsets);
                produce(bootstrap, "after");
                assertThat(consumeAllAndCommit(bootstrap, classic, "classic", PARTITIONS * PER_PARTITION))
                        .as("the group resumes from its committed offsets")
                        .allMatch(value -> value.startsWith("after-"));
            }
        }
    }

    private static void produce(final String bootstrap, final String prefix) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(bootstrap)) {
            for (int p = 0; p < PARTITIONS; p++) {
                for (int i = 0; i < PER_PARTITION; i++) {
                    producer.send(new ProducerRecord<>(
                            TOPIC, p, null, (prefix + "-" + p + "-" + i).getBytes(StandardCharsets.UTF_8)));
                }
            }
            producer.flush();
        }
    }

    /**
     * A member of {@code group} speaking {@code protocol} reads {@code count} records of the topic and commits what
     * it read; returns the values read.
     */
    private static List<String> consumeAllAndCommit(
            final String bootstrap, final String group, final String protocol, final int count) {
        try (KafkaConsumer<byte[], byte[]> consumer = Clients.consumer(
                bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG,
                group,
                ConsumerConfig.GROUP_PROTOCOL_CONFIG,
                protocol,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest")) {
            consumer.subscribe(List.of(TOPIC));
            final List<String> values = new ArrayList<>();
            final long deadline = System.nanoTime() + WAIT.toNanos();
            while (values.size() < count && System.nanoTime() < deadline) {
                for (final ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    values.add(new String(record.value(), StandardCharsets.UTF_8));
                }
            }
            assertThat(values).as("records read by %s", group).hasSize(count);
            consumer.commitSync(Duration.ofSeconds(30));
            return values;
        }
    }

    /** The leader of each partition of {@code __consumer_offsets}, once every partition has one. */
    private static Map<Integer, Integer> offsetsLeaders(final Admin admin) {
        final Map<Integer, Integer> leaders = new HashMap<>();
        Await.until(
                WAIT,
                () -> {
                    leaders.clear();
                    final TopicDescription offsets = admin.describeTopics(List.of("__consumer_offsets"))
                            .allTopicNames()
                            .get(10, TimeUnit.SECONDS)
                            .get("__consumer_offsets");
                    for (final TopicPartitionInfo partition : offsets.partitions()) {
                        if (partition.leader() != null && !partition.leader().isEmpty()) {
                            leaders.put(
                                    partition.partition(), partition.leader().id());
                        }
                    }
                    return leaders.size() == OFFSETS_PARTITIONS;
                },
                "a leader for every partition of __consumer_offsets");
        return leaders;
    }

    /** A group id whose partition of {@code __consumer_offsets} {@code broker} leads, as Kafka places groups. */
    private static String groupLedBy(final Map<Integer, Integer> leaders, final int broker, final String prefix) {
        for (int i = 0; ; i++) {
            final String group = prefix + i;
            if (leaders.get(Utils.abs(group.hashCode()) % OFFSETS_PARTITIONS) == broker) {
                return group;
            }
        }
    }

    private static int coordinatorId(final Admin admin, final String group) throws Exception {
        return admin.describeConsumerGroups(List.of(group))
                .describedGroups()
                .get(group)
                .get(30, TimeUnit.SECONDS)
                .coordinator()
                .id();
    }

    private static Map<TopicPartition, OffsetAndMetadata> committed(final Admin admin, final String group)
            throws Exception {
        return admin.listConsumerGroupOffsets(group, new ListConsumerGroupOffsetsOptions())
                .partitionsToOffsetAndMetadata()
                .get(60, TimeUnit.SECONDS);
    }

    /** FindCoordinator v4 for one group, sent to {@code node} as a client sends it. */
    private static FindCoordinatorResponseData.Coordinator findCoordinator(
            final TestCluster.ClusterNode node, final String group) throws IOException {
        final short version = 4;
        final String[] hostPort = node.bootstrap().split(":");
        try (Socket socket = new Socket()) {
            socket.setSoTimeout(5_000);
            socket.connect(new InetSocketAddress(hostPort[0], Integer.parseInt(hostPort[1])), 5_000);
            socket.getOutputStream()
                    .write(Frames.request(
                            ApiKeys.FIND_COORDINATOR,
                            version,
                            1,
                            "cluster-groups-test",
                            new FindCoordinatorRequestData()
                                    .setKeyType(FindCoordinatorRequest.CoordinatorType.GROUP.id())
                                    .setCoordinatorKeys(List.of(group))));
            final DataInputStream in = new DataInputStream(socket.getInputStream());
            final byte[] bytes = new byte[in.readInt()];
            in.readFully(bytes);
            final ByteBuffer buffer = ByteBuffer.wrap(bytes);
            ResponseHeader.parse(buffer, ApiKeys.FIND_COORDINATOR.responseHeaderVersion(version));
            final FindCoordinatorResponseData response = (FindCoordinatorResponseData)
                    AbstractResponse.parseResponse(ApiKeys.FIND_COORDINATOR, new ByteBufferAccessor(buffer), version)
                            .data();
            return response.coordinators().get(0);
        }
    }
}
