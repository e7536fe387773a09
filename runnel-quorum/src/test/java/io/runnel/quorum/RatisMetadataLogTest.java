package io.runnel.quorum;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.runnel.metadata.image.MetadataImage;
import io.runnel.metadata.record.MetadataRecord;
import io.runnel.metadata.record.TopicRecord;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.InconsistentClusterIdException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** What the Ratis log adds to the contract, seen on a quorum of one voter: storage, snapshots at start, limits. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RatisMetadataLogTest {
    @TempDir
    Path root;

    private QuorumFixture quorum;

    @AfterEach
    void stop() {
        if (quorum != null) {
            quorum.close();
        }
    }

    @Test
    void shouldReplayTheNewestSnapshotThenTheBatchesAfterItWhenReopened() {
        quorum = new QuorumFixture(root, 1, settings -> settings.withSnapshotThresholdEntries(10));
        final RatisMetadataLog log = quorum.start(1);
        final RecordingListener before = new RecordingListener();
        log.replay(before);
        Batches.proposeAll(log, 0, 30);
        quorum.stop(1);
        final long snapshotOffset = log.snapshotOffset();
        assertThat(snapshotOffset).as("snapshots were taken").isPositive();

        final RatisMetadataLog reopened = quorum.start(1);
        final RecordingListener after = new RecordingListener();
        reopened.replay(after);

        assertThat(after.snapshotsLoaded()).containsExactly(snapshotOffset);
        assertThat(after.batches())
                .isEqualTo(Batches.expected(0, 30).stream()
                        .filter(batch -> batch.lastOffset() > snapshotOffset)
                        .toList());
        assertThat(after.image()).isEqualTo(before.image());
        Batches.proposeAll(reopened, 30, 31);
    }

    @Test
    void shouldKeepTheQuorumInKafkasMetadataDirectoryUnderTheClustersGroup() throws IOException {
        quorum = new QuorumFixture(root, 1);
        quorum.start(1);
        final String clusterId = quorum.settings(1).clusterId();
        final Uuid uuid = Uuid.fromString(clusterId);

        final Path groupDir = quorum.dir(1)
                .resolve(new UUID(uuid.getMostSignificantBits(), uuid.getLeastSignificantBits()).toString());

        assertThat(quorum.dir(1)).endsWith(Path.of(RatisMetadataLog.DIR_NAME));
        assertThat(groupDir.resolve("current")).isDirectory();
        assertThat(groupDir.resolve("sm")).isDirectory();
    }

    @Test
    void shouldRefuseADirectoryHoldingAnotherClustersQuorum() throws IOException {
        quorum = new QuorumFixture(root, 1);
        Files.createDirectories(quorum.dir(1).resolve(UUID.randomUUID().toString()));

        assertThatThrownBy(() -> quorum.start(1))
                .isInstanceOf(InconsistentClusterIdException.class)
                .hasMessageContaining("The node is trying to join the wrong cluster");
    }

    @Test
    void shouldRefuseABatchLargerThanOneRatisEntryMayBe() {
        quorum = new QuorumFixture(root, 1);
        final RatisMetadataLog log = quorum.start(1);
        final List<MetadataRecord> huge = new ArrayList<>();
        for (int i = 0; RecordsCodec.sizeOf(huge) <= RatisProperties.MAX_BATCH_BYTES; i += 1000) {
            for (int j = i; j < i + 1000; j++) {
                huge.add(new TopicRecord("topic-" + j, Uuid.randomUuid()));
            }
        }

        assertThatThrownBy(() -> log.propose(huge)).isInstanceOf(IllegalArgumentException.class);
        assertThat(log.lastOffset()).isEqualTo(-1);
        assertThat(MetadataImage.EMPTY.lastOffset()).isEqualTo(log.lastOffset());
    }

    @Test
    void shouldRefuseToProposeOnceClosed() {
        quorum = new QuorumFixture(root, 1);
        final RatisMetadataLog log = quorum.start(1);
        quorum.stop(1);

        assertThatThrownBy(() -> log.propose(Batches.batch(0))).isInstanceOf(IllegalStateException.class);
    }
}
