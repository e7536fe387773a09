package io.runnel.coordinator.group.classic;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.LeaveGroupRequestData;
import org.apache.kafka.common.message.LeaveGroupResponseData;
import org.apache.kafka.common.protocol.Errors;

/**
 * Members leaving a classic group: LeaveGroup (one member before v3, a batch by member or instance id from v3,
 * KIP-345), a session that lapsed, a member over {@code group.max.size}. The member's parked requests are
 * answered UNKNOWN_MEMBER_ID, and the group rebalances, or the join phase under way completes without it; a
 * group whose last member left becomes Empty when that join phase completes. Runs on the group coordinator's
 * owner thread; not thread-safe.
 */
final class Departures {
    private final ClassicGroups groups;
    private final JoinPhase joinPhase;

    Departures(final ClassicGroups groups, final JoinPhase joinPhase) {
        this.groups = groups;
        this.joinPhase = joinPhase;
    }

    void leave(
            final LeaveGroupRequestData request,
            final short version,
            final CompletableFuture<LeaveGroupResponseData> response) {
        final String groupId = request.groupId();
        if (groupId == null || groupId.isEmpty()) {
            response.complete(Responses.leaveError(request, version, Errors.INVALID_GROUP_ID));
            return;
        }
        final List<LeaveGroupRequestData.MemberIdentity> leaving = version >= 3
                ? request.members()
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
                    if (group.waits().isPendingMember(memberId)) {
                        group.waits().removePendingMember(memberId);
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
            results.add(new LeaveGroupResponseData.MemberResponse()
                    .setMemberId(identity.memberId())
                    .setGroupInstanceId(identity.groupInstanceId())
                    .setErrorCode(error.code()));
        }
        if (group != null) {
            // One rebalance for the whole batch, after every member in it is gone.
            if (removedMember) {
                joinPhase.maybePrepareRebalanceOrCompleteJoin(group);
            } else if (removedPending) {
                joinPhase.maybeCompleteJoinPhase(group);
            }
        }
        if (version >= 3) {
            response.complete(new LeaveGroupResponseData().setMembers(results));
        } else {
            response.complete(
                    new LeaveGroupResponseData().setErrorCode(results.get(0).errorCode()));
        }
    }

    /** A member, or a KIP-394 pending member, whose session lapsed ({@link Liveness}) leaves the group. */
    void onSessionLapsed(final ClassicGroup group, final String memberId) {
        if (group.waits().isPendingMember(memberId)) {
            group.waits().removePendingMember(memberId);
            joinPhase.maybeCompleteJoinPhase(group);
        } else {
            removeMemberAndUpdateGroup(group, group.member(memberId));
        }
    }

    /** Removes one member, then rebalances, or completes the join phase under way if it waited only for it. */
    void removeMemberAndUpdateGroup(final ClassicGroup group, final ClassicMember member) {
        removeMember(group, member);
        if (group.isInState(ClassicGroupState.STABLE) || group.isInState(ClassicGroupState.COMPLETING_REBALANCE)) {
            joinPhase.maybePrepareRebalanceOrCompleteJoin(group);
        } else if (group.isInState(ClassicGroupState.PREPARING_REBALANCE) && group.hasAllMembersJoined()) {
            joinPhase.completeJoin(group);
        }
    }

    private static void removeMember(final ClassicGroup group, final ClassicMember member) {
        member.completeJoin(new JoinGroupResponseData().setMemberId("").setErrorCode(Errors.UNKNOWN_MEMBER_ID.code()));
        member.completeSync(Responses.syncError(Errors.UNKNOWN_MEMBER_ID));
        group.removeMember(member.memberId());
    }
}
