package io.runnel.quorum;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.File;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.config.ConfigException;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.junit.jupiter.api.Test;

class QuorumSettingsTest {
    private static final String CLUSTER_ID = Uuid.randomUuid().toString();

    @Test
    void shouldReadKafkasConfigNames() {
        final QuorumSettings settings = QuorumSettings.fromConfigs(
                Map.of(
                        "node.id", "2",
                        "controller.quorum.voters", "1@h1:9093,2@h2:9094",
                        "log.dirs", "/data/a,/data/b",
                        "controller.quorum.election.timeout.ms", "1500"),
                CLUSTER_ID);

        assertThat(settings.nodeId()).isEqualTo(2);
        assertThat(settings.self()).isEqualTo(new QuorumPeers.Voter(2, "h2", 9094));
        assertThat(settings.metadataLogDir()).isEqualTo(Path.of("/data/a"));
        assertThat(settings.electionTimeoutMinMs()).isEqualTo(1500);
        assertThat(settings.electionTimeoutMaxMs()).isEqualTo(3000);
        assertThat(settings.snapshotThresholdEntries()).isEqualTo(10_000);
    }

    @Test
    void shouldPreferMetadataLogDirAndDefaultTheElectionTimeoutToKafkas() {
        final QuorumSettings settings = QuorumSettings.fromConfigs(
                Map.of(
                        "node.id",
                        "1",
                        "controller.quorum.voters",
                        "1@h1:9093",
                        "metadata.log.dir",
                        "/meta",
                        "log.dirs",
                        "/data"),
                CLUSTER_ID);

        assertThat(settings.metadataLogDir()).isEqualTo(Path.of("/meta"));
        assertThat(settings.electionTimeoutMinMs()).isEqualTo(1000);
        assertThat(settings.electionTimeoutMaxMs()).isEqualTo(2000);
    }

    @Test
    void shouldRefuseANodeThatIsNotAVoter() {
        assertThatThrownBy(() -> QuorumSettings.of(3, CLUSTER_ID, QuorumPeers.parse("1@h:1,2@h:2"), Path.of("x")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("the node id 3 must be included in the set of voters controller.quorum.voters");
        assertThatThrownBy(() -> QuorumSettings.fromConfigs(Map.of("controller.quorum.voters", "1@h:1"), CLUSTER_ID))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("node.id");
    }

    @Test
    void shouldSetTheRatisPropertiesTheBriefNames() {
        final QuorumSettings settings = QuorumSettings.of(1, CLUSTER_ID, QuorumPeers.parse("1@h1:9093"), Path.of("d"))
                .withSnapshotThresholdEntries(50);

        final RaftProperties properties = RatisProperties.of(settings);

        assertThat(RaftServerConfigKeys.storageDir(properties)).containsExactly(new File("d").getAbsoluteFile());
        assertThat(GrpcConfigKeys.Server.port(properties)).isEqualTo(9093);
        assertThat(RaftServerConfigKeys.Snapshot.autoTriggerEnabled(properties)).isTrue();
        assertThat(RaftServerConfigKeys.Snapshot.autoTriggerThreshold(properties))
                .isEqualTo(50);
        assertThat(RaftServerConfigKeys.Snapshot.retentionFileNum(properties)).isEqualTo(2);
        assertThat(RaftServerConfigKeys.Log.purgeUptoSnapshotIndex(properties)).isTrue();
        assertThat(RaftServerConfigKeys.Rpc.timeoutMin(properties).toLong(TimeUnit.MILLISECONDS))
                .isEqualTo(1000);
        assertThat(RaftServerConfigKeys.Rpc.timeoutMax(properties).toLong(TimeUnit.MILLISECONDS))
                .isEqualTo(2000);
        assertThat(RaftServerConfigKeys.Log.segmentCacheNumMax(properties)).isEqualTo(2);
        assertThat(RaftServerConfigKeys.Log.segmentSizeMax(properties).getSize())
                .isEqualTo(8L * 1024 * 1024);
        assertThat(RaftServerConfigKeys.Write.byteLimit(properties).getSize()).isEqualTo(8L * 1024 * 1024);
    }

    @Test
    void shouldNameTheRatisGroupByTheClusterIdsBytes() {
        final Uuid clusterId = Uuid.randomUuid();

        assertThat(RatisMetadataLog.groupId(clusterId.toString()).getUuid())
                .isEqualTo(new UUID(clusterId.getMostSignificantBits(), clusterId.getLeastSignificantBits()));
        assertThat(List.of(RatisMetadataLog.groupId(clusterId.toString())))
                .containsExactly(RatisMetadataLog.groupId(clusterId.toString()));
    }
}
