package io.runnel.coordinator.group.consumer;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.Uuid;

/**
 * Moves a member one step from what it owns towards its target assignment, the KIP-848 way: a member first gives
 * up the partitions it must lose (and keeps its epoch until it says so), then takes the new epoch with every
 * target partition that nobody else still holds, and the rest once their owners let go. Transitions are those of
 * {@link MemberState}. A pure function of its inputs.
 */
final class Reconciler {
    /** Who holds a partition: the member id, or null when it is free. */
    interface Owners {
        String owner(Uuid topicId, int partition);
    }

    private Reconciler() {}

    /**
     * @param owned the partitions the member says it owns in this heartbeat; null when it did not say
     */
    static ConsumerMember reconcile(
            final ConsumerMember member,
            final int targetEpoch,
            final Map<Uuid, Set<Integer>> target,
            final Map<Uuid, Set<Integer>> owned,
            final Owners owners) {
        return switch (member.state()) {
            case STABLE ->
                member.memberEpoch() != targetEpoch ? next(member, targetEpoch, target, owned, owners) : member;
            case UNREVOKED_PARTITIONS ->
                stillOwns(owned, member.pendingRevocation())
                        ? member
                        : next(member, targetEpoch, target, owned, owners);
            case UNRELEASED_PARTITIONS -> next(member, targetEpoch, target, owned, owners);
        };
    }

    private static ConsumerMember next(
            final ConsumerMember member,
            final int targetEpoch,
            final Map<Uuid, Set<Integer>> target,
            final Map<Uuid, Set<Integer>> owned,
            final Owners owners) {
        final Map<Uuid, Set<Integer>> kept = Partitions.intersect(member.assigned(), target);
        final Map<Uuid, Set<Integer>> revoke = Partitions.minus(member.assigned(), target);
        if (!revoke.isEmpty() && stillOwns(owned, revoke)) {
            return member.reconciled(MemberState.UNREVOKED_PARTITIONS, member.memberEpoch(), kept, revoke);
        }
        final Map<Uuid, Set<Integer>> assigned = new HashMap<>();
        kept.forEach((topic, partitions) -> assigned.put(topic, new HashSet<>(partitions)));
        boolean unreleased = false;
        for (final Map.Entry<Uuid, Set<Integer>> e :
                Partitions.minus(target, kept).entrySet()) {
            for (final int partition : e.getValue()) {
                final String owner = owners.owner(e.getKey(), partition);
                if (owner == null || owner.equals(member.memberId())) {
                    assigned.computeIfAbsent(e.getKey(), t -> new HashSet<>()).add(partition);
                } else {
                    unreleased = true;
                }
            }
        }
        return member.reconciled(
                unreleased ? MemberState.UNRELEASED_PARTITIONS : MemberState.STABLE, targetEpoch, assigned, Map.of());
    }

    /** Whether the member may still own some of {@code partitions}: yes when it did not say what it owns. */
    private static boolean stillOwns(final Map<Uuid, Set<Integer>> owned, final Map<Uuid, Set<Integer>> partitions) {
        return owned == null || Partitions.overlap(owned, partitions);
    }
}
