package io.runnel.coordinator.group.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.Test;

/** A member moves towards its target revoking first, never taking a partition another member still holds. */
class ReconcilerTest {
    private static final Uuid TOPIC = new Uuid(7, 7);
    private final Map<Integer, String> owners = new HashMap<>();
    private final Reconciler.Owners ownerOf = (topic, partition) -> owners.get(partition);

    private static ConsumerMember member(final int epoch, final Set<Integer> assigned) {
        return new ConsumerMember(
                "a",
                null,
                null,
                "client",
                "/host",
                List.of("t"),
                null,
                null,
                30_000,
                epoch,
                epoch - 1,
                MemberState.STABLE,
                Map.of(TOPIC, assigned),
                Map.of(),
                null);
    }

    private static Map<Uuid, Set<Integer>> partitions(final Integer... ps) {
        return Map.of(TOPIC, Set.of(ps));
    }

    @Test
    void shouldKeepAStableMemberAtTheTargetEpochAsItIs() {
        final ConsumerMember a = member(3, Set.of(0, 1));
        assertThat(Reconciler.reconcile(a, 3, partitions(0, 1), null, ownerOf)).isSameAs(a);
    }

    @Test
    void shouldAskForRevocationFirstAndKeepTheOldEpochUntilTheMemberLetsGo() {
        final ConsumerMember a = member(3, Set.of(0, 1, 2));
        final ConsumerMember revoking = Reconciler.reconcile(a, 4, partitions(0, 3), null, ownerOf);
        assertThat(revoking.state()).isEqualTo(MemberState.UNREVOKED_PARTITIONS);
        assertThat(revoking.memberEpoch()).isEqualTo(3);
        assertThat(revoking.assigned()).isEqualTo(partitions(0));
        assertThat(revoking.pendingRevocation()).isEqualTo(partitions(1, 2));

        // a heartbeat that does not say what it owns, or still owns a revoked partition, changes nothing
        assertThat(Reconciler.reconcile(revoking, 4, partitions(0, 3), null, ownerOf))
                .isSameAs(revoking);
        assertThat(Reconciler.reconcile(revoking, 4, partitions(0, 3), partitions(0, 2), ownerOf))
                .isSameAs(revoking);

        final ConsumerMember done = Reconciler.reconcile(revoking, 4, partitions(0, 3), partitions(0), ownerOf);
        assertThat(done.state()).isEqualTo(MemberState.STABLE);
        assertThat(done.memberEpoch()).isEqualTo(4);
        assertThat(done.previousMemberEpoch()).isEqualTo(3);
        assertThat(done.assigned()).isEqualTo(partitions(0, 3));
        assertThat(done.pendingRevocation()).isEmpty();
    }

    @Test
    void shouldWaitForAPartitionThatAnotherMemberStillHolds() {
        owners.put(1, "b");
        final ConsumerMember a = member(3, Set.of(0));
        final ConsumerMember waiting = Reconciler.reconcile(a, 4, partitions(0, 1, 2), partitions(0), ownerOf);
        assertThat(waiting.state()).isEqualTo(MemberState.UNRELEASED_PARTITIONS);
        assertThat(waiting.memberEpoch()).isEqualTo(4);
        assertThat(waiting.assigned()).isEqualTo(partitions(0, 2));

        owners.remove(1);
        final ConsumerMember done = Reconciler.reconcile(waiting, 4, partitions(0, 1, 2), partitions(0, 2), ownerOf);
        assertThat(done.state()).isEqualTo(MemberState.STABLE);
        assertThat(done.assigned()).isEqualTo(partitions(0, 1, 2));
    }

    @Test
    void shouldMoveStraightOnWhenTheMemberAlreadyGaveUpWhatItLoses() {
        final ConsumerMember a = member(3, Set.of(0, 1));
        final ConsumerMember moved = Reconciler.reconcile(a, 4, partitions(0), partitions(0), ownerOf);
        assertThat(moved.state()).isEqualTo(MemberState.STABLE);
        assertThat(moved.memberEpoch()).isEqualTo(4);
        assertThat(moved.assigned()).isEqualTo(partitions(0));
    }
}
