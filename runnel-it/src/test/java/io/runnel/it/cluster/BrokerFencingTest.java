package io.runnel.it.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.runnel.testsupport.Await;
import io.runnel.testsupport.Clients;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartitionInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Brokers leaving and coming back, as clients see it through Metadata: a broker killed with -9 is fenced after
 * the session timeout (no longer listed, its partitions leaderless but still there), and unfenced once it is back
 * and caught up; a broker paused past its session (SIGSTOP) is fenced and unfenced when it resumes; a broker stopped
 * with SIGTERM leaves through a controlled shutdown and is fenced at once.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class BrokerFencingTest {
    private static final String TOPIC = "fenced";

    @TempDir
    Path dir;

    @Test
    void shouldFenceAKilledBrokerAfterItsSessionAndUnfenceItWhenItReturns() throws Exception {
        try (TestCluster cluster = TestCluster.combined("fence", dir, 3).start();
                Admin admin = Clients.admin(cluster.node(1).bootstrap())) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 6, (short) 1))).all().get(30, TimeUnit.SECONDS);
            final int victim = 3;

            final long killedNs = System.nanoTime();
            cluster.node(victim).kill();
            Await.until(Duration.ofSeconds(30), () -> !brokers(admin).contains(victim), "broker 3 fenced");
            System.out.printf(
                    "broker %d fenced %d ms after kill -9 (session timeout 3000 ms)%n",
                    victim, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedNs));
            Await.until(
                    Duration.ofSeconds(10),
                    () -> leaders(admin).values().stream().noneMatch(l -> l == victim),
                    "broker 3 leads nothing");
            assertThat(describe(admin).partitions()).as("no partition dropped").hasSize(6);
            assertThat(leaders(admin))
                    .as("broker 3's partitions are leaderless")
                    .containsValue(-1);

            cluster.node(victim).start();
            cluster.node(victim).awaitUnfenced();
            Await.until(Duration.ofSeconds(30), () -> brokers(admin).contains(victim), "broker 3 listed again");
            Await.until(Duration.ofSeconds(30), () -> !leaders(admin).containsValue(-1), "every partition led again");
        }
    }

    @Test
    void shouldFenceAPausedBrokerAndUnfenceItWhenItResumes() throws Exception {
        try (TestCluster cluster = TestCluster.combined("pause", dir, 3).start();
                Admin admin = Clients.admin(cluster.node(1).bootstrap())) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 6, (short) 1))).all().get(30, TimeUnit.SECONDS);
            final int victim = cluster.activeController() == 3 ? 2 : 3;

            cluster.node(victim).pause();
            try {
                Await.until(Duration.ofSeconds(30), () -> !brokers(admin).contains(victim), "paused broker fenced");
                assertThat(leaders(admin).values()).doesNotContain(victim);
            } finally {
                cluster.node(victim).resume();
            }

            Await.until(Duration.ofSeconds(30), () -> brokers(admin).contains(victim), "resumed broker unfenced");
            Await.until(Duration.ofSeconds(30), () -> !leaders(admin).containsValue(-1), "every partition led again");
        }
    }

    @Test
    void shouldFenceABrokerAtOnceAfterItsControlledShutdown() throws Exception {
        try (TestCluster cluster = TestCluster.combined("sigterm", dir, 3).start();
                Admin admin = Clients.admin(cluster.node(1).bootstrap())) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 6, (short) 1))).all().get(30, TimeUnit.SECONDS);

            final Duration exit = cluster.node(2).terminate(Duration.ofSeconds(30));
            final long exitedNs = System.nanoTime();

            assertThat(cluster.node(2).log()).contains("The controller has let broker 2 shut down");
            assertThat(brokers(admin)).as("fenced as soon as it has gone").doesNotContain(2);
            assertThat(leaders(admin).values()).doesNotContain(2);
            System.out.printf(
                    "broker 2 exited %d ms after SIGTERM; fenced %d ms after its exit%n",
                    exit.toMillis(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - exitedNs));
        }
    }

    private static List<Integer> brokers(final Admin admin) throws Exception {
        return admin.describeCluster().nodes().get(10, TimeUnit.SECONDS).stream()
                .map(Node::id)
                .sorted()
                .toList();
    }

    private static TopicDescription describe(final Admin admin) throws Exception {
        return admin.describeTopics(List.of(TOPIC))
                .allTopicNames()
                .get(10, TimeUnit.SECONDS)
                .get(TOPIC);
    }

    /** Partition to leader id, -1 for none. */
    private static Map<Integer, Integer> leaders(final Admin admin) throws Exception {
        return describe(admin).partitions().stream()
                .collect(Collectors.toMap(
                        TopicPartitionInfo::partition,
                        p -> p.leader() == null || p.leader().isEmpty()
                                ? -1
                                : p.leader().id()));
    }
}
