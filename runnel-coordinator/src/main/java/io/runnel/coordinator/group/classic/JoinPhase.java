package io.runnel.coordinator.group.classic;

import io.runnel.coordinator.group.GroupConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The join phase of a classic rebalance: it opens (PreparingRebalance), waits for the members to rejoin within
 * the initial rebalance delay of a new group or the rebalance timeout, and completes into the next generation
 * (CompletingRebalance, or Empty without members), after which each member has the rebalance timeout to send
 * SyncGroup. Every state change goes through {@link ClassicGroup#transitionTo}, which enforces
 * {@link ClassicGroupState}'s table. Runs on the group coordinator's owner thread, as do its timers; each timer
 * checks that its group and phase are still the ones it was set for, because a cancelled timer may already be
 * queued; not thread-safe.
 */
final class JoinPhase {
    private static final Logger LOG = LoggerFactory.getLogger(JoinPhase.class);

    private final ClassicGroups groups;
    private final GroupConfig config;
    private final Liveness liveness;
    private final Assignments assignments;

    JoinPhase(final ClassicGroups groups, final Liveness liveness, final Assignments assignments) {
        this.groups = groups;
        this.config = groups.config();
        this.liveness = liveness;
        this.assignments = assignments;
    }

    /** The current generation as a JoinGroup response; only the leader is sent the members. */
    static JoinGroupResponseData currentGeneration(
            final ClassicGroup group, final String memberId, final boolean withMembers, final String leader) {
        return new JoinGroupResponseData()
                .setMembers(withMembers ? group.joinMembers() : new ArrayList<>())
                .setMemberId(memberId)
                .setGenerationId(group.generationId())
                .setProtocolType(group.protocolType())
                .setProtocolName(group.protocolName())
                .setLeader(leader);
    }

    /** After a change of membership: a rebalance starts, or the one under way may now complete. */
    void maybePrepareRebalanceOrCompleteJoin(final ClassicGroup group) {
        if (group.canRebalance()) {
            prepareRebalance(group);
        } else {
            maybeCompleteJoinPhase(group);
        }
    }

    void prepareRebalance(final ClassicGroup group) {
        if (group.isInState(ClassicGroupState.COMPLETING_REBALANCE)) {
            assignments.resetAndPropagateError(group, Errors.REBALANCE_IN_PROGRESS);
        }
        group.waits().cancelSyncTimeout();
        group.waits().clearPendingSyncMembers();
        final boolean initialRebalance = group.isInState(ClassicGroupState.EMPTY);
        final String groupId = group.groupId();
        if (initialRebalance) {
            // A new group waits group.initial.rebalance.delay.ms for more members, extended while they arrive.
            final int delayMs = config.initialRebalanceDelayMs();
            final int remainingMs = Math.max(group.rebalanceTimeoutMs() - delayMs, 0);
            group.waits()
                    .joinTimeout(groups.scheduler()
                            .schedule(delayMs, () -> onInitialDelayElapsed(groupId, group, delayMs, remainingMs)));
        }
        group.transitionTo(ClassicGroupState.PREPARING_REBALANCE, groups.nowMs());
        LOG.debug("Preparing to rebalance group {} with old generation {}", groupId, group.generationId());
        if (!initialRebalance) {
            if (group.hasAllMembersJoined()) {
                completeJoin(group);
            } else {
                group.waits()
                        .joinTimeout(groups.scheduler()
                                .schedule(group.rebalanceTimeoutMs(), () -> onRebalanceTimeout(groupId, group)));
            }
        }
    }

    private void onInitialDelayElapsed(
            final String groupId, final ClassicGroup group, final int delayMs, final int remainingMs) {
        if (groups.get(groupId) != group || !group.isInState(ClassicGroupState.PREPARING_REBALANCE)) {
            return;
        }
        if (group.waits().newMemberAdded() && remainingMs != 0) {
            group.waits().newMemberAdded(false);
            final int nextDelayMs = Math.min(config.initialRebalanceDelayMs(), remainingMs);
            final int nextRemainingMs = Math.max(remainingMs - delayMs, 0);
            group.waits()
                    .joinTimeout(groups.scheduler()
                            .schedule(
                                    nextDelayMs,
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

    /**
     * Completes the join phase early once every member rejoined; not during a new group's initial delay, which
     * waits for more members to arrive.
     */
    void maybeCompleteJoinPhase(final ClassicGroup group) {
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
    void completeJoin(final ClassicGroup group) {
        group.waits().cancelJoinTimeout();
        for (final ClassicMember member : new ArrayList<>(group.members())) {
            if (!member.isAwaitingJoin() && !member.isStatic()) {
                LOG.info(
                        "Removing member {} of group {}: it did not rejoin in time",
                        member.memberId(),
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
            group.waits()
                    .joinTimeout(groups.scheduler()
                            .schedule(group.rebalanceTimeoutMs(), () -> onRebalanceTimeout(groupId, group)));
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
            liveness.restartSession(group, member, member.sessionTimeoutMs());
            member.isNew(false);
            group.waits().addPendingSyncMember(member.memberId());
        }
        final int generation = group.generationId();
        group.waits()
                .syncTimeout(groups.scheduler()
                        .schedule(group.rebalanceTimeoutMs(), () -> onPendingSyncExpired(groupId, group, generation)));
    }

    /** Members that were sent the generation but did not SyncGroup within the rebalance timeout leave it. */
    private void onPendingSyncExpired(final String groupId, final ClassicGroup group, final int generation) {
        if (groups.get(groupId) != group || group.generationId() != generation) {
            return;
        }
        if (group.isInState(ClassicGroupState.COMPLETING_REBALANCE) || group.isInState(ClassicGroupState.STABLE)) {
            final var missing = group.waits().pendingSyncMembers();
            if (!missing.isEmpty()) {
                LOG.info("Removing members {} of group {}: no SyncGroup in time", missing, groupId);
                for (final String memberId : missing) {
                    final ClassicMember member = group.removeMember(memberId);
                    if (member != null) {
                        member.completeJoin(new JoinGroupResponseData()
                                .setMemberId("")
                                .setErrorCode(Errors.UNKNOWN_MEMBER_ID.code()));
                    }
                }
                prepareRebalance(group);
            }
        }
    }
}
