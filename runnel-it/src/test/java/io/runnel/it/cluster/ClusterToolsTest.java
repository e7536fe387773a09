package io.runnel.it.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.runnel.it.KafkaTool;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kafka's own operator tools, unchanged, against three combined Runnel nodes: the metadata quorum described through
 * a broker and straight from a controller ({@code --bootstrap-controller}, KIP-919), the cluster id, the feature
 * levels, and a topic's partitions with their leaders. One cluster serves every case.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ClusterToolsTest {
    private static final List<Integer> VOTERS = List.of(1, 2, 3);
    private static final String TOPIC = "tools";
    private static final int PARTITIONS = 6;
    private static final Pattern VOTER_ID = Pattern.compile("\"id\": (\\d+)");
    private static final Pattern FEATURE = Pattern.compile("^Feature: (\\S+)\\s");

    @TempDir
    static Path dir;

    private static TestCluster cluster;

    @BeforeAll
    static void startCluster() throws Exception {
        cluster = TestCluster.combined("tools", dir, 3).start();
    }

    @AfterAll
    static void stopCluster() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void shouldDescribeTheQuorumStatusThroughABroker() throws Exception {
        assertQuorumStatus(
                KafkaTool.run("MetadataQuorumCommand", cluster.node(1).bootstrap(), "describe", "--status"));
    }

    @Test
    void shouldDescribeTheQuorumStatusStraightFromAController() throws Exception {
        assertQuorumStatus(KafkaTool.runWithArgs(
                "MetadataQuorumCommand",
                List.of("--bootstrap-controller", followerController(), "describe", "--status")));
    }

    @Test
    void shouldDescribeTheQuorumReplicationWithOneRowPerVoterThroughABroker() throws Exception {
        assertReplication(
                KafkaTool.run("MetadataQuorumCommand", cluster.node(2).bootstrap(), "describe", "--replication"));
    }

    @Test
    void shouldDescribeTheQuorumReplicationWithOneRowPerVoterStraightFromAController() throws Exception {
        assertReplication(KafkaTool.runWithArgs(
                "MetadataQuorumCommand",
                List.of("--bootstrap-controller", followerController(), "describe", "--replication")));
    }

    @Test
    void shouldPrintTheClusterIdThroughABrokerAndFromAController() throws Exception {
        assertThat(KafkaTool.runWithArgs(
                        "ClusterTool",
                        List.of(
                                "cluster-id",
                                "--bootstrap-server",
                                cluster.node(3).bootstrap())))
                .contains("Cluster ID: " + cluster.clusterId());
        assertThat(KafkaTool.runWithArgs(
                        "ClusterTool", List.of("cluster-id", "--bootstrap-controller", followerController())))
                .contains("Cluster ID: " + cluster.clusterId());
    }

    /** The levels Runnel runs, printed as Kafka 4.4 prints them: the metadata version by its release name. */
    @Test
    void shouldDescribeTheFeatureLevels() throws Exception {
        final Map<String, String> features = new LinkedHashMap<>();
        for (final String line : KafkaTool.run("FeatureCommand", cluster.node(1).bootstrap(), "describe")) {
            final Matcher m = FEATURE.matcher(line);
            if (m.find()) {
                features.put(m.group(1), line);
            }
        }

        assertThat(features)
                .containsOnlyKeys(
                        "metadata.version",
                        "kraft.version",
                        "group.version",
                        "transaction.version",
                        "eligible.leader.replicas.version",
                        "share.version",
                        "streams.version");
        assertThat(features.get("metadata.version"))
                .containsPattern("SupportedMinVersion: +4.4-IV2 ")
                .containsPattern("FinalizedVersionLevel: +4.4-IV2 ")
                .containsPattern("Epoch: +\\d+");
        assertThat(features.get("group.version")).containsPattern("FinalizedVersionLevel: +1 ");
        assertThat(features.get("kraft.version")).containsPattern("FinalizedVersionLevel: +0 ");
    }

    @Test
    void shouldDescribeATopicWithTheLeaderOfEachPartition() throws Exception {
        try (Admin admin = cluster.admin()) {
            admin.createTopics(List.of(new NewTopic(TOPIC, PARTITIONS, (short) 1)))
                    .all()
                    .get(30, TimeUnit.SECONDS);
        }

        final List<String> output =
                KafkaTool.run("TopicCommand", cluster.node(2).bootstrap(), "--describe", "--topic", TOPIC);

        assertThat(output)
                .anySatisfy(line -> assertThat(line).contains("Topic: " + TOPIC, "PartitionCount: " + PARTITIONS));
        final List<Integer> leaders = new ArrayList<>();
        final Pattern partition = Pattern.compile("Partition: (\\d+)\\s+Leader: (\\d+)");
        for (final String line : output) {
            final Matcher m = partition.matcher(line);
            if (m.find()) {
                leaders.add(Integer.parseInt(m.group(2)));
            }
        }
        assertThat(leaders).as("one line per partition, each led by a node").hasSize(PARTITIONS);
        assertThat(leaders).allSatisfy(leader -> assertThat(leader).isIn(VOTERS));
    }

    /** {@code describe --status}: a leader among the voters, some committed metadata, and every voter listed. */
    private static void assertQuorumStatus(final List<String> output) {
        final Map<String, String> status = new LinkedHashMap<>();
        for (final String line : output) {
            final int colon = line.indexOf(':');
            if (colon > 0) {
                status.putIfAbsent(
                        line.substring(0, colon).trim(),
                        line.substring(colon + 1).trim());
            }
        }
        assertThat(status.get("ClusterId")).as("%s", output).isEqualTo(cluster.clusterId());
        assertThat(Integer.parseInt(status.get("LeaderId"))).isIn(VOTERS);
        assertThat(Integer.parseInt(status.get("LeaderEpoch"))).isPositive();
        assertThat(Long.parseLong(status.get("HighWatermark"))).isPositive();
        final List<Integer> voters = new ArrayList<>();
        final Matcher m = VOTER_ID.matcher(status.get("CurrentVoters"));
        while (m.find()) {
            voters.add(Integer.parseInt(m.group(1)));
        }
        assertThat(voters).containsExactlyInAnyOrderElementsOf(VOTERS);
        assertThat(status.get("CurrentVoters")).contains("CONTROLLER://127.0.0.1:");
        assertThat(status.get("CurrentObservers")).isEqualTo("[]");
    }

    /** {@code describe --replication}: a row per voter, the leader's first, the others following. */
    private static void assertReplication(final List<String> output) {
        final List<String[]> rows = output.stream()
                .map(line -> line.trim().split("\\s+"))
                .filter(cells -> cells.length >= 7 && cells[0].matches("\\d+"))
                .toList();
        assertThat(rows).as("%s", output).hasSize(VOTERS.size());
        assertThat(rows.stream().map(cells -> Integer.parseInt(cells[0]))).containsExactlyInAnyOrderElementsOf(VOTERS);
        assertThat(rows.get(0)[rows.get(0).length - 1]).isEqualTo("Leader");
        assertThat(rows.subList(1, rows.size()))
                .allSatisfy(cells -> assertThat(cells[cells.length - 1]).isEqualTo("Follower"));
        assertThat(rows)
                .allSatisfy(cells -> assertThat(Long.parseLong(cells[2]))
                        .as("LogEndOffset of voter %s", cells[0])
                        .isPositive());
    }

    /** A controller that does not lead, so that the tool must find the leader through DescribeCluster. */
    private static String followerController() throws Exception {
        final int leader;
        try (Admin admin = cluster.admin()) {
            leader = admin.describeMetadataQuorum()
                    .quorumInfo()
                    .get(30, TimeUnit.SECONDS)
                    .leaderId();
        }
        final int follower =
                VOTERS.stream().filter(id -> id != leader).findFirst().orElseThrow();
        return cluster.node(follower).controllerBootstrap();
    }
}
