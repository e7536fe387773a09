package io.runnel.it.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.runnel.broker.controller.ForwardedRequest;
import io.runnel.it.process.Kcat;
import io.runnel.network.client.NodeClients;
import io.runnel.network.client.NodeConnection;
import io.runnel.testsupport.Await;
import io.runnel.testsupport.Clients;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.requests.AbstractResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three real Runnel processes that share one metadata quorum: partitions spread their leaders over the brokers,
 * and clients produce to and consume from every partition through any one bootstrap broker, as with Kafka.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class ThreeNodeClusterTest {
    private static final String TOPIC = "spread";
    private static final int PARTITIONS = 12;

    @TempDir
    Path dir;

    @Test
    void shouldSpreadLeadersOverThreeCombinedNodesAndServeEveryPartitionThroughAnyBootstrapBroker() throws Exception {
        try (TestCluster cluster = TestCluster.combined("combined", dir, 3).start()) {
            assertServesEveryPartition(cluster, cluster.node(2).bootstrap());

            // kcat (librdkafka) too, through one bootstrap broker, to and from every partition
            final Kcat kcat = Kcat.find(cluster.node(3).bootstrap(), dir);
            for (int p = 0; p < PARTITIONS; p++) {
                kcat.run("k" + p + "\n", "-P", "-t", TOPIC, "-p", Integer.toString(p));
            }
            final Map<String, Long> perPartition =
                    kcat.run("", "-C", "-t", TOPIC, "-o", "beginning", "-e", "-f", "%p %s\n").lines().stream()
                            .collect(Collectors.groupingBy(line -> line.split(" ")[0], Collectors.counting()));
            assertThat(perPartition)
                    .hasSize(PARTITIONS)
                    .allSatisfy((p, count) -> assertThat(count).isEqualTo(6L));
        }
    }

    @Test
    void shouldCarryOutATopicCreationSentToABrokerOfDedicatedControllersAndBrokers() throws Exception {
        try (TestCluster cluster = TestCluster.dedicated("dedicated", dir, 3, 2).start()) {
            assertServesEveryPartition(cluster, cluster.node(101).bootstrap());
        }
    }

    /** KIP-951: Produce and Fetch sent to a broker that does not lead the partition name the one that does. */
    private static void assertNamesTheLeaderWhenAskedTheWrongBroker(final TestCluster cluster) throws Exception {
        final TopicPartitionInfo partition;
        try (Admin admin = Clients.admin(cluster.bootstrap())) {
            partition = admin.describeTopics(List.of(TOPIC))
                    .allTopicNames()
                    .get(10, TimeUnit.SECONDS)
                    .get(TOPIC)
                    .partitions()
                    .get(0);
        }
        final int leader = partition.leader().id();
        final TestCluster.ClusterNode other = cluster.node(leader == 1 ? 2 : 1);
        try (NodeClients clients = new NodeClients("test-client", 1, "test", 1 << 20)) {
            final String[] hostPort = other.bootstrap().split(":");
            final NodeConnection connection = clients.connect(
                            new InetSocketAddress(hostPort[0], Integer.parseInt(hostPort[1])), Duration.ofSeconds(5))
                    .get(10, TimeUnit.SECONDS);
            final ProduceRequestData produce =
                    new ProduceRequestData().setAcks((short) 1).setTimeoutMs(5_000);
            final ProduceRequestData.TopicProduceData topic = new ProduceRequestData.TopicProduceData().setName(TOPIC);
            topic.partitionData()
                    .add(new ProduceRequestData.PartitionProduceData()
                            .setIndex(0)
                            .setRecords(MemoryRecords.withRecords(Compression.NONE, new SimpleRecord("x".getBytes()))));
            produce.topicData().add(topic);
            final ProduceResponseData produced = (ProduceResponseData) connection
                    .<AbstractResponse>send(new ForwardedRequest(ApiKeys.PRODUCE, (short) 12, produce))
                    .get(10, TimeUnit.SECONDS)
                    .data();
            final ProduceResponseData.PartitionProduceResponse result =
                    produced.responses().iterator().next().partitionResponses().get(0);
            assertThat(result.errorCode()).isEqualTo(Errors.NOT_LEADER_OR_FOLLOWER.code());
            assertThat(result.currentLeader().leaderId()).isEqualTo(leader);
            assertThat(produced.nodeEndpoints().find(leader)).isNotNull();

            final FetchRequestData fetch =
                    new FetchRequestData().setMaxWaitMs(0).setMaxBytes(1 << 20).setReplicaId(-1);
            final FetchRequestData.FetchTopic fetchTopic = new FetchRequestData.FetchTopic().setTopic(TOPIC);
            fetchTopic
                    .partitions()
                    .add(new FetchRequestData.FetchPartition().setPartition(0).setPartitionMaxBytes(1 << 20));
            fetch.topics().add(fetchTopic);
            final FetchResponseData fetched = (FetchResponseData) connection
                    .<AbstractResponse>send(new ForwardedRequest(ApiKeys.FETCH, (short) 12, fetch))
                    .get(10, TimeUnit.SECONDS)
                    .data();
            final FetchResponseData.PartitionData data =
                    fetched.responses().get(0).partitions().get(0);
            assertThat(data.errorCode()).isEqualTo(Errors.NOT_LEADER_OR_FOLLOWER.code());
            assertThat(data.currentLeader().leaderId()).isEqualTo(leader);
        }
    }

    private static void assertServesEveryPartition(final TestCluster cluster, final String bootstrap) throws Exception {
        try (Admin admin = Clients.admin(bootstrap)) {
            assertThat(admin.describeCluster().clusterId().get(10, TimeUnit.SECONDS))
                    .isEqualTo(cluster.clusterId());
            admin.createTopics(List.of(new NewTopic(TOPIC, PARTITIONS, (short) 1)))
                    .all()
                    .get(30, TimeUnit.SECONDS);
            // As with Kafka, the broker asked may apply the new topic a moment after the controller answered.
            final TopicDescription[] described = new TopicDescription[1];
            Await.until(
                    Duration.ofSeconds(10),
                    () -> {
                        try {
                            described[0] = admin.describeTopics(List.of(TOPIC))
                                    .allTopicNames()
                                    .get(10, TimeUnit.SECONDS)
                                    .get(TOPIC);
                            return described[0].partitions().stream().allMatch(p -> p.leader() != null);
                        } catch (ExecutionException e) {
                            return false;
                        }
                    },
                    "every broker knows the new topic");
            final TopicDescription description = described[0];
            final Set<Integer> leaders = new HashSet<>();
            for (final TopicPartitionInfo partition : description.partitions()) {
                leaders.add(partition.leader().id());
            }
            assertThat(leaders)
                    .as("every broker leads some of the %d partitions", PARTITIONS)
                    .containsExactlyInAnyOrderElementsOf(cluster.brokerIds());
        }
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(bootstrap)) {
            for (int p = 0; p < PARTITIONS; p++) {
                for (int i = 0; i < 5; i++) {
                    producer.send(new ProducerRecord<>(
                                    TOPIC, p, null, ("p" + p + "-" + i).getBytes(StandardCharsets.UTF_8)))
                            .get(30, TimeUnit.SECONDS);
                }
            }
        }
        final Map<Integer, Integer> perPartition = new HashMap<>();
        try (KafkaConsumer<byte[], byte[]> consumer = Clients.consumer(bootstrap)) {
            final List<TopicPartition> partitions = new ArrayList<>();
            for (int p = 0; p < PARTITIONS; p++) {
                partitions.add(new TopicPartition(TOPIC, p));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            int read = 0;
            while (read < PARTITIONS * 5 && System.nanoTime() < deadline) {
                for (final ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    perPartition.merge(record.partition(), 1, Integer::sum);
                    read++;
                }
            }
        }
        assertThat(perPartition)
                .hasSize(PARTITIONS)
                .allSatisfy((p, count) -> assertThat(count).isEqualTo(5));
    }
}
