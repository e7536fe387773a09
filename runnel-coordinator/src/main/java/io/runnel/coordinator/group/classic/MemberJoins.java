package io.runnel.coordinator.group.classic;

import io.runnel.coordinator.group.GroupConfig;
import io.runnel.coordinator.group.GroupErrors;
import io.runnel.coordinator.group.store.GroupRecord;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * JoinGroup: who may join a classic group and how a member joins it. A new dynamic member is handed its id
 * first (KIP-394, from v4); a known member rejoins, or is given the current generation again when nothing
 * changed; a static member that restarts takes its old place (KIP-345). Each joiner is parked until the
 * {@link JoinPhase} completes. Runs on the group coordinator's owner thread; not thread-safe.
 */
final class MemberJoins {
    private static final Logger LOG = LoggerFactory.getLogger(MemberJoins.class);

    private final ClassicGroups groups;
    private final GroupConfig config;
    private final Liveness liveness;
    private final JoinPhase joinPhase;
    private final Departures departures;

    MemberJoins(
            final ClassicGroups groups,
            final Liveness liveness,
            final JoinPhase joinPhase,
            final Departures departures) {
        this.groups = groups;
        this.config = groups.config();
        this.liveness = liveness;
        this.joinPhase = joinPhase;
        this.departures = departures;
    }

    void join(
            final String clientId,
            final String clientHost,
            final JoinGroupRequestData request,
            final short version,
            final CompletableFuture<JoinGroupResponseData> response) {
        final String groupId = request.groupId();
        final String memberId = request.memberId();
        if (groupId == null || groupId.isEmpty()) {
            response.complete(Responses.joinError(request, version, Errors.INVALID_GROUP_ID));
            return;
        }
        if (request.sessionTimeoutMs() < config.minSessionTimeoutMs()
                || request.sessionTimeoutMs() > config.maxSessionTimeoutMs()) {
            response.complete(Responses.joinError(request, version, Errors.INVALID_SESSION_TIMEOUT));
            return;
        }
        final boolean unknownMember = memberId.isEmpty();
        ClassicGroup group = groups.get(groupId);
        if (group == null) {
            if (!unknownMember) {
                response.complete(Responses.joinError(request, version, Errors.UNKNOWN_MEMBER_ID));
                return;
            }
            group = groups.create(groupId);
        }
        final JoinRequest join = new JoinRequest(clientId, clientHost, request, version, response);
        if (!acceptJoiningMember(group, memberId)) {
            final ClassicMember member = group.member(memberId);
            if (member != null) {
                departures.removeMemberAndUpdateGroup(group, member);
            }
            join.fail("", Errors.GROUP_MAX_SIZE_REACHED);
        } else if (unknownMember) {
            joinNewMember(group, join);
        } else {
            joinExistingMember(group, join);
        }
    }

    /** One JoinGroup in flight, with what its response needs. */
    private record JoinRequest(
            String clientId,
            String clientHost,
            JoinGroupRequestData data,
            short version,
            CompletableFuture<JoinGroupResponseData> response) {
        List<ClassicMember.Protocol> protocols() {
            return ClassicMember.protocolsOf(data.protocols());
        }

        int rebalanceTimeoutMs() {
            // JoinGroup v0 has no rebalance timeout: the session timeout is used, as in Kafka.
            return data.rebalanceTimeoutMs() < 0 ? data.sessionTimeoutMs() : data.rebalanceTimeoutMs();
        }

        ClassicMember.Pending<JoinGroupResponseData> pending() {
            return new ClassicMember.Pending<>(response, version);
        }

        void fail(final String memberId, final Errors error) {
            response.complete(Responses.join(
                    new JoinGroupResponseData()
                            .setMemberId(memberId)
                            .setProtocolName(null)
                            .setErrorCode(error.code()),
                    version));
        }

        void complete(final JoinGroupResponseData data) {
            response.complete(Responses.join(data, version));
        }
    }

    /** {@code group.max.size}: while rebalancing only the members that rejoined count. */
    private boolean acceptJoiningMember(final ClassicGroup group, final String memberId) {
        return switch (group.state()) {
            case EMPTY, DEAD -> true;
            case PREPARING_REBALANCE ->
                (group.hasMember(memberId) && group.member(memberId).isAwaitingJoin())
                        || group.numAwaitingJoin() < config.maxSize();
            case COMPLETING_REBALANCE, STABLE -> group.hasMember(memberId) || group.size() < config.maxSize();
        };
    }

