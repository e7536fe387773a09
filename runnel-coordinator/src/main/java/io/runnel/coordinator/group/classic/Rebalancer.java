package io.runnel.coordinator.group.classic;

import io.runnel.coordinator.group.Group;
import io.runnel.coordinator.group.GroupConfig;
import io.runnel.coordinator.group.GroupErrors;
import io.runnel.coordinator.group.store.GroupRecord;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.HeartbeatRequestData;
import org.apache.kafka.common.message.HeartbeatResponseData;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.LeaveGroupRequestData;
import org.apache.kafka.common.message.LeaveGroupResponseData;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The classic rebalance protocol: JoinGroup, SyncGroup, Heartbeat and LeaveGroup, and the timers that drive it
 * (initial rebalance delay, rebalance timeout, pending sync, member session). Behaviour follows Kafka's classic
 * group coordinator, including KIP-394 (member id required from JoinGroup v4) and KIP-345 (static members).
 * Every method runs on the group coordinator's thread; not thread-safe.
 */
public final class Rebalancer {
    private static final Logger LOG = LoggerFactory.getLogger(Rebalancer.class);

    private final ClassicGroups groups;
    private final GroupConfig config;

    public Rebalancer(final ClassicGroups groups) {
        this.groups = groups;
        this.config = groups.config();
    }

    /**
     * Once the groups are loaded from the store, members must heartbeat again within their session, and a group
     * bigger than {@code group.max.size} rebalances.
     */
    public void onLoaded() {
        for (final ClassicGroup group : groups.all()) {
            group.members().forEach(m -> rescheduleHeartbeat(group, m, m.sessionTimeoutMs()));
            if (group.size() > config.maxSize()) {
                prepareRebalance(group);
            }
        }
    }

    /**
     * A classic group made from a consumer group whose last consumer-protocol member left (Kafka's online
     * downgrade): it takes the consumer group's offsets, its members' sessions start, and a rebalance begins so
     * that a leader assigns with the client-side assignor again.
     */
    public void adopt(final GroupRecord.GroupMetadata record, final Group previous) {
        final ClassicGroup group = (ClassicGroup) groups.restore(record);
        group.offsets().takeOver(previous.offsets());
        group.members().forEach(m -> rescheduleHeartbeat(group, m, m.sessionTimeoutMs()));
        prepareRebalance(group);
    }

    // ---- JoinGroup

