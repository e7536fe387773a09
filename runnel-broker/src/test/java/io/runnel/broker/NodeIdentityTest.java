package io.runnel.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.runnel.broker.config.BrokerConfig;
import io.runnel.metadata.log.LocalMetadataLog;
import io.runnel.metadata.record.ClusterIdRecord;
import io.runnel.storage.meta.MetaProperties;
import io.runnel.storage.meta.MetaPropertiesException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which cluster a node belongs to, decided from its directories before anything opens them. */
class NodeIdentityTest {
    private static final String CLUSTER = "MkU3OEVBNTcwNTJENDM2Qg";

    @TempDir
    Path dir;

    private BrokerConfig config(final Map<String, String> extra) {
        final Map<String, String> props =
                new java.util.HashMap<>(Map.of("log.dirs", dir.resolve("a") + "," + dir.resolve("b"), "node.id", "1"));
        props.putAll(extra);
        return new BrokerConfig(props);
    }

    private String establish(final BrokerConfig config) throws Exception {
        return NodeIdentity.establish(config, config.metadataLogDir().resolve(Broker.METADATA_DIR));
    }

    @Test
    void shouldFormatTheQuickStartNodeOnItsFirstStartAndKeepItsClusterAfterwards() throws Exception {
        final String first = establish(config(Map.of()));

        assertThat(MetaProperties.read(dir.resolve("b")).orElseThrow().clusterId())
                .isEqualTo(first);
        assertThat(establish(config(Map.of()))).isEqualTo(first);
    }

    @Test
    void shouldFormatTheQuickStartNodeWithTheConfiguredClusterId() throws Exception {
        assertThat(establish(config(Map.of("cluster.id", CLUSTER)))).isEqualTo(CLUSTER);
    }

    @Test
    void shouldTakeOverTheClusterOfAMetadataLogWrittenBeforeMetaProperties() throws Exception {
        final Path metadataDir = dir.resolve("a").resolve(Broker.METADATA_DIR);
        try (LocalMetadataLog log = LocalMetadataLog.open(metadataDir)) {
            log.replay((batch, lastOffset) -> {});
            log.propose(List.of(new ClusterIdRecord(CLUSTER))).join();
        }

        assertThat(establish(config(Map.of()))).isEqualTo(CLUSTER);
        assertThat(MetaProperties.read(dir.resolve("a")).orElseThrow().clusterId())
                .isEqualTo(CLUSTER);
    }

    @Test
    void shouldFormatALogDirectoryAddedToTheQuickStartNodeWithItsCluster() throws Exception {
        new MetaProperties(CLUSTER, 1, Uuid.randomUuid()).write(dir.resolve("a"));

        assertThat(establish(config(Map.of()))).isEqualTo(CLUSTER);
        assertThat(MetaProperties.read(dir.resolve("b")).orElseThrow().clusterId())
                .isEqualTo(CLUSTER);
    }

    @Test
    void shouldRefuseAnUnformattedNodeWithRolesAndNameTheFormatCommand() {
        assertThatThrownBy(() -> establish(config(Map.of(
                        "process.roles", "broker,controller",
                        "listeners", "PLAINTEXT://:9092,CONTROLLER://:9093",
                        "controller.listener.names", "CONTROLLER",
                        "controller.quorum.voters", "1@localhost:9093"))))
                .isInstanceOf(MetaPropertiesException.class)
                .hasMessageContaining("No `meta.properties` found in " + dir.resolve("a"))
                .hasMessageContaining("bin/runnel format");
    }

    @Test
    void shouldRefuseDirectoriesOfAnotherNodeOrCluster() throws Exception {
        establish(config(Map.of("cluster.id", CLUSTER)));

        assertThatThrownBy(() -> establish(config(Map.of("node.id", "2"))))
                .hasMessageStartingWith("Stored node id 1 doesn't match previous node id 2");
        final String other = Uuid.randomUuid().toString();
        assertThatThrownBy(() -> establish(config(Map.of("cluster.id", other))))
                .hasMessageContaining("Invalid cluster.id in: ")
                .hasMessageContaining("Expected " + other + ", but read " + CLUSTER);
    }

    @Test
    void shouldRefuseToStartABrokerWhoseMetadataLogBelongsToAnotherCluster() throws Exception {
        final Path metadataDir = dir.resolve("a").resolve(Broker.METADATA_DIR);
        try (LocalMetadataLog log = LocalMetadataLog.open(metadataDir)) {
            log.replay((batch, lastOffset) -> {});
            log.propose(List.of(new ClusterIdRecord(Uuid.randomUuid().toString())))
                    .join();
        }
        new MetaProperties(CLUSTER, 1, Uuid.randomUuid()).write(dir.resolve("a"));
        new MetaProperties(CLUSTER, 1, Uuid.randomUuid()).write(dir.resolve("b"));

        assertThatThrownBy(() -> Broker.start(config(Map.of("listeners", "PLAINTEXT://127.0.0.1:0")))
                        .close())
                .hasMessageContaining("INCONSISTENT_CLUSTER_ID")
                .hasMessageContaining("formatted for cluster " + CLUSTER);
    }
}
