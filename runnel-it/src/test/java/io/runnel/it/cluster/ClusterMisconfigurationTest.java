package io.runnel.it.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.runnel.it.RunnelJvm;
import io.runnel.network.client.NodeClients;
import io.runnel.network.client.NodeConnection;
import io.runnel.testsupport.Ports;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.BrokerRegistrationRequestData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.BrokerRegistrationRequest;
import org.apache.kafka.common.requests.BrokerRegistrationResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A cluster defends itself against nodes that do not belong: each is refused with an error that says what is
 * wrong, and the cluster keeps serving. One cluster of three controllers and one broker serves every case.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class ClusterMisconfigurationTest {
    @TempDir
    Path dir;

    @Test
    void shouldRefuseNodesThatDoNotBelongAndSayWhy() throws Exception {
        try (TestCluster cluster = TestCluster.dedicated("guarded", dir, 3, 1).start()) {
            final String voters = cluster.votersConfig();

            // another cluster's broker: the controllers do not serve its cluster id
            final String other = startRogue("other-cluster", Uuid.randomUuid().toString(), 201, voters);
            assertThat(other).contains("formatted for another cluster").contains("INCONSISTENT_CLUSTER_ID");

            // a second process with the id of a broker that is alive
            final String duplicate = startRogue("duplicate", cluster.clusterId(), 101, voters);
            assertThat(duplicate).contains("DUPLICATE_BROKER_REGISTRATION");

            // no controller where the voters say
            final String nowhere = startRogue(
                    "nowhere",
                    cluster.clusterId(),
                    202,
                    "1@127.0.0.1:" + Ports.free() + ",2@127.0.0.1:" + Ports.free());
            assertThat(nowhere).contains("controller.quorum.voters=").contains("no controller");

            // voters that disagree with the quorum's
            final String disagreeing =
                    startRogue("disagreeing", cluster.clusterId(), 204, voters + ",4@127.0.0.1:" + Ports.free());
            assertThat(disagreeing).contains("disagrees with the voters the metadata quorum runs with");

            // a registration sent to a controller that is not the active one
            final int active = cluster.activeController();
            final int standby = active == 1 ? 2 : 1;
            try (NodeClients clients = new NodeClients("test-client", 1, "test", 1 << 20)) {
                final NodeConnection connection = clients.connect(
                                new InetSocketAddress(
                                        "127.0.0.1", cluster.node(standby).controllerPort()),
                                Duration.ofSeconds(5))
                        .get(10, TimeUnit.SECONDS);
                final BrokerRegistrationRequestData data = new BrokerRegistrationRequestData()
                        .setBrokerId(203)
                        .setClusterId(cluster.clusterId())
                        .setIncarnationId(Uuid.randomUuid());
                data.listeners()
                        .add(new BrokerRegistrationRequestData.Listener()
                                .setName("PLAINTEXT")
                                .setHost("h"));
                final BrokerRegistrationResponse response = connection
                        .<BrokerRegistrationResponse>send(new BrokerRegistrationRequest.Builder(data))
                        .get(10, TimeUnit.SECONDS);
                assertThat(Errors.forCode(response.data().errorCode())).isEqualTo(Errors.NOT_CONTROLLER);
            }

            cluster.awaitBrokers(List.of(101));
        }
    }

    /** Formats and starts a broker-only node that should not join; returns what it printed before it exited 1. */
    private String startRogue(final String name, final String clusterId, final int nodeId, final String voters)
            throws Exception {
        final Path config = Files.writeString(
                dir.resolve(name + ".properties"),
                String.join(
                        "\n",
                        "node.id=" + nodeId,
                        "process.roles=broker",
                        "listeners=PLAINTEXT://127.0.0.1:" + Ports.free(),
                        "controller.listener.names=CONTROLLER",
                        "controller.quorum.voters=" + voters,
                        "log.dirs=" + dir.resolve(name),
                        "initial.broker.registration.timeout.ms=8000",
                        ""),
                StandardCharsets.UTF_8);
        run(List.of("format", "--cluster-id", clusterId, "--config", config.toString()), Duration.ofSeconds(60));
        return run(List.of("server", "--config", config.toString()), Duration.ofSeconds(60));
    }

    private static String run(final List<String> args, final Duration timeout) throws Exception {
        final Process process = new ProcessBuilder(RunnelJvm.command(List.of("-Xmx256m"), new ArrayList<>(args)))
                .redirectErrorStream(true)
                .start();
        final byte[][] output = new byte[1][];
        final Thread reader = Thread.ofPlatform().start(() -> {
            try {
                output[0] = process.getInputStream().readAllBytes();
            } catch (java.io.IOException e) {
                output[0] = new byte[0];
            }
        });
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError(args + " still runs after " + timeout);
            }
            reader.join(5_000);
            final String printed = new String(output[0], StandardCharsets.UTF_8);
            if (args.get(0).equals("server")) {
                assertThat(process.exitValue()).as(printed).isEqualTo(1);
            }
            return printed;
        } finally {
            process.destroyForcibly();
        }
    }
}
