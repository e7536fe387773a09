package io.runnel.coordinator.group.consumer;

import io.runnel.coordinator.group.store.GroupRecord;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.Uuid;

/**
 * One member of a consumer group, immutable: who it is, what it subscribes to, its epochs and reconciliation
 * state, the partitions it owns and those it has yet to revoke (both by topic id). A change makes a new value.
 *
 * @param subscribedTopicNames never null (empty when the member subscribes by regex only)
 * @param subscribedTopicRegex null unless the member subscribes by regular expression
 * @param serverAssignor       the assignor the member asked for, or null
 * @param classic              what a member speaking the classic protocol said when it joined; null for a
 *                             member of the consumer protocol
 */
public record ConsumerMember(
        String memberId,
        String instanceId,
        String rackId,
        String clientId,
        String clientHost,
        List<String> subscribedTopicNames,
        String subscribedTopicRegex,
        String serverAssignor,
        int rebalanceTimeoutMs,
        int memberEpoch,
        int previousMemberEpoch,
        MemberState state,
        Map<Uuid, Set<Integer>> assigned,
        Map<Uuid, Set<Integer>> pendingRevocation,
        GroupRecord.ClassicMemberMetadata classic) {

    /** The epoch of a static member that left for now and may come back within its session (KIP-848). */
    public static final int LEAVE_STATIC_EPOCH = -2;
    /** The epoch a member sends to leave. */
    public static final int LEAVE_EPOCH = -1;

    public ConsumerMember {
        subscribedTopicNames = List.copyOf(subscribedTopicNames);
        assigned = Partitions.copy(assigned);
        pendingRevocation = Partitions.copy(pendingRevocation);
    }

    /** A member that has just joined: epoch 0, nothing owned. */
    static ConsumerMember joining(
            final String memberId,
            final String instanceId,
            final String rackId,
            final String clientId,
            final String clientHost,
            final int rebalanceTimeoutMs) {
        return new ConsumerMember(
                memberId,
                instanceId,
                rackId,
                clientId,
                clientHost,
                List.of(),
                null,
                null,
                rebalanceTimeoutMs,
                0,
                0,
                MemberState.STABLE,
                Map.of(),
                Map.of(),
                null);
    }

    boolean isStatic() {
        return instanceId != null;
    }

    ConsumerMember withSubscription(final List<String> names, final String regex) {
        return new ConsumerMember(
                memberId,
                instanceId,
                rackId,
                clientId,
                clientHost,
                names,
                regex,
                serverAssignor,
                rebalanceTimeoutMs,
                memberEpoch,
                previousMemberEpoch,
                state,
                assigned,
                pendingRevocation,
                classic);
    }

    /** The member speaking the classic protocol with what its latest JoinGroup said. */
    ConsumerMember withClassic(final GroupRecord.ClassicMemberMetadata newClassic) {
        return new ConsumerMember(
                memberId,
                instanceId,
                rackId,
                clientId,
                clientHost,
                subscribedTopicNames,
                subscribedTopicRegex,
                serverAssignor,
                rebalanceTimeoutMs,
                memberEpoch,
                previousMemberEpoch,
                state,
                assigned,
                pendingRevocation,
                newClassic);
    }

    boolean isClassic() {
        return classic != null;
    }

    ConsumerMember withClient(
            final String newRackId,
            final String newClientId,
            final String newClientHost,
            final String newServerAssignor,
            final int newRebalanceTimeoutMs) {
        return new ConsumerMember(
                memberId,
                instanceId,
                newRackId,
                newClientId,
                newClientHost,
                subscribedTopicNames,
                subscribedTopicRegex,
                newServerAssignor,
                newRebalanceTimeoutMs,
                memberEpoch,
                previousMemberEpoch,
                state,
                assigned,
                pendingRevocation,
                classic);
    }

    /** The member after reconciliation: {@code epoch} becomes its epoch, the old one its previous epoch. */
    ConsumerMember reconciled(
            final MemberState newState,
            final int epoch,
            final Map<Uuid, Set<Integer>> newAssigned,
            final Map<Uuid, Set<Integer>> newPending) {
        return new ConsumerMember(
                memberId,
                instanceId,
                rackId,
                clientId,
                clientHost,
                subscribedTopicNames,
                subscribedTopicRegex,
                serverAssignor,
                rebalanceTimeoutMs,
                epoch,
                epoch == memberEpoch ? previousMemberEpoch : memberEpoch,
                newState,
                newAssigned,
                newPending,
                classic);
    }

    /** The same static instance back under a new member id: epoch 0, owning what it owned (KIP-848). */
    ConsumerMember rejoinedAs(final String newMemberId) {
        return new ConsumerMember(
                newMemberId,
                instanceId,
                rackId,
                clientId,
                clientHost,
                subscribedTopicNames,
                subscribedTopicRegex,
                serverAssignor,
                rebalanceTimeoutMs,
                0,
                0,
                MemberState.STABLE,
                assigned,
                Map.of(),
                classic);
    }

    /** A static member that left for now: epoch -2, keeping its partitions but no longer revoking any. */
    ConsumerMember leftForNow() {
        return new ConsumerMember(
                memberId,
                instanceId,
                rackId,
                clientId,
                clientHost,
                subscribedTopicNames,
                subscribedTopicRegex,
                serverAssignor,
                rebalanceTimeoutMs,
                LEAVE_STATIC_EPOCH,
                memberEpoch,
                MemberState.STABLE,
                assigned,
                Map.of(),
                classic);
    }

    GroupRecord.ConsumerMember toRecord(final String groupId, final Map<Uuid, Set<Integer>> target) {
        return new GroupRecord.ConsumerMember(
                groupId,
                memberId,
                instanceId,
                rackId,
                clientId,
                clientHost,
                subscribedTopicNames,
                subscribedTopicRegex,
                serverAssignor,
                rebalanceTimeoutMs,
                memberEpoch,
                previousMemberEpoch,
                state.code(),
                assigned,
                pendingRevocation,
                target,
                classic);
    }

    static ConsumerMember fromRecord(final GroupRecord.ConsumerMember r) {
        return new ConsumerMember(
                r.memberId(),
                r.instanceId(),
                r.rackId(),
                r.clientId(),
                r.clientHost(),
                r.subscribedTopicNames() == null ? List.of() : r.subscribedTopicNames(),
                r.subscribedTopicRegex(),
                r.serverAssignor(),
                r.rebalanceTimeoutMs(),
                r.memberEpoch(),
                r.previousMemberEpoch(),
                MemberState.fromCode(r.state()),
                r.assigned(),
                r.pendingRevocation(),
                r.classic());
    }
}
