package io.runnel.coordinator.group.classic;

import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.protocol.Errors;

/**
 * Answers the members parked in SyncGroup: with their assignment once the leader's is stored, or with an error
 * when the rebalance is abandoned. A member answered starts its session again, since it could not heartbeat
 * while parked. Shared by the sync phase (which delivers) and the join phase (which aborts a sync in flight);
 * runs on the group coordinator's owner thread; not thread-safe.
 */
final class Assignments {
    private final Liveness liveness;

    Assignments(final Liveness liveness) {
        this.liveness = liveness;
    }

    /** Every member's assignment is cleared, and every parked SyncGroup answered with {@code error}. */
    void resetAndPropagateError(final ClassicGroup group, final Errors error) {
        group.members().forEach(m -> m.assignment(ClassicMember.EMPTY_ASSIGNMENT));
        propagate(group, error);
    }

    void propagate(final ClassicGroup group, final Errors error) {
        for (final ClassicMember member : group.members()) {
            final SyncGroupResponseData response =
                    new SyncGroupResponseData().setErrorCode(error.code()).setAssignment(member.assignment());
            if (error == Errors.NONE) {
                response.setProtocolType(group.protocolType()).setProtocolName(group.protocolName());
            }
            if (member.completeSync(response)) {
                // Its session restarts now: an expiry while it waited was ignored.
                liveness.restartSession(group, member, member.sessionTimeoutMs());
            }
        }
    }
}
