package io.runnel.it.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.runnel.testsupport.Await;
import io.runnel.testsupport.Clients;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A controller kept down while thousands of metadata records are written catches up from a snapshot when it
 * returns, and every node's metadata log on disk stays small: the quorum snapshots and purges behind the snapshot.
 * The snapshot threshold is lowered to 50 entries and the log's segments to 16 KiB (only closed segments are
 * purged); {@code -Drunnel.snapshot.records=20000} writes the issue's
 * 20,000 records (the default writes about 2,000, to keep the suite short).
 */
@Timeout(value = 600, unit = TimeUnit.SECONDS)
class MetadataSnapshotCatchUpTest {
    private static final int RECORDS = Integer.getInteger("runnel.snapshot.records", 2_000);
    private static final int TOPICS_PER_REQUEST = 10;

    @TempDir
    Path dir;

    @Test
    void shouldCatchUpAControllerThatWasDownFromASnapshotAndKeepTheLogsSmall() throws Exception {
        try (TestCluster cluster = TestCluster.combined(
                        "snap", dir, 3, "metadata.log.snapshot.entries", "50", "metadata.log.segment.bytes", "16384")
                .start()) {
            cluster.node(3).terminate(Duration.ofSeconds(30));
            int written = 0;
            int cycle = 0;
            final List<String> kept = new ArrayList<>();
            try (Admin admin = Clients.admin(cluster.node(1).bootstrap())) {
                while (written < RECORDS) {
                    final List<NewTopic> topics = new ArrayList<>();
                    final List<String> names = new ArrayList<>();
                    for (int i = 0; i < TOPICS_PER_REQUEST; i++) {
                        final String name = "c" + cycle + "-" + i;
                        topics.add(new NewTopic(name, 1, (short) 1));
                        names.add(name);
                    }
                    admin.createTopics(topics).all().get(60, TimeUnit.SECONDS);
                    // keep one topic of each cycle, delete the rest: records without thousands of partition logs
                    kept.add(names.get(0));
                    admin.deleteTopics(names.subList(1, names.size())).all().get(60, TimeUnit.SECONDS);
                    written += 2 * TOPICS_PER_REQUEST + (TOPICS_PER_REQUEST - 1);
                    cycle++;
                }
            }
            System.out.printf("wrote about %d metadata records in %d cycles while node 3 was down%n", written, cycle);

            cluster.node(3).start();
            cluster.node(3).awaitUnfenced();
            try (Admin admin = Clients.admin(cluster.node(3).bootstrap())) {
                Await.until(
                        Duration.ofSeconds(60),
                        () -> admin.listTopics()
                                .names()
                                .get(10, TimeUnit.SECONDS)
                                .containsAll(kept),
                        "node 3 knows every topic kept");
                final Set<String> names = admin.listTopics().names().get(10, TimeUnit.SECONDS);
                assertThat(names)
                        .as("node 3 knows no deleted topic")
                        .allMatch(n -> !n.startsWith("c") || kept.contains(n));
            }
            assertThat(cluster.node(3).log()).as("node 3 loaded a snapshot").contains("loaded the metadata snapshot");
            for (final TestCluster.ClusterNode node : cluster.nodes()) {
                final Path quorumDir = dir.resolve("snap-" + node.id()).resolve("__cluster_metadata-0");
                final long bytes = sizeOf(quorumDir);
                System.out.printf("node %d: metadata quorum directory %d KiB%n", node.id(), bytes / 1024);
                assertThat(bytes)
                        .as("node %d's metadata log stays bounded", node.id())
                        .isLessThan(16L << 20);
            }
        }
    }

    private static long sizeOf(final Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile)
                    .mapToLong(p -> p.toFile().length())
                    .sum();
        }
    }
}
