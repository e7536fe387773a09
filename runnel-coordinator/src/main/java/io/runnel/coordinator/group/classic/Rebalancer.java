package io.runnel.coordinator.group.classic;

import io.runnel.coordinator.group.Group;
import io.runnel.coordinator.group.GroupConfig;
import io.runnel.coordinator.group.store.GroupRecord;
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

/**
 * The classic rebalance protocol as the group coordinator sees it: JoinGroup, SyncGroup, Heartbeat and
 * LeaveGroup, and the groups' lifecycle around them (load, downgrade from a consumer group, unload). It owns one
 * object per phase and hands each request to its phase: {@link MemberJoins} and the {@link JoinPhase},
 * {@link SyncPhase}, {@link Liveness} (heartbeats and sessions), {@link Departures}. Behaviour follows Kafka's
 * classic group coordinator, including KIP-394 (member id required from JoinGroup v4) and KIP-345 (static
 * members). Every method runs on the group coordinator's owner thread (the {@code Scheduler}'s), as do the
 * phases' timers, so no phase needs a lock; not thread-safe.
 */
public final class Rebalancer {
    private final ClassicGroups groups;
    private final GroupConfig config;
    private final Liveness liveness;
    private final JoinPhase joinPhase;
    private final SyncPhase syncPhase;
    private final Departures departures;
    private final MemberJoins joins;

    public Rebalancer(final ClassicGroups groups) {
        this.groups = groups;
        this.config = groups.config();
        // The protocol's one cycle: a lapsed session is a departure, a departure may complete the join phase, and
        // completing it restarts the sessions. Liveness reaches the departures through this owner, built after it.
        this.liveness = new Liveness(groups, this::onSessionLapsed);
        final Assignments assignments = new Assignments(liveness);
        this.joinPhase = new JoinPhase(groups, liveness, assignments);
        this.syncPhase = new SyncPhase(groups, assignments, joinPhase);
        this.departures = new Departures(groups, joinPhase);
        this.joins = new MemberJoins(groups, liveness, joinPhase, departures);
    }

    /**
     * Once the groups are loaded from the store, members must heartbeat again within their session, and a group
     * bigger than {@code group.max.size} rebalances.
     */
    public void onLoaded() {
        for (final ClassicGroup group : groups.all()) {
            group.members().forEach(m -> liveness.restartSession(group, m, m.sessionTimeoutMs()));
            if (group.size() > config.maxSize()) {
                joinPhase.prepareRebalance(group);
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
        group.members().forEach(m -> liveness.restartSession(group, m, m.sessionTimeoutMs()));
        joinPhase.prepareRebalance(group);
    }

    public void join(
            final String clientId,
            final String clientHost,
            final JoinGroupRequestData request,
            final short version,
            final CompletableFuture<JoinGroupResponseData> response) {
        joins.join(clientId, clientHost, request, version, response);
    }

    public void sync(
            final SyncGroupRequestData request,
            final short version,
            final CompletableFuture<SyncGroupResponseData> response) {
        syncPhase.sync(request, version, response);
    }

    public void heartbeat(
            final HeartbeatRequestData request,
            final short version,
            final CompletableFuture<HeartbeatResponseData> response) {
        liveness.heartbeat(request, response);
    }

    public void leave(
            final LeaveGroupRequestData request,
            final short version,
            final CompletableFuture<LeaveGroupResponseData> response) {
        departures.leave(request, version, response);
    }

    /** A valid classic member's offset commit counts as a sign of life, as in Kafka. */
    public void onMemberCommit(final Group group, final String memberId) {
        liveness.onMemberCommit(group, memberId);
    }

    /** Answers every parked request with NOT_COORDINATOR and stops the timers (shutdown). */
    public void unload() {
        for (final ClassicGroup group : groups.all()) {
            for (final ClassicMember m : group.members()) {
                m.completeJoin(new JoinGroupResponseData()
                        .setMemberId(m.memberId())
                        .setErrorCode(Errors.NOT_COORDINATOR.code()));
                m.completeSync(Responses.syncError(Errors.NOT_COORDINATOR));
            }
            group.cancelTimers();
        }
    }

    private void onSessionLapsed(final ClassicGroup group, final String memberId) {
        departures.onSessionLapsed(group, memberId);
    }
}