    private void joinNewMember(final ClassicGroup group, final JoinRequest join) {
        if (group.isInState(ClassicGroupState.DEAD)) {
            join.fail("", Errors.COORDINATOR_NOT_AVAILABLE);
            return;
        }
        if (!group.supportsProtocols(join.data().protocolType(), join.protocols())) {
            join.fail("", Errors.INCONSISTENT_GROUP_PROTOCOL);
            return;
        }
        final String instanceId = join.data().groupInstanceId();
        final String newMemberId = groups.newMemberId(join.clientId(), instanceId);
        if (instanceId != null) {
            final String existing = group.staticMemberId(instanceId);
            if (existing != null) {
                replaceStaticMember(group, join, existing, newMemberId);
            } else {
                addMemberThenRebalanceOrCompleteJoin(group, join, newMemberId);
            }
        } else if (join.version() >= 4) {
            // KIP-394: the member must come back with this id, so a client that times out leaves no ghost.
            liveness.awaitRejoin(group, newMemberId, join.data().sessionTimeoutMs());
            join.fail(newMemberId, Errors.MEMBER_ID_REQUIRED);
        } else {
            addMemberThenRebalanceOrCompleteJoin(group, join, newMemberId);
        }
    }

    private void joinExistingMember(final ClassicGroup group, final JoinRequest join) {
        final String memberId = join.data().memberId();
        if (group.isInState(ClassicGroupState.DEAD)) {
            join.fail(memberId, Errors.COORDINATOR_NOT_AVAILABLE);
            return;
        }
        if (!group.supportsProtocols(join.data().protocolType(), join.protocols())) {
            join.fail(memberId, Errors.INCONSISTENT_GROUP_PROTOCOL);
            return;
        }
        if (group.waits().isPendingMember(memberId)) {
            if (join.data().groupInstanceId() != null) {
                join.fail(memberId, Errors.UNKNOWN_MEMBER_ID);
                return;
            }
            group.waits().removePendingMember(memberId);
            addMemberThenRebalanceOrCompleteJoin(group, join, memberId);
            return;
        }
        try {
            group.validateMember(memberId, join.data().groupInstanceId());
        } catch (final RuntimeException e) {
            join.fail(memberId, Errors.forException(e));
            return;
        }
        final ClassicMember member = group.member(memberId);
        switch (group.state()) {
            case PREPARING_REBALANCE -> updateMemberThenRebalanceOrCompleteJoin(group, member, join);
            case COMPLETING_REBALANCE -> {
                if (member.matches(join.protocols())) {
                    // It lost the JoinGroup response: give it the current generation again.
                    join.complete(
                            JoinPhase.currentGeneration(group, memberId, group.isLeader(memberId), group.leaderId()));
                } else {
                    updateMemberThenRebalanceOrCompleteJoin(group, member, join);
                }
            }
            case STABLE -> {
                if (group.isLeader(memberId) || !member.matches(join.protocols())) {
                    // The leader rejoining asks for a new assignment (e.g. topic metadata changed).
                    updateMemberThenRebalanceOrCompleteJoin(group, member, join);
                } else {
                    join.complete(JoinPhase.currentGeneration(group, memberId, false, group.leaderId()));
                }
            }
            case EMPTY, DEAD -> join.fail(memberId, Errors.UNKNOWN_MEMBER_ID);
        }
    }

    private void addMemberThenRebalanceOrCompleteJoin(
            final ClassicGroup group, final JoinRequest join, final String memberId) {
        final ClassicMember member = new ClassicMember(
                memberId,
                join.data().groupInstanceId(),
                join.clientId(),
                join.clientHost(),
                join.rebalanceTimeoutMs(),
                join.data().sessionTimeoutMs(),
                join.data().protocolType(),
                join.protocols());
        member.isNew(true);
        if (group.isInState(ClassicGroupState.PREPARING_REBALANCE)
                && group.previousState() == ClassicGroupState.EMPTY) {
            group.waits().newMemberAdded(true);
        }
        group.addMember(member);
        member.awaitJoin(join.pending());
        // A new member cannot heartbeat while parked; bound its wait instead (Kafka's new member join timeout).
        liveness.restartSession(group, member, GroupConfig.NEW_MEMBER_JOIN_TIMEOUT_MS);
        joinPhase.maybePrepareRebalanceOrCompleteJoin(group);
    }

