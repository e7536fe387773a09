package io.runnel.coordinator.group.classic;

import io.runnel.coordinator.group.GroupErrors;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sync phase of a classic rebalance: SyncGroup parks each member until the leader's assignment is stored,
 * then hands every member its part and completes the rebalance (Stable). A failure to store it abandons the
 * generation back to the {@link JoinPhase}. Runs on the group coordinator's owner thread; the store's append
 * completes there too, so the callback may read the group, but it checks that the generation is still the one
 * it stored, because a member may have rejoined meanwhile; not thread-safe.
 */
final class SyncPhase {
    private static final Logger LOG = LoggerFactory.getLogger(SyncPhase.class);

    private final ClassicGroups groups;
    private final Assignments assignments;
    private final JoinPhase joinPhase;

    SyncPhase(final ClassicGroups groups, final Assignments assignments, final JoinPhase joinPhase) {
        this.groups = groups;
        this.assignments = assignments;
        this.joinPhase = joinPhase;
    }

    void sync(
            final SyncGroupRequestData request,
            final short version,
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
                group.waits().removePendingSyncMember(memberId);
                if (group.isLeader(memberId)) {
                    onLeaderAssignment(group, request);
                }
            }
            case STABLE -> {
                group.waits().removePendingSyncMember(memberId);
                response.complete(new SyncGroupResponseData()
                        .setProtocolType(group.protocolType())
                        .setProtocolName(group.protocolName())
                        .setAssignment(member.assignment()));
            }
            case EMPTY, DEAD -> response.complete(Responses.syncError(Errors.UNKNOWN_MEMBER_ID));
        }
    }

    /** The leader's assignment is persisted first; then every member waiting in SyncGroup gets its part. */
    private void onLeaderAssignment(final ClassicGroup group, final SyncGroupRequestData request) {
        final Map<String, byte[]> assigned = new HashMap<>();
        request.assignments().forEach(a -> assigned.put(a.memberId(), a.assignment()));
        for (final ClassicMember m : group.members()) {
            assigned.putIfAbsent(m.memberId(), ClassicMember.EMPTY_ASSIGNMENT);
        }
        assigned.keySet().retainAll(memberIds(group));
        final int generation = group.generationId();
        groups.append(group.groupId(), List.of(group.toRecord(assigned))).whenComplete((ignored, failure) -> {
            if (!group.isInState(ClassicGroupState.COMPLETING_REBALANCE) || group.generationId() != generation) {
                return;
            }
            if (failure != null) {
                LOG.warn("Could not persist generation {} of group {}", generation, group.groupId(), failure);
                assignments.resetAndPropagateError(group, GroupErrors.fromStoreFailure(failure));
                joinPhase.maybePrepareRebalanceOrCompleteJoin(group);
                return;
            }
            group.members().forEach(m -> m.assignment(assigned.get(m.memberId())));
            assignments.propagate(group, Errors.NONE);
            group.transitionTo(ClassicGroupState.STABLE, groups.nowMs());
        });
    }

    private static Set<String> memberIds(final ClassicGroup group) {
        final Set<String> ids = new HashSet<>();
        group.members().forEach(m -> ids.add(m.memberId()));
        return ids;
    }
}
