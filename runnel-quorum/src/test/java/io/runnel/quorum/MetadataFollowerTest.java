package io.runnel.quorum;

import static org.assertj.core.api.Assertions.assertThat;

import io.runnel.testsupport.Await;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.errors.NotControllerException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A broker that is not a voter follows the metadata by long-polling the controllers. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MetadataFollowerTest {
    @TempDir
    Path root;

    private QuorumFixture quorum;
    private MetadataFollower follower;

    @AfterEach
    void stop() {
        if (follower != null) {
            follower.close();
        }
        if (quorum != null) {
            quorum.close();
        }
    }

    private MetadataFollower follow(final FollowerSettings settings) {
        follower = MetadataFollower.open(settings);
        return follower;
    }

    private FollowerSettings followerOf(final QuorumFixture quorum) {
        return FollowerSettings.of(100, quorum.settings(1).clusterId(), quorum.voters());
    }

    @Test
    void shouldCatchUpFromTheControllersSnapshotThenSeeEachNewBatchWithinTheLongPoll() {
        quorum = new QuorumFixture(root, 1, settings -> settings.withSnapshotThresholdEntries(50));
        final RatisMetadataLog controller = quorum.start(1);
        final RecordingListener controllers = new RecordingListener();
        controller.replay(controllers);
        Batches.proposePipelined(controller, 0, 500);
        assertThat(controller.snapshotOffset()).isPositive();

        final RecordingListener broker = new RecordingListener();
        follow(followerOf(quorum).withMaxWaitMs(10_000)).replay(broker);

        assertThat(broker.snapshotsLoaded()).hasSize(1);
        assertThat(broker.image()).isEqualTo(controllers.image());
        assertThat(follower.lastOffset()).isEqualTo(Batches.lastOffsetOf(499));

        final long proposedAt = System.nanoTime();
        controller.propose(Batches.batch(500)).join();
        Await.until(
                QuorumFixture.WAIT,
                () -> follower.lastOffset() == Batches.lastOffsetOf(500),
                () -> "the follower sees the new batch, it is at " + follower.lastOffset());
        final long seenAfterMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - proposedAt);

        assertThat(seenAfterMs).as("well within the 10 s long poll").isLessThan(2_000);
        assertThat(broker.batches())
                .last()
                .isEqualTo(new CommittedBatch(Batches.batch(500), Batches.lastOffsetOf(500)));
        assertThat(broker.snapshotsLoaded())
                .as("a caught-up follower gets batches, not snapshots")
                .hasSize(1);
        assertThat(broker.image()).isEqualTo(controllers.image());
    }

    @Test
    void shouldRefuseProposalsAsABroker() {
        quorum = new QuorumFixture(root, 1);
        quorum.start(1);
        follow(followerOf(quorum)).replay(new RecordingListener());

        final CompletableFuture<Long> proposal = follower.propose(Batches.batch(0));

        assertThat(proposal)
                .failsWithin(1, TimeUnit.SECONDS)
                .withThrowableOfType(ExecutionException.class)
                .withCauseInstanceOf(NotControllerException.class);
        assertThat(follower.lastOffset()).isEqualTo(-1);
    }

    @Test
    void shouldFollowTheNewLeaderWhenTheLeaderGoesAway() {
        quorum = new QuorumFixture(root, 3);
        quorum.startAll();
        final int first = quorum.awaitLeader();
        Batches.proposeAll(quorum.log(first), 0, 3);
        final RecordingListener broker = new RecordingListener();
        follow(followerOf(quorum)).replay(broker);
        assertThat(follower.lastOffset()).isEqualTo(Batches.lastOffsetOf(2));

        quorum.stop(first);
        final int second = quorum.awaitLeader();
        Batches.proposeAll(quorum.log(second), 3, 6);

        Await.until(
                QuorumFixture.WAIT,
                () -> follower.lastOffset() == Batches.lastOffsetOf(5),
                () -> "the follower follows the new leader, it is at " + follower.lastOffset());
        assertThat(broker.batches()).isEqualTo(Batches.expected(0, 6));
    }
}
