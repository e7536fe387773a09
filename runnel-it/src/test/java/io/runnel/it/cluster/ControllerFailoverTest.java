package io.runnel.it.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.runnel.testsupport.Await;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicListing;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The active controller killed with -9 under a stream of CreateTopics, again and again with seeded victims: a new
 * controller is active within seconds, no acknowledged topic is lost, none is created twice, and the old node,
 * restarted, catches up. Rounds: 3 by default; {@code -Drunnel.failover.rounds=20} for the 20, and
 * {@code -Drunnel.test.seed=N} replays a run (every run prints its seed).
 */
@Timeout(value = 20, unit = TimeUnit.MINUTES)
class ControllerFailoverTest {
    private static final int ROUNDS = Integer.getInteger("runnel.failover.rounds", 3);
    private static final long SEED = Long.getLong("runnel.test.seed", System.nanoTime());

    @TempDir
    Path dir;

    @Test
    void shouldMoveTheControllerWithinSecondsAndLoseNoAcknowledgedTopicWhenItIsKilled() throws Exception {
        System.out.printf(
                "ControllerFailoverTest seed %d (replay with -Drunnel.test.seed=%d), %d rounds%n", SEED, SEED, ROUNDS);
        final Random random = new Random(SEED);
        final Map<String, Uuid> acknowledged = new ConcurrentHashMap<>();
        final List<Long> failoverMs = new ArrayList<>();
        try (TestCluster cluster = TestCluster.combined("failover", dir, 3).start()) {
            final AtomicBoolean creating = new AtomicBoolean(true);
            final Thread creator = Thread.ofPlatform()
                    .name("test-create-topics")
                    .start(() -> {
                        int i = 0;
                        while (creating.get()) {
                            final String name = "t-" + i++;
                            try (Admin admin = admin(cluster)) {
                                final Uuid id = admin.createTopics(List.of(new NewTopic(name, 1, (short) 1)))
                                        .topicId(name)
                                        .get(20, TimeUnit.SECONDS);
                                acknowledged.put(name, id);
                            } catch (Exception e) {
                                // not acknowledged: it may or may not exist, both are right
                            }
                            // ten a second: a steady stream, not thousands of partitions for each restart to recover
                            try {
                                Thread.sleep(100);
                            } catch (InterruptedException e) {
                                return;
                            }
                        }
                    });
            for (int round = 0; round < ROUNDS; round++) {
                final int victim = cluster.activeController();
                final int before = acknowledged.size();
                final long killedNs = System.nanoTime();
                cluster.node(victim).kill();
                final long takeoverMs = awaitNewController(cluster, victim, killedNs);
                failoverMs.add(takeoverMs);
                System.out.printf(
                        "round %d: killed controller %d, a CreateTopics was accepted %d ms later%n",
                        round, victim, takeoverMs);
                // a seeded pause before the victim comes back, so rounds differ
                Thread.sleep(random.nextInt(2_000));
                cluster.node(victim).start();
                cluster.node(victim).awaitUnfenced();
                assertThat(acknowledged.size()).as("topics keep being created").isGreaterThan(before);
            }
            creating.set(false);
            creator.join(60_000);
            cluster.awaitBrokers(cluster.brokerIds());
            for (final TestCluster.ClusterNode node : cluster.nodes()) {
                try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, node.bootstrap()))) {
                    final Map<String, Uuid> ids = new HashMap<>();
                    // A broker applies the last creations a moment after the controller acknowledged them; an
                    // acknowledged topic that was lost would never appear.
                    Await.until(
                            Duration.ofSeconds(30),
                            () -> {
                                ids.clear();
                                for (final TopicListing listing :
                                        admin.listTopics().listings().get(10, TimeUnit.SECONDS)) {
                                    ids.put(listing.name(), listing.topicId());
                                }
                                return ids.keySet().containsAll(acknowledged.keySet());
                            },
                            () -> "node " + node.id() + " knows every acknowledged topic; missing: "
                                    + acknowledged.keySet().stream()
                                            .filter(name -> !ids.containsKey(name))
                                            .toList());
                    acknowledged.forEach((name, id) -> assertThat(ids.get(name))
                            .as("topic %s created once, with the id its creation answered", name)
                            .isEqualTo(id));
                }
            }
        }
        System.out.printf("controller failover (kill -9 to the next accepted CreateTopics), ms: %s%n", failoverMs);
        assertThat(acknowledged).isNotEmpty();
        assertThat(failoverMs).allSatisfy(ms -> assertThat(ms).isLessThan(20_000));
    }

    private static Admin admin(final TestCluster cluster) {
        return Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrap(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 20_000));
    }

    /** Waits until a CreateTopics succeeds through the survivors; returns the time since the kill. */
    private static long awaitNewController(final TestCluster cluster, final int victim, final long killedNs)
            throws InterruptedException {
        final long deadline = killedNs + TimeUnit.SECONDS.toNanos(60);
        int probe = 0;
        while (System.nanoTime() < deadline) {
            try (Admin admin = admin(cluster)) {
                admin.createTopics(
                                List.of(new NewTopic("probe-" + victim + "-" + killedNs + "-" + probe++, 1, (short) 1)))
                        .all()
                        .get(10, TimeUnit.SECONDS);
                return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedNs);
            } catch (Exception e) {
                Thread.sleep(50);
            }
        }
        throw new AssertionError(
                "no controller accepted a CreateTopics within 60 s of killing " + victim + "\n" + cluster.logs());
    }
}