    public void join(final String clientId, final String clientHost, final JoinGroupRequestData request,
                     final short version, final CompletableFuture<JoinGroupResponseData> response) {
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
                removeMemberAndUpdateGroup(group, member);
            }
            join.fail("", Errors.GROUP_MAX_SIZE_REACHED);
        } else if (unknownMember) {
            joinNewMember(group, join);
        } else {
            joinExistingMember(group, join);
        }
    }

    /** One JoinGroup in flight, with what its response needs. */
    private record JoinRequest(String clientId, String clientHost, JoinGroupRequestData data, short version,
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
            response.complete(Responses.join(new JoinGroupResponseData().setMemberId(memberId)
                    .setProtocolName(null).setErrorCode(error.code()), version));
        }

        void complete(final JoinGroupResponseData data) {
            response.complete(Responses.join(data, version));
        }
    }

    private boolean acceptJoiningMember(final ClassicGroup group, final String memberId) {
        return switch (group.state()) {
            case EMPTY, DEAD -> true;
            case PREPARING_REBALANCE -> (group.hasMember(memberId) && group.member(memberId).isAwaitingJoin())
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
            final String groupId = group.groupId();
            group.addPendingMember(newMemberId, groups.scheduler().schedule(join.data().sessionTimeoutMs(),
                    () -> onHeartbeatExpired(groupId, newMemberId)));
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
        if (group.isPendingMember(memberId)) {
            if (join.data().groupInstanceId() != null) {
                join.fail(memberId, Errors.UNKNOWN_MEMBER_ID);
                return;
            }
            group.removePendingMember(memberId);
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
                    join.complete(currentGeneration(group, memberId, group.isLeader(memberId), group.leaderId()));
                } else {
                    updateMemberThenRebalanceOrCompleteJoin(group, member, join);
                }
            }
            case STABLE -> {
                if (group.isLeader(memberId) || !member.matches(join.protocols())) {
                    // The leader rejoining asks for a new assignment (e.g. topic metadata changed).
                    updateMemberThenRebalanceOrCompleteJoin(group, member, join);
                } else {
                    join.complete(currentGeneration(group, memberId, false, group.leaderId()));
                }
            }
            case EMPTY, DEAD -> join.fail(memberId, Errors.UNKNOWN_MEMBER_ID);
        }
    }

    private static JoinGroupResponseData currentGeneration(final ClassicGroup group, final String memberId,
                                                           final boolean withMembers, final String leader) {
        return new JoinGroupResponseData()
                .setMembers(withMembers ? group.joinMembers() : new ArrayList<>())
                .setMemberId(memberId)
                .setGenerationId(group.generationId())
                .setProtocolType(group.protocolType())
                .setProtocolName(group.protocolName())
                .setLeader(leader);
    }

    private void addMemberThenRebalanceOrCompleteJoin(final ClassicGroup group, final JoinRequest join,
                                                      final String memberId) {
        final ClassicMember member = new ClassicMember(memberId, join.data().groupInstanceId(), join.clientId(),
                join.clientHost(), join.rebalanceTimeoutMs(), join.data().sessionTimeoutMs(),
                join.data().protocolType(), join.protocols());
        member.isNew(true);
        if (group.isInState(ClassicGroupState.PREPARING_REBALANCE)
                && group.previousState() == ClassicGroupState.EMPTY) {
            group.newMemberAdded(true);
        }
        group.addMember(member);
        member.awaitJoin(join.pending());
        // A new member cannot heartbeat while parked; bound its wait instead (Kafka's new member join timeout).
        rescheduleHeartbeat(group, member, GroupConfig.NEW_MEMBER_JOIN_TIMEOUT_MS);
        maybePrepareRebalanceOrCompleteJoin(group);
    }

    private void updateMemberThenRebalanceOrCompleteJoin(final ClassicGroup group, final ClassicMember member,
                                                         final JoinRequest join) {
        group.updateMember(member, join.protocols(), join.rebalanceTimeoutMs(), join.data().sessionTimeoutMs());
        member.awaitJoin(join.pending());
        maybePrepareRebalanceOrCompleteJoin(group);
    }

    /**
     * KIP-345: a known instance joins with an unknown member id (a restart). It takes over the old member's
     * place; in Stable, when the selected protocol would not change, the group keeps its generation and
     * assignment and no rebalance happens.
     */
    private void replaceStaticMember(final ClassicGroup group, final JoinRequest join, final String oldMemberId,
                                     final String newMemberId) {
        final String instanceId = join.data().groupInstanceId();
        final String previousLeader = group.leaderId();
        final ClassicMember member = group.replaceStaticMember(instanceId, oldMemberId, newMemberId);
        rescheduleHeartbeat(group, member, member.sessionTimeoutMs());
        final List<ClassicMember.Protocol> oldProtocols = member.protocols();
        final int oldRebalanceTimeoutMs = member.rebalanceTimeoutMs();
        final int oldSessionTimeoutMs = member.sessionTimeoutMs();
        group.updateMember(member, join.protocols(), join.rebalanceTimeoutMs(), join.data().sessionTimeoutMs());
        member.awaitJoin(join.pending());

        switch (group.state()) {
            case STABLE -> {
                if (!java.util.Objects.equals(group.protocolName(), group.selectProtocol())) {
                    maybePrepareRebalanceOrCompleteJoin(group);
                    return;
                }
                final int generation = group.generationId();
                final GroupRecord record = group.toRecord(group.currentAssignments());
                groups.append(group.groupId(), List.of(record)).whenComplete((ignored, failure) -> {
                    if (failure != null) {
                        LOG.warn("Could not persist static member {} of group {}; reverting to member {}",
                                newMemberId, group.groupId(), oldMemberId, failure);
                        if (group.hasMember(newMemberId)) {
                            group.updateMember(member, oldProtocols, oldRebalanceTimeoutMs, oldSessionTimeoutMs);
                            member.completeJoin(new JoinGroupResponseData().setMemberId("")
                                    .setGenerationId(generation).setProtocolType(group.protocolType())
                                    .setProtocolName(group.protocolName()).setLeader(previousLeader)
                                    .setErrorCode(GroupErrors.fromStoreFailure(failure).code()));
                            final ClassicMember restored = group.replaceStaticMember(instanceId, newMemberId, oldMemberId);
                            rescheduleHeartbeat(group, restored, restored.sessionTimeoutMs());
                        }
                        return;
                    }
                    final boolean isLeader = group.isLeader(newMemberId);
                    if (join.version() >= 9) {
                        // KIP-814: the leader learns the members but keeps the current assignment.
                        final JoinGroupResponseData response = currentGeneration(group, newMemberId, isLeader,
                                group.leaderId());
                        member.completeJoin(response.setSkipAssignment(isLeader));
                    } else {
                        // Older leaders would reassign: they are told the old leader id, so they act as followers
                        // and fetch the assignment they already had with SyncGroup.
                        member.completeJoin(currentGeneration(group, newMemberId, false, previousLeader));
                    }
                });
            }
            case COMPLETING_REBALANCE ->
                // The leader may have computed the assignment for the old id: assign again.
                prepareRebalance(group);
            case PREPARING_REBALANCE -> maybeCompleteJoinPhase(group);
            case EMPTY, DEAD -> throw new IllegalStateException("static member " + instanceId + " rejoined "
                    + group.groupId() + " in state " + group.state());
        }
    }

    // ---- the rebalance itself

    private void maybePrepareRebalanceOrCompleteJoin(final ClassicGroup group) {
        if (group.canRebalance()) {
            prepareRebalance(group);
        } else {
            maybeCompleteJoinPhase(group);
        }
    }

    void prepareRebalance(final ClassicGroup group) {
        if (group.isInState(ClassicGroupState.COMPLETING_REBALANCE)) {
            resetAndPropagateAssignmentWithError(group, Errors.REBALANCE_IN_PROGRESS);
        }
        group.cancelSyncTimeout();
        group.clearPendingSyncMembers();
        final boolean initialRebalance = group.isInState(ClassicGroupState.EMPTY);
        final String groupId = group.groupId();
        if (initialRebalance) {
            // A new group waits group.initial.rebalance.delay.ms for more members, extended while they arrive.
            final int delayMs = config.initialRebalanceDelayMs();
            final int remainingMs = Math.max(group.rebalanceTimeoutMs() - delayMs, 0);
            group.joinTimeout(groups.scheduler().schedule(delayMs,
                    () -> onInitialDelayElapsed(groupId, group, delayMs, remainingMs)));
        }
        group.transitionTo(ClassicGroupState.PREPARING_REBALANCE, groups.nowMs());
        LOG.debug("Preparing to rebalance group {} with old generation {}", groupId, group.generationId());
        if (!initialRebalance) {
            if (group.hasAllMembersJoined()) {
                completeJoin(group);
            } else {
                group.joinTimeout(groups.scheduler().schedule(group.rebalanceTimeoutMs(),
                        () -> onRebalanceTimeout(groupId, group)));
            }
        }
    }

    private void onInitialDelayElapsed(final String groupId, final ClassicGroup group, final int delayMs,
                                       final int remainingMs) {
        if (groups.get(groupId) != group || !group.isInState(ClassicGroupState.PREPARING_REBALANCE)) {
            return;
        }
        if (group.newMemberAdded() && remainingMs != 0) {
            group.newMemberAdded(false);
            final int nextDelayMs = Math.min(config.initialRebalanceDelayMs(), remainingMs);
            final int nextRemainingMs = Math.max(remainingMs - delayMs, 0);
            group.joinTimeout(groups.scheduler().schedule(nextDelayMs,
                    () -> onInitialDelayElapsed(groupId, group, nextDelayMs, nextRemainingMs)));
        } else {
            completeJoin(group);
        }
    }

    private void onRebalanceTimeout(final String groupId, final ClassicGroup group) {
        if (groups.get(groupId) == group && group.isInState(ClassicGroupState.PREPARING_REBALANCE)) {
            completeJoin(group);
        }
    }

    private void maybeCompleteJoinPhase(final ClassicGroup group) {
        if (group.isInState(ClassicGroupState.PREPARING_REBALANCE)
                && group.previousState() != ClassicGroupState.EMPTY
                && group.hasAllMembersJoined()) {
            completeJoin(group);
        }
    }

    /**
     * Ends the join phase: dynamic members that did not rejoin are removed (static ones stay until their
     * session expires), the next generation starts, and every parked JoinGroup is answered; the leader gets the
     * members. Then each member has the rebalance timeout to send SyncGroup.
     */
    private void completeJoin(final ClassicGroup group) {
        group.cancelJoinTimeout();
        for (final ClassicMember member : new ArrayList<>(group.members())) {
            if (!member.isAwaitingJoin() && !member.isStatic()) {
                LOG.info("Removing member {} of group {}: it did not rejoin in time", member.memberId(),
                        group.groupId());
                member.completeSync(Responses.syncError(Errors.UNKNOWN_MEMBER_ID));
                group.removeMember(member.memberId());
            }
        }
        if (group.isInState(ClassicGroupState.DEAD)) {
            return;
        }
        final String groupId = group.groupId();
        if (!group.maybeElectNewJoinedLeader() && group.size() > 0) {
            // Only static members that did not rejoin are left: wait for them or for their sessions to expire.
            group.joinTimeout(groups.scheduler().schedule(group.rebalanceTimeoutMs(),
                    () -> onRebalanceTimeout(groupId, group)));
            return;
        }
        group.initNextGeneration(groups.nowMs());
        if (group.isInState(ClassicGroupState.EMPTY)) {
            LOG.info("Group {} is empty at generation {}", groupId, group.generationId());
            groups.append(groupId, List.of(group.toRecord(Map.of()))).whenComplete((ignored, failure) -> {
                if (failure != null) {
                    LOG.warn("Could not persist empty group {}", groupId, failure);
                }
            });
            return;
        }
        LOG.info("Group {} is at generation {} with {} members", groupId, group.generationId(), group.size());
        for (final ClassicMember member : group.members()) {
            final boolean isLeader = group.isLeader(member.memberId());
            member.completeJoin(currentGeneration(group, member.memberId(), isLeader, group.leaderId()));
            rescheduleHeartbeat(group, member, member.sessionTimeoutMs());
            member.isNew(false);
            group.addPendingSyncMember(member.memberId());
        }
        final int generation = group.generationId();
        group.syncTimeout(groups.scheduler().schedule(group.rebalanceTimeoutMs(),
                () -> onPendingSyncExpired(groupId, group, generation)));
    }

    private void onPendingSyncExpired(final String groupId, final ClassicGroup group, final int generation) {
        if (groups.get(groupId) != group || group.generationId() != generation) {
            return;
        }
        if (group.isInState(ClassicGroupState.COMPLETING_REBALANCE) || group.isInState(ClassicGroupState.STABLE)) {
            final var missing = group.pendingSyncMembers();
            if (!missing.isEmpty()) {
                LOG.info("Removing members {} of group {}: no SyncGroup in time", missing, groupId);
                for (final String memberId : missing) {
                    final ClassicMember member = group.removeMember(memberId);
                    if (member != null) {
                        member.completeJoin(new JoinGroupResponseData().setMemberId("")
                                .setErrorCode(Errors.UNKNOWN_MEMBER_ID.code()));
                    }
                }
                prepareRebalance(group);
            }
        }
    }

    private void resetAndPropagateAssignmentWithError(final ClassicGroup group, final Errors error) {
        group.members().forEach(m -> m.assignment(ClassicMember.EMPTY_ASSIGNMENT));
        propagateAssignment(group, error);
    }

    private void propagateAssignment(final ClassicGroup group, final Errors error) {
        for (final ClassicMember member : group.members()) {
            final SyncGroupResponseData response = new SyncGroupResponseData().setErrorCode(error.code())
                    .setAssignment(member.assignment());
            if (error == Errors.NONE) {
                response.setProtocolType(group.protocolType()).setProtocolName(group.protocolName());
            }
            if (member.completeSync(response)) {
                // Its session restarts now: an expiry while it waited was ignored.
                rescheduleHeartbeat(group, member, member.sessionTimeoutMs());
            }
        }
    }

    // ---- SyncGroup

    public void sync(final SyncGroupRequestData request, final short version,
                     final CompletableFuture<SyncGroupResponseData> response) {
        final String groupId = request.groupId();
        if (groupId == null || groupId.isEmpty()) {
            response.complete(Responses.syncError(Errors.INVALID_GROUP_ID));
            return;
        }
        final ClassicGroup group = groups.get(groupId);
        if (group == null || group.isInState(ClassicGroupState.EMPTY)) {
            response.complete(Responses.syncError(Errors.UNKNOWN_MEMBER_ID));
            return;
        }
        if (group.isInState(ClassicGroupState.DEAD)) {
            response.complete(Responses.syncError(Errors.COORDINATOR_NOT_AVAILABLE));
            return;
        }
        final String memberId = request.memberId();
        try {
            group.validateMember(memberId, request.groupInstanceId());
        } catch (final RuntimeException e) {
            response.complete(Responses.syncError(Errors.forException(e)));
            return;
        }
        if (request.generationId() != group.generationId()) {
            response.complete(Responses.syncError(Errors.ILLEGAL_GENERATION));
            return;
        }
        if ((request.protocolType() != null && !request.protocolType().equals(group.protocolType()))
                || (request.protocolName() != null && !request.protocolName().equals(group.protocolName()))) {
            response.complete(Responses.syncError(Errors.INCONSISTENT_GROUP_PROTOCOL));
            return;
        }
        final ClassicMember member = group.member(memberId);
        switch (group.state()) {
            case PREPARING_REBALANCE -> response.complete(Responses.syncError(Errors.REBALANCE_IN_PROGRESS));
            case COMPLETING_REBALANCE -> {
                member.awaitSync(new ClassicMember.Pending<>(response, version));
                group.removePendingSyncMember(memberId);
                if (group.isLeader(memberId)) {
                    onLeaderAssignment(group, request);
                }
            }
            case STABLE -> {
                group.removePendingSyncMember(memberId);
                response.complete(new SyncGroupResponseData().setProtocolType(group.protocolType())
                        .setProtocolName(group.protocolName()).setAssignment(member.assignment()));
            }
            case EMPTY, DEAD -> response.complete(Responses.syncError(Errors.UNKNOWN_MEMBER_ID));
        }
    }

    /** The leader's assignment is persisted first; then every member waiting in SyncGroup gets its part. */
    private void onLeaderAssignment(final ClassicGroup group, final SyncGroupRequestData request) {
        final Map<String, byte[]> assignments = new HashMap<>();
        request.assignments().forEach(a -> assignments.put(a.memberId(), a.assignment()));
        for (final ClassicMember m : group.members()) {
            assignments.putIfAbsent(m.memberId(), ClassicMember.EMPTY_ASSIGNMENT);
        }
        assignments.keySet().retainAll(membersIds(group));
        final int generation = group.generationId();
        groups.append(group.groupId(), List.of(group.toRecord(assignments))).whenComplete((ignored, failure) -> {
            if (!group.isInState(ClassicGroupState.COMPLETING_REBALANCE) || group.generationId() != generation) {
                return;
            }
            if (failure != null) {
                LOG.warn("Could not persist generation {} of group {}", generation, group.groupId(), failure);
                resetAndPropagateAssignmentWithError(group, GroupErrors.fromStoreFailure(failure));
                maybePrepareRebalanceOrCompleteJoin(group);
                return;
            }
            group.members().forEach(m -> m.assignment(assignments.get(m.memberId())));
            propagateAssignment(group, Errors.NONE);
            group.transitionTo(ClassicGroupState.STABLE, groups.nowMs());
        });
    }

    private static java.util.Set<String> membersIds(final ClassicGroup group) {
        final java.util.Set<String> ids = new java.util.HashSet<>();
        group.members().forEach(m -> ids.add(m.memberId()));
        return ids;
    }

    // ---- Heartbeat and session expiry

    public void heartbeat(final HeartbeatRequestData request, final short version,
                          final CompletableFuture<HeartbeatResponseData> response) {
        final String groupId = request.groupId();
        if (groupId == null || groupId.isEmpty()) {
            response.complete(Responses.heartbeatError(Errors.INVALID_GROUP_ID));
            return;
        }
        final ClassicGroup group = groups.get(groupId);
        if (group == null) {
            response.complete(Responses.heartbeatError(Errors.UNKNOWN_MEMBER_ID));
            return;
        }
        if (group.isInState(ClassicGroupState.DEAD)) {
            response.complete(Responses.heartbeatError(Errors.COORDINATOR_NOT_AVAILABLE));
            return;
        }
        try {
            group.validateMember(request.memberId(), request.groupInstanceId());
        } catch (final RuntimeException e) {
            response.complete(Responses.heartbeatError(Errors.forException(e)));
            return;
        }
        if (request.generationId() != group.generationId()) {
            response.complete(Responses.heartbeatError(Errors.ILLEGAL_GENERATION));
            return;
        }
        final ClassicMember member = group.member(request.memberId());
        switch (group.state()) {
            case EMPTY, DEAD -> response.complete(Responses.heartbeatError(Errors.UNKNOWN_MEMBER_ID));
            case PREPARING_REBALANCE -> {
                rescheduleHeartbeat(group, member, member.sessionTimeoutMs());
                response.complete(Responses.heartbeatError(Errors.REBALANCE_IN_PROGRESS));
            }
            case COMPLETING_REBALANCE, STABLE -> {
                rescheduleHeartbeat(group, member, member.sessionTimeoutMs());
                response.complete(new HeartbeatResponseData());
            }
        }
    }

    /** A valid classic member's offset commit counts as a sign of life, as in Kafka. */
    public void onMemberCommit(final Group group, final String memberId) {
        if (group instanceof ClassicGroup classic) {
            onMemberActivity(classic, memberId);
        }
    }

    private void onMemberActivity(final ClassicGroup group, final String memberId) {
        final ClassicMember member = group.member(memberId);
        if (member != null && !group.isInState(ClassicGroupState.DEAD)) {
            rescheduleHeartbeat(group, member, member.sessionTimeoutMs());
        }
    }

    private void rescheduleHeartbeat(final ClassicGroup group, final ClassicMember member, final long timeoutMs) {
        final String groupId = group.groupId();
        final String memberId = member.memberId();
        member.heartbeat(groups.scheduler().schedule(timeoutMs, () -> onHeartbeatExpired(groupId, memberId)));
    }

    private void onHeartbeatExpired(final String groupId, final String memberId) {
        final ClassicGroup group = groups.get(groupId);
        if (group == null || group.isInState(ClassicGroupState.DEAD)) {
            return;
        }
        if (group.isPendingMember(memberId)) {
            LOG.info("Pending member {} of group {} did not rejoin in its session timeout", memberId, groupId);
            group.removePendingMember(memberId);
            if (group.isInState(ClassicGroupState.PREPARING_REBALANCE)) {
                maybeCompleteJoinPhase(group);
            }
            return;
        }
        final ClassicMember member = group.member(memberId);
        if (member != null && !member.hasSatisfiedHeartbeat()) {
            LOG.info("Member {} of group {} expired: no heartbeat within its session timeout", memberId, groupId);
            removeMemberAndUpdateGroup(group, member);
        }
    }

    private void removeMemberAndUpdateGroup(final ClassicGroup group, final ClassicMember member) {
        member.completeJoin(new JoinGroupResponseData().setMemberId("").setErrorCode(Errors.UNKNOWN_MEMBER_ID.code()));
        member.completeSync(Responses.syncError(Errors.UNKNOWN_MEMBER_ID));
        group.removeMember(member.memberId());
        if (group.isInState(ClassicGroupState.STABLE) || group.isInState(ClassicGroupState.COMPLETING_REBALANCE)) {
            maybePrepareRebalanceOrCompleteJoin(group);
        } else if (group.isInState(ClassicGroupState.PREPARING_REBALANCE) && group.hasAllMembersJoined()) {
            completeJoin(group);
        }
    }

    // ---- LeaveGroup

    public void leave(final LeaveGroupRequestData request, final short version,
                      final CompletableFuture<LeaveGroupResponseData> response) {
        final String groupId = request.groupId();
        if (groupId == null || groupId.isEmpty()) {
            response.complete(Responses.leaveError(request, version, Errors.INVALID_GROUP_ID));
            return;
        }
        final List<LeaveGroupRequestData.MemberIdentity> leaving = version >= 3 ? request.members()
                : List.of(new LeaveGroupRequestData.MemberIdentity().setMemberId(request.memberId()));
        final ClassicGroup group = groups.get(groupId);
        if (group != null && group.isInState(ClassicGroupState.DEAD)) {
            response.complete(Responses.leaveError(request, version, Errors.COORDINATOR_NOT_AVAILABLE));
            return;
        }
        final List<LeaveGroupResponseData.MemberResponse> results = new ArrayList<>(leaving.size());
        boolean removedMember = false;
        boolean removedPending = false;
        for (final LeaveGroupRequestData.MemberIdentity identity : leaving) {
            final Errors error;
            if (group == null) {
                error = Errors.UNKNOWN_MEMBER_ID;
            } else {
                final String memberId = identity.memberId();
                final String instanceId = identity.groupInstanceId();
                if (instanceId == null) {
                    if (group.isPendingMember(memberId)) {
                        group.removePendingMember(memberId);
                        removedPending = true;
                        error = Errors.NONE;
                    } else if (group.hasMember(memberId)) {
                        removeMember(group, group.member(memberId));
                        removedMember = true;
                        error = Errors.NONE;
                    } else {
                        error = Errors.UNKNOWN_MEMBER_ID;
                    }
                } else {
                    final String existing = group.staticMemberId(instanceId);
                    if (existing == null) {
                        error = Errors.UNKNOWN_MEMBER_ID;
                    } else if (!memberId.isEmpty() && !memberId.equals(existing)) {
                        error = Errors.FENCED_INSTANCE_ID;
                    } else {
                        removeMember(group, group.member(existing));
                        removedMember = true;
                        error = Errors.NONE;
                    }
                }
            }
            results.add(new LeaveGroupResponseData.MemberResponse().setMemberId(identity.memberId())
                    .setGroupInstanceId(identity.groupInstanceId()).setErrorCode(error.code()));
        }
        if (group != null) {
            if (removedMember) {
                maybePrepareRebalanceOrCompleteJoin(group);
            } else if (removedPending) {
                maybeCompleteJoinPhase(group);
            }
        }
        if (version >= 3) {
            response.complete(new LeaveGroupResponseData().setMembers(results));
        } else {
            response.complete(new LeaveGroupResponseData().setErrorCode(results.get(0).errorCode()));
        }
    }

    private static void removeMember(final ClassicGroup group, final ClassicMember member) {
        member.completeJoin(new JoinGroupResponseData().setMemberId("").setErrorCode(Errors.UNKNOWN_MEMBER_ID.code()));
        member.completeSync(Responses.syncError(Errors.UNKNOWN_MEMBER_ID));
        group.removeMember(member.memberId());
    }

    /** Answers every parked request with NOT_COORDINATOR and stops the timers (shutdown). */
    public void unload() {
        for (final ClassicGroup group : groups.all()) {
            for (final ClassicMember m : group.members()) {
                m.completeJoin(new JoinGroupResponseData().setMemberId(m.memberId())
                        .setErrorCode(Errors.NOT_COORDINATOR.code()));
                m.completeSync(Responses.syncError(Errors.NOT_COORDINATOR));
            }
            group.cancelTimers();
        }
    }
}
