package io.runnel.it.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.runnel.it.TestBroker;
import io.runnel.network.client.NodeClients;
import io.runnel.network.client.NodeConnection;
import io.runnel.storage.meta.NodeDirectories;
import io.runnel.testsupport.Await;
import io.runnel.testsupport.Ports;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.BrokerIdNotRegisteredException;
import org.apache.kafka.common.message.BrokerHeartbeatRequestData;
import org.apache.kafka.common.message.BrokerRegistrationRequestData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.BrokerHeartbeatRequest;
import org.apache.kafka.common.requests.BrokerHeartbeatResponse;
import org.apache.kafka.common.requests.BrokerRegistrationRequest;
import org.apache.kafka.common.requests.BrokerRegistrationResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A broker's lifecycle over Kafka's wire, against a combined node that is the whole quorum: another broker
 * registers on the controller listener, is fenced until it catches up, is listed once unfenced, leads its
 * partitions, and is fenced again when its heartbeats stop; stale epochs, duplicate processes and unknown brokers
 * get Kafka's errors.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class BrokerLifecycleWireTest {
    private static final String CLUSTER = "MkU3OEVBNTcwNTJENDM2Qg";
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    private TestBroker node;
    private NodeClients clients;
    private NodeConnection controller;

    @BeforeEach
    void start() throws Exception {
        NodeDirectories.load(List.of(dir)).format(CLUSTER, 1, false, new PrintStream(OutputStream.nullOutputStream()));
        final int controllerPort = Ports.free();
        node = TestBroker.start(
                dir,
                "process.roles",
                "broker,controller",
                "listeners",
                "PLAINTEXT://127.0.0.1:" + Ports.free() + ",CONTROLLER://127.0.0.1:" + controllerPort,
                "controller.listener.names",
                "CONTROLLER",
                "controller.quorum.voters",
                "1@127.0.0.1:" + controllerPort,
                "broker.session.timeout.ms",
                "1500",
                "broker.heartbeat.interval.ms",
                "300");
        clients = new NodeClients("test-client", 1, "test", 16 << 20);
        controller = clients.connect(new InetSocketAddress("127.0.0.1", controllerPort), TIMEOUT)
                .get(10, TimeUnit.SECONDS);
    }

    @AfterEach
    void stop() {
        if (clients != null) {
            clients.close();
        }
        if (node != null) {
            node.close();
        }
    }

    private BrokerRegistrationResponse register(final int id, final Uuid incarnation) throws Exception {
        final BrokerRegistrationRequestData data = new BrokerRegistrationRequestData()
                .setBrokerId(id)
                .setClusterId(CLUSTER)
                .setIncarnationId(incarnation)
                .setRack("rack-" + id);
        data.listeners()
                .add(new BrokerRegistrationRequestData.Listener()
                        .setName("PLAINTEXT")
                        .setHost("127.0.0.1")
                        .setPort(19000 + id)
                        .setSecurityProtocol((short) 0));
        return controller
                .<BrokerRegistrationResponse>send(new BrokerRegistrationRequest.Builder(data))
                .get(10, TimeUnit.SECONDS);
    }

    private BrokerHeartbeatResponse heartbeat(final int id, final long epoch, final long offset) throws Exception {
        return controller
                .<BrokerHeartbeatResponse>send(new BrokerHeartbeatRequest.Builder(new BrokerHeartbeatRequestData()
                        .setBrokerId(id)
                        .setBrokerEpoch(epoch)
                        .setCurrentMetadataOffset(offset)))
                .get(10, TimeUnit.SECONDS);
    }

    private static List<Integer> brokers(final Admin admin, final boolean includeFenced) throws Exception {
        return admin
                .describeCluster(new DescribeClusterOptions().includeFencedBrokers(includeFenced))
                .nodes()
                .get(10, TimeUnit.SECONDS)
                .stream()
                .map(Node::id)
                .sorted()
                .toList();
    }

    @Test
    void shouldListAnotherBrokerOnlyOnceItHasCaughtUpAndFenceItWhenItsHeartbeatsStop() throws Exception {
        try (Admin admin = node.admin()) {
            assertThat(brokers(admin, false))
                    .as("the node's own broker is registered and unfenced")
                    .containsExactly(1);

            final BrokerRegistrationResponse registered = register(2, Uuid.randomUuid());
            assertThat(registered.data().errorCode()).isEqualTo(Errors.NONE.code());
            final long epoch = registered.data().brokerEpoch();
            assertThat(brokers(admin, false)).containsExactly(1);
            assertThat(brokers(admin, true))
                    .as("fenced, as IncludeFencedBrokers shows")
                    .containsExactly(1, 2);

            final BrokerHeartbeatResponse behind = heartbeat(2, epoch, epoch - 1);
            assertThat(behind.data().isFenced()).isTrue();
            assertThat(behind.data().isCaughtUp()).isFalse();
            final BrokerHeartbeatResponse caughtUp = heartbeat(2, epoch, epoch);
            assertThat(caughtUp.data().isFenced()).isFalse();
            assertThat(brokers(admin, false)).containsExactly(1, 2);

            admin.createTopics(List.of(new NewTopic("on-two", Map.of(0, List.of(2)))))
                    .all()
                    .get(10, TimeUnit.SECONDS);
            assertThat(leaderOf(admin, "on-two")).contains(2);

            // no more heartbeats from broker 2: fenced after broker.session.timeout.ms
            Await.until(
                    Duration.ofSeconds(15), () -> brokers(admin, false).equals(List.of(1)), () -> "broker 2 fenced");
            assertThat(leaderOf(admin, "on-two"))
                    .as("its partition keeps its place, leaderless")
                    .isEmpty();
            assertThat(brokers(admin, false))
                    .as("the node's own broker keeps heartbeating")
                    .containsExactly(1);
        }
    }

    @Test
    void shouldAnswerStaleEpochsDuplicateProcessesAndUnknownBrokersWithKafkasErrors() throws Exception {
        final Uuid first = Uuid.randomUuid();
        final long epoch = register(2, first).data().brokerEpoch();
        heartbeat(2, epoch, epoch);

        assertThat(heartbeat(2, epoch - 1, epoch).data().errorCode()).isEqualTo(Errors.STALE_BROKER_EPOCH.code());
        assertThat(register(2, Uuid.randomUuid()).data().errorCode())
                .as("a second process with id 2 while the first heartbeats")
                .isEqualTo(Errors.DUPLICATE_BROKER_REGISTRATION.code());
        final BrokerRegistrationRequestData otherCluster = new BrokerRegistrationRequestData()
                .setBrokerId(3)
                .setClusterId(Uuid.randomUuid().toString())
                .setIncarnationId(Uuid.randomUuid());
        otherCluster
                .listeners()
                .add(new BrokerRegistrationRequestData.Listener()
                        .setName("PLAINTEXT")
                        .setHost("h"));
        assertThat(controller
                        .<BrokerRegistrationResponse>send(new BrokerRegistrationRequest.Builder(otherCluster))
                        .get(10, TimeUnit.SECONDS)
                        .data()
                        .errorCode())
                .isEqualTo(Errors.INCONSISTENT_CLUSTER_ID.code());

        try (Admin admin = node.admin()) {
            admin.unregisterBroker(2).all().get(10, TimeUnit.SECONDS);
            assertThat(brokers(admin, true)).containsExactly(1);
            assertThat(admin.unregisterBroker(2).all())
                    .failsWithin(Duration.ofSeconds(10))
                    .withThrowableThat()
                    .havingCause()
                    .isInstanceOf(BrokerIdNotRegisteredException.class);
        }
    }

    private static Optional<Integer> leaderOf(final Admin admin, final String topic) throws Exception {
        final TopicDescription description = admin.describeTopics(List.of(topic))
                .allTopicNames()
                .get(10, TimeUnit.SECONDS)
                .get(topic);
        final Node leader = description.partitions().get(0).leader();
        return leader == null || leader.isEmpty() ? Optional.empty() : Optional.of(leader.id());
    }
}
