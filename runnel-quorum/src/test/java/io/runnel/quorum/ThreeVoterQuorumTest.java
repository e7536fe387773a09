package io.runnel.quorum;

import static io.runnel.quorum.Batches.expected;
import static io.runnel.quorum.Batches.proposeAll;
import static org.assertj.core.api.Assertions.assertThat;

import io.runnel.testsupport.Await;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.errors.NotControllerException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Three voters in one JVM over gRPC on loopback: replication, leader changes and restarts. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ThreeVoterQuorumTest {
    @TempDir
    Path root;

    private QuorumFixture quorum;
    private final Map<Integer, RecordingListener> listeners = new HashMap<>();

    @BeforeEach
    void startQuorum() {
        quorum = new QuorumFixture(root, 3);
        quorum.startAll();
        for (final int id : quorum.runningIds()) {
            listen(id);
        }
    }

    @AfterEach
    void stopQuorum() {
        quorum.close();
    }

    private RecordingListener listen(final int id) {
        final RecordingListener listener = new RecordingListener();
        quorum.log(id).replay(listener);
        listeners.put(id, listener);
        return listener;
    }

    private void awaitEveryRunningNodeApplied(final List<CommittedBatch> batches) {
        for (final int id : quorum.runningIds()) {
            Await.until(
                    QuorumFixture.WAIT,
                    () -> listeners.get(id).batches().equals(batches),
                    () -> "node " + id + " applied "
                            + listeners.get(id).batches().size() + " of " + batches.size());
        }
    }

    @Test
    void shouldApplyEveryBatchProposedAtTheLeaderOnEveryVoterInOrderWithTheSameOffsets() {
        final int leader = quorum.awaitLeader();

        proposeAll(quorum.log(leader), 0, 20);

        awaitEveryRunningNodeApplied(expected(0, 20));
        for (final int id : quorum.runningIds()) {
            assertThat(quorum.log(id).lastOffset()).isEqualTo(Batches.lastOffsetOf(19));
            assertThat(listeners.get(id).image())
                    .isEqualTo(listeners.get(leader).image());
        }
    }

    @Test
    void shouldDescribeTheQuorumForDescribeQuorum() {
        final int leader = quorum.awaitLeader();
        proposeAll(quorum.log(leader), 0, 5);
        final long startedMs = System.currentTimeMillis();

        Await.until(
                QuorumFixture.WAIT,
                () -> quorum.log(leader).quorumState().voters().stream()
                        .allMatch(v -> v.lastCaughtUpTimestamp() != QuorumState.UNKNOWN),
                () -> "every voter caught up: " + quorum.log(leader).quorumState());
        final QuorumState state = quorum.log(leader).quorumState();

        assertThat(state.leaderId()).isEqualTo(leader);
        assertThat(state.term()).isPositive();
        assertThat(state.voters())
                .extracting(QuorumState.ReplicaState::replicaId)
                .containsExactly(1, 2, 3);
        final long leaderEnd = state.voters().get(leader - 1).logEndOffset();
        assertThat(state.highWatermark()).isPositive().isLessThanOrEqualTo(leaderEnd);
        for (final QuorumState.ReplicaState voter : state.voters()) {
            assertThat(voter.logEndOffset()).as("voter %d", voter.replicaId()).isEqualTo(leaderEnd);
            assertThat(voter.lastFetchTimestamp()).isGreaterThanOrEqualTo(startedMs - 5_000);
        }
        final int follower = leader % 3 + 1;
        final QuorumState seenByFollower = quorum.log(follower).quorumState();
        assertThat(seenByFollower.leaderId()).isEqualTo(leader);
        assertThat(seenByFollower.term()).isEqualTo(state.term());
        assertThat(seenByFollower.voters().get(leader - 1).lastFetchTimestamp()).isEqualTo(QuorumState.UNKNOWN);
    }

    @Test
    void shouldRefuseAProposalAtAFollowerWithNotController() {
        final int leader = quorum.awaitLeader();
        final int follower = quorum.runningIds().stream()
                .filter(id -> id != leader)
                .findFirst()
                .orElseThrow();

        final CompletableFuture<Long> proposal = quorum.log(follower).propose(Batches.batch(0));

        assertThat(proposal)
                .failsWithin(1, TimeUnit.SECONDS)
                .withThrowableOfType(java.util.concurrent.ExecutionException.class)
                .withCauseInstanceOf(NotControllerException.class)
                .withMessageContaining("the quorum's leader is node " + leader);
        assertThat(quorum.log(follower).isLeader()).isFalse();
    }

    @Test
    void shouldElectANewLeaderLoseNothingAndCatchTheOldLeaderUpWhenItComesBack() {
        final int first = quorum.awaitLeader();
        proposeAll(quorum.log(first), 0, 10);

        final long stoppedAt = System.nanoTime();
        quorum.stop(first);
        final int second = quorum.awaitLeader();
        final long electedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stoppedAt);
        assertThat(second).isNotEqualTo(first);
        assertThat(electedMs).as("a new leader within a few seconds").isLessThan(8_000);
        assertThat(quorum.log(second).lastOffset()).isEqualTo(Batches.lastOffsetOf(9));
        proposeAll(quorum.log(second), 10, 20);

        quorum.start(first);
        listen(first);

        awaitEveryRunningNodeApplied(expected(0, 20));
        assertThat(quorum.log(first).isLeader()).isFalse();
    }

    @Test
    void shouldKeepOffsetsDenseAcrossRestartsOfEveryVoter() {
        proposeAll(quorum.log(quorum.awaitLeader()), 0, 5);
        quorum.close();

        quorum.startAll();
        for (final int id : quorum.runningIds()) {
            listen(id);
        }
        final int leader = quorum.awaitLeader();
        proposeAll(quorum.log(leader), 5, 10);

        awaitEveryRunningNodeApplied(expected(0, 10));
    }

    @Test
    void shouldTellTheLeadershipListenerAndFailPendingProposalsWhenTheLeaderLosesItsMajority() {
        final int leader = quorum.awaitLeader();
        final List<String> events = new CopyOnWriteArrayList<>();
        quorum.log(leader).setLeadershipListener(new LeadershipListener() {
            @Override
            public void onBecameLeader(final long term) {
                events.add("leader " + term);
            }

            @Override
            public void onResigned(final long term) {
                events.add("resigned " + term);
            }
        });
        Await.until(QuorumFixture.WAIT, () -> events.size() == 1, "the listener hears it leads");
        final long term = quorum.log(leader).quorumState().term();
        assertThat(events).containsExactly("leader " + term);
        quorum.stopAll(quorum.runningIds().stream().filter(id -> id != leader).toList());

        final CompletableFuture<Long> pending = quorum.log(leader).propose(Batches.batch(0));

        assertThat(pending)
                .failsWithin(10, TimeUnit.SECONDS)
                .withThrowableOfType(java.util.concurrent.ExecutionException.class)
                .withCauseInstanceOf(NotControllerException.class);
        Await.until(QuorumFixture.WAIT, () -> events.size() == 2, "the listener hears it resigned");
        assertThat(events).containsExactly("leader " + term, "resigned " + term);
        assertThat(quorum.log(leader).isLeader()).isFalse();
    }
}
