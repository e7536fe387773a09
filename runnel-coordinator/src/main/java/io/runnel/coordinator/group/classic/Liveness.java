package io.runnel.coordinator.group.classic;

import io.runnel.coordinator.group.Group;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;
import org.apache.kafka.common.message.HeartbeatRequestData;
import org.apache.kafka.common.message.HeartbeatResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The liveness of classic members: Heartbeat, and the session timers that end a member that stops heartbeating
 * (or, while new, does not finish its first join in time) and a KIP-394 pending member that does not rejoin.
 * This class decides that a session lapsed; what that does to the group is a departure, handed on to the
 * {@code lapsed} callback ({@link Departures}), because a departure may complete a join phase that restarts
 * sessions here. Runs on the group coordinator's owner thread, as do the timers the {@code Scheduler} fires, so
 * a member's session is never raced by its heartbeat; not thread-safe.
 */
final class Liveness {
    private static final Logger LOG = LoggerFactory.getLogger(Liveness.class);

    private final ClassicGroups groups;
    private final BiConsumer<ClassicGroup, String> lapsed;

    /**
     * @param lapsed what happens to a member, or a pending member, whose session lapsed: it leaves the group
     */
    Liveness(final ClassicGroups groups, final BiConsumer<ClassicGroup, String> lapsed) {
        this.groups = groups;
        this.lapsed = lapsed;
    }

    void heartbeat(final HeartbeatRequestData request, final CompletableFuture<HeartbeatResponseData> response) {
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
                restartSession(group, member, member.sessionTimeoutMs());
                response.complete(Responses.heartbeatError(Errors.REBALANCE_IN_PROGRESS));
            }
            case COMPLETING_REBALANCE, STABLE -> {
                restartSession(group, member, member.sessionTimeoutMs());
                response.complete(new HeartbeatResponseData());
            }
        }
    }

    /** A valid classic member's offset commit counts as a sign of life, as in Kafka. */
    void onMemberCommit(final Group group, final String memberId) {
        if (group instanceof ClassicGroup classic) {
            final ClassicMember member = classic.member(memberId);
            if (member != null && !classic.isInState(ClassicGroupState.DEAD)) {
                restartSession(classic, member, member.sessionTimeoutMs());
            }
        }
    }

    /** Gives the member {@code timeoutMs} from now to show it is alive; an earlier deadline is dropped. */
    void restartSession(final ClassicGroup group, final ClassicMember member, final long timeoutMs) {
        final String groupId = group.groupId();
        final String memberId = member.memberId();
        member.heartbeat(groups.scheduler().schedule(timeoutMs, () -> onSessionExpired(groupId, memberId)));
    }

    /** KIP-394: the member id just handed out must come back in a JoinGroup within {@code timeoutMs}. */
    void awaitRejoin(final ClassicGroup group, final String memberId, final long timeoutMs) {
        final String groupId = group.groupId();
        group.waits()
                .addPendingMember(
                        memberId, groups.scheduler().schedule(timeoutMs, () -> onSessionExpired(groupId, memberId)));
    }

    /** The timer fires by ids: the group or member may be gone, or back under the same id, by then. */
    private void onSessionExpired(final String groupId, final String memberId) {
        final ClassicGroup group = groups.get(groupId);
        if (group == null || group.isInState(ClassicGroupState.DEAD)) {
            return;
        }
        if (group.waits().isPendingMember(memberId)) {
            LOG.info("Pending member {} of group {} did not rejoin in its session timeout", memberId, groupId);
            lapsed.accept(group, memberId);
            return;
        }
        final ClassicMember member = group.member(memberId);
        if (member != null && !member.hasSatisfiedHeartbeat()) {
            LOG.info("Member {} of group {} expired: no heartbeat within its session timeout", memberId, groupId);
            lapsed.accept(group, memberId);
        }
    }
}