    private void updateMemberThenRebalanceOrCompleteJoin(
            final ClassicGroup group, final ClassicMember member, final JoinRequest join) {
        group.updateMember(
                member, join.protocols(), join.rebalanceTimeoutMs(), join.data().sessionTimeoutMs());
        member.awaitJoin(join.pending());
        joinPhase.maybePrepareRebalanceOrCompleteJoin(group);
    }

    /**
     * KIP-345: a known instance joins with an unknown member id (a restart). It takes over the old member's
     * place; in Stable, when the selected protocol would not change, the group keeps its generation and
     * assignment and no rebalance happens.
     */
    private void replaceStaticMember(
            final ClassicGroup group, final JoinRequest join, final String oldMemberId, final String newMemberId) {
        final String instanceId = join.data().groupInstanceId();
        final String previousLeader = group.leaderId();
        final ClassicMember member = group.replaceStaticMember(instanceId, oldMemberId, newMemberId);
        liveness.restartSession(group, member, member.sessionTimeoutMs());
        final List<ClassicMember.Protocol> oldProtocols = member.protocols();
        final int oldRebalanceTimeoutMs = member.rebalanceTimeoutMs();
        final int oldSessionTimeoutMs = member.sessionTimeoutMs();
        group.updateMember(
                member, join.protocols(), join.rebalanceTimeoutMs(), join.data().sessionTimeoutMs());
        member.awaitJoin(join.pending());

        switch (group.state()) {
            case STABLE -> {
                if (!Objects.equals(group.protocolName(), group.selectProtocol())) {
                    joinPhase.maybePrepareRebalanceOrCompleteJoin(group);
                    return;
                }
                final int generation = group.generationId();
                final GroupRecord record = group.toRecord(group.currentAssignments());
                groups.append(group.groupId(), List.of(record)).whenComplete((ignored, failure) -> {
                    if (failure != null) {
                        LOG.warn(
                                "Could not persist static member {} of group {}; reverting to member {}",
                                newMemberId,
                                group.groupId(),
                                oldMemberId,
                                failure);
                        if (group.hasMember(newMemberId)) {
                            group.updateMember(member, oldProtocols, oldRebalanceTimeoutMs, oldSessionTimeoutMs);
                            member.completeJoin(new JoinGroupResponseData()
                                    .setMemberId("")
                                    .setGenerationId(generation)
                                    .setProtocolType(group.protocolType())
                                    .setProtocolName(group.protocolName())
                                    .setLeader(previousLeader)
                                    .setErrorCode(GroupErrors.fromStoreFailure(failure)
                                            .code()));
                            final ClassicMember restored =
                                    group.replaceStaticMember(instanceId, newMemberId, oldMemberId);
                            liveness.restartSession(group, restored, restored.sessionTimeoutMs());
                        }
                        return;
                    }
                    final boolean isLeader = group.isLeader(newMemberId);
                    if (join.version() >= 9) {
                        // KIP-814: the leader learns the members but keeps the current assignment.
                        final JoinGroupResponseData response =
                                JoinPhase.currentGeneration(group, newMemberId, isLeader, group.leaderId());
                        member.completeJoin(response.setSkipAssignment(isLeader));
                    } else {
                        // Older leaders would reassign: they are told the old leader id, so they act as followers
                        // and fetch the assignment they already had with SyncGroup.
                        member.completeJoin(JoinPhase.currentGeneration(group, newMemberId, false, previousLeader));
                    }
                });
            }
            case COMPLETING_REBALANCE ->
                // The leader may have computed the assignment for the old id: assign again.
                joinPhase.prepareRebalance(group);
            case PREPARING_REBALANCE -> joinPhase.maybeCompleteJoinPhase(group);
            case EMPTY, DEAD ->
                throw new IllegalStateException(
                        "static member " + instanceId + " rejoined " + group.groupId() + " in state " + group.state());
        }
    }
}
