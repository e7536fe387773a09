package io.runnel.coordinator.group.consumer;

import io.runnel.coordinator.group.GroupConfig;
import io.runnel.coordinator.group.classic.Responses;
import io.runnel.coordinator.group.store.GroupRecord;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.FencedInstanceIdException;
import org.apache.kafka.common.errors.GroupMaxSizeReachedException;
import org.apache.kafka.common.errors.IllegalGenerationException;
import org.apache.kafka.common.errors.InconsistentGroupProtocolException;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.errors.UnknownMemberIdException;
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
 * Members that speak the classic protocol (JoinGroup, SyncGroup, Heartbeat, LeaveGroup) inside a KIP-848 consumer
 * group, as Kafka lets them for online migration: a librdkafka or older Java consumer shares a group with
 * consumer-protocol members, and the server-side assignor decides for everyone.
 *
 * <p>A JoinGroup is such a member's full heartbeat: it updates the subscription, reconciles at once against the
 * target (the partitions the client says it owns tell whether it has revoked) and answers without waiting for
 * anyone, with the member's epoch as generation, no leader and no member list. SyncGroup hands over what the
 * member owns after that step, encoded in the client's ConsumerProtocol version. A Heartbeat answers
 * REBALANCE_IN_PROGRESS while the member has partitions to give up or to take, so the client rejoins; if it does
 * not within its rebalance timeout, or does not sync after a join, it is fenced. Behaviour follows Kafka 4.1's
 * group coordinator. Runs on the group coordinator's thread; not thread-safe.
 */
public final class ClassicMembers {
    private static final String PROTOCOL_TYPE = "consumer";

    private final ConsumerGroups groups;
    private final GroupConfig classicConfig;
    private final MembershipChanges changes;

    public ClassicMembers(final ConsumerGroups groups, final GroupConfig classicConfig) {
        this.groups = groups;
        this.classicConfig = classicConfig;
        this.changes = groups.changes();
    }

    /** Whether a JoinGroup for this group comes here: the id names a consumer group with members. */
    public boolean takesJoin(final String groupId) {
        final ConsumerGroup group = groups.get(groupId);
        return group != null && !group.isEmpty();
    }

    /** Whether SyncGroup, Heartbeat and LeaveGroup for this group come here: the id names a consumer group. */
    public boolean holds(final String groupId) {
        return groups.get(groupId) != null;
    }

    // ---- JoinGroup

    public void join(
            final String clientId,
            final String clientHost,
            final JoinGroupRequestData request,
            final short version,
            final CompletableFuture<JoinGroupResponseData> response) {
        final ConsumerGroup group = groups.get(request.groupId());
        if (request.sessionTimeoutMs() < classicConfig.minSessionTimeoutMs()
                || request.sessionTimeoutMs() > classicConfig.maxSessionTimeoutMs()) {
            response.complete(Responses.joinError(request, version, Errors.INVALID_SESSION_TIMEOUT));
            return;
        }
        checkProtocols(group, request);
        final boolean newDynamic = request.memberId().isEmpty() && request.groupInstanceId() == null;
        if (newDynamic && version >= 4) {
            // KIP-394: the member learns its id first, and is created when it comes back with it
            response.complete(Responses.join(
                    new JoinGroupResponseData()
                            .setErrorCode(Errors.MEMBER_ID_REQUIRED.code())
                            .setMemberId(Uuid.randomUuid().toString())
                            .setProtocolName(null),
                    version));
            return;
        }
        final List<GroupRecord> records = new ArrayList<>();
        final String memberId = request.memberId().isEmpty() ? Uuid.randomUuid().toString() : request.memberId();
        final ConsumerMember existing = existingMember(
                group, memberId, request.groupInstanceId(), request.memberId().isEmpty(), records);
        if (existing == null && group.size() >= groups.config().maxSize()) {
            throw new GroupMaxSizeReachedException("The consumer group has reached its maximum capacity of "
                    + groups.config().maxSize() + " members.");
        }
        final ConsumerPartitionAssignor.Subscription subscription =
                subscription(request.protocols().iterator().next().metadata());
        final int rebalanceTimeoutMs =
                request.rebalanceTimeoutMs() < 0 ? request.sessionTimeoutMs() : request.rebalanceTimeoutMs();
        final ConsumerMember base = existing != null
                ? existing
                : ConsumerMember.joining(
                        memberId, request.groupInstanceId(), null, clientId, clientHost, rebalanceTimeoutMs);
        final List<String> topics = new ArrayList<>(new TreeSet<>(subscription.topics()));
        final ConsumerMember updated = base.withClient(
                        subscription.rackId().orElse(null), clientId, clientHost, null, rebalanceTimeoutMs)
                .withSubscription(topics, null)
                .withClassic(new GroupRecord.ClassicMemberMetadata(request.sessionTimeoutMs(), protocols(request)));
        final boolean bump = existing == null || !topics.equals(base.subscribedTopicNames());
        final ConsumerMember reconciled = changes.apply(
                group,
                existing,
                updated,
                bump,
                ClassicProtocolCodec.byTopicId(subscription.ownedPartitions(), groups.subscriptions()),
                records);

        final String groupId = group.groupId();
        final JoinGroupResponseData result = Responses.join(
                new JoinGroupResponseData()
                        .setMemberId(memberId)
                        .setGenerationId(reconciled.memberEpoch())
                        .setProtocolType(PROTOCOL_TYPE)
                        .setProtocolName(reconciled.classic().protocols().get(0).name())
                        .setLeader(""),
                version);
        changes.respondAfter(groupId, records, result, error -> Responses.joinError(request, version, error), response);
        changes.scheduleSession(group, memberId);
        // the member must sync within its rebalance timeout
        group.rebalanceTimer(
                memberId,
                groups.scheduler()
                        .schedule(
                                rebalanceTimeoutMs,
                                () -> changes.fence(
                                        groupId,
                                        memberId,
                                        "no SyncGroup within " + rebalanceTimeoutMs + " ms of its " + "JoinGroup")));
    }

    /**
     * The member the join speaks for, or null for a new one. A static member joining without an id takes the
     * place of its instance's holder, whatever that one's state, as Kafka does for classic members; with an id,
     * it must be the holder (UNKNOWN_MEMBER_ID, FENCED_INSTANCE_ID).
     */
    private static ConsumerMember existingMember(
            final ConsumerGroup group,
            final String memberId,
            final String instanceId,
            final boolean withoutId,
            final List<GroupRecord> records) {
        if (instanceId == null) {
            return classicOrNew(group, memberId);
        }
        final String holderId = group.staticMemberId(instanceId);
        if (!withoutId) {
            checkHolder(instanceId, holderId, memberId);
            return classicOrNew(group, memberId);
        }
        if (holderId == null) {
            return null;
        }
        records.add(new GroupRecord.ConsumerMemberTombstone(group.groupId(), holderId));
        return group.handOverStatic(holderId, memberId);
    }

    private static ConsumerMember classicOrNew(final ConsumerGroup group, final String memberId) {
        final ConsumerMember member = group.member(memberId);
        return member == null ? null : requireClassic(group, member);
    }

    private static ConsumerMember requireClassic(final ConsumerGroup group, final ConsumerMember member) {
        if (!member.isClassic()) {
            throw new UnknownMemberIdException(
                    "Member " + member.memberId() + " of group " + group.groupId() + " uses the consumer protocol.");
        }
        return member;
    }

    private static void checkHolder(final String instanceId, final String holderId, final String memberId) {
        if (holderId == null) {
            throw new UnknownMemberIdException("Instance id " + instanceId + " is unknown.");
        }
        if (!holderId.equals(memberId)) {
            throw new FencedInstanceIdException(
                    "Instance id " + instanceId + " is member " + holderId + ", not " + memberId + ".");
        }
    }

    /** Kafka's rule: protocol type consumer, and a protocol every classic member of the group supports. */
    private static void checkProtocols(final ConsumerGroup group, final JoinGroupRequestData request) {
        if (!PROTOCOL_TYPE.equals(request.protocolType()) || request.protocols().isEmpty()) {
            throw new InconsistentGroupProtocolException("The group " + group.groupId() + " is a consumer group: "
                    + "a classic member must use protocol type consumer.");
        }
        final Set<String> offered = new HashSet<>();
        request.protocols().forEach(p -> offered.add(p.name()));
        for (final ConsumerMember m : group.members()) {
            if (m.isClassic()
                    && !m.memberId().equals(request.memberId())
                    && m.classic().protocols().stream().noneMatch(p -> offered.contains(p.name()))) {
                throw new InconsistentGroupProtocolException("The group " + group.groupId() + " has classic "
                        + "members that support none of the protocols " + offered + ".");
            }
        }
    }

    // ---- SyncGroup and Heartbeat

    public void sync(
            final SyncGroupRequestData request,
            final short version,
            final CompletableFuture<SyncGroupResponseData> response) {
        final ConsumerGroup group = groups.get(request.groupId());
        final ConsumerMember member = member(group, request.memberId(), request.groupInstanceId());
        checkGeneration(member, request.generationId());
        final String protocolName = member.classic().protocols().get(0).name();
        if (request.protocolType() != null && !PROTOCOL_TYPE.equals(request.protocolType())
                || request.protocolName() != null && !protocolName.equals(request.protocolName())) {
            throw new InconsistentGroupProtocolException("SyncGroup's protocol " + request.protocolType() + "/"
                    + request.protocolName() + " is not the member's " + PROTOCOL_TYPE + "/" + protocolName + ".");
        }
        if (group.groupEpoch() > member.memberEpoch() && member.state() != MemberState.UNREVOKED_PARTITIONS) {
            scheduleRejoin(group, member);
            throw new RebalanceInProgressException("The group " + group.groupId() + " is rebalancing: rejoin.");
        }
        group.cancelRebalanceTimer(member.memberId());
        changes.scheduleSession(group, member.memberId());
        response.complete(new SyncGroupResponseData()
                .setProtocolType(request.protocolType())
                .setProtocolName(request.protocolName())
                .setAssignment(assignment(member)));
    }

    public void heartbeat(
            final HeartbeatRequestData request,
            final short version,
            final CompletableFuture<HeartbeatResponseData> response) {
        final ConsumerGroup group = groups.get(request.groupId());
        final ConsumerMember member = member(group, request.memberId(), request.groupInstanceId());
        checkGeneration(member, request.generationId());
        changes.scheduleSession(group, member.memberId());
        if (mustRejoin(group, member)) {
            scheduleRejoin(group, member);
            response.complete(new HeartbeatResponseData().setErrorCode(Errors.REBALANCE_IN_PROGRESS.code()));
            return;
        }
        response.complete(new HeartbeatResponseData());
    }

    /** The member has partitions to give up, or a new epoch or free partitions to take: only a rejoin does it. */
    private static boolean mustRejoin(final ConsumerGroup group, final ConsumerMember member) {
        return member.memberEpoch() < group.groupEpoch()
                || member.state() == MemberState.UNREVOKED_PARTITIONS
                || member.state() == MemberState.UNRELEASED_PARTITIONS && releasedSome(group, member);
    }

    /** Whether a partition of the member's target that someone else held is free now. */
    private static boolean releasedSome(final ConsumerGroup group, final ConsumerMember member) {
        for (final Map.Entry<Uuid, Set<Integer>> e :
                group.target(member.memberId()).entrySet()) {
            final Set<Integer> owned = member.assigned().getOrDefault(e.getKey(), Set.of());
            for (final int partition : e.getValue()) {
                if (!owned.contains(partition) && group.owner(e.getKey(), partition) == null) {
                    return true;
                }
            }
        }
        return false;
    }

    /** A member told to rejoin gets its rebalance timeout to do so, counted from the first time it is told. */
    private void scheduleRejoin(final ConsumerGroup group, final ConsumerMember member) {
        if (group.hasRebalanceTimer(member.memberId())) {
            return;
        }
        final String groupId = group.groupId();
        final String memberId = member.memberId();
        final int timeoutMs = member.rebalanceTimeoutMs();
        group.rebalanceTimer(
                memberId,
                groups.scheduler()
                        .schedule(
                                timeoutMs,
                                () -> changes.fence(
                                        groupId,
                                        memberId,
                                        "it did not rejoin within its rebalance timeout of " + timeoutMs + " ms")));
    }

    // ---- LeaveGroup

    public void leave(
            final LeaveGroupRequestData request,
            final short version,
            final CompletableFuture<LeaveGroupResponseData> response) {
        final ConsumerGroup group = groups.get(request.groupId());
        final List<LeaveGroupRequestData.MemberIdentity> leaving = version >= 3
                ? request.members()
                : List.of(new LeaveGroupRequestData.MemberIdentity().setMemberId(request.memberId()));
        final List<LeaveGroupResponseData.MemberResponse> results = new ArrayList<>(leaving.size());
        final List<String> removed = new ArrayList<>();
        for (final LeaveGroupRequestData.MemberIdentity identity : leaving) {
            Errors error = Errors.NONE;
            try {
                final String memberId = leaverId(group, identity);
                if (!removed.contains(memberId)) {
                    removed.add(memberId);
                }
            } catch (final ApiException e) {
                error = Errors.forException(e);
            }
            results.add(new LeaveGroupResponseData.MemberResponse()
                    .setMemberId(identity.memberId())
                    .setGroupInstanceId(identity.groupInstanceId())
                    .setErrorCode(error.code()));
        }
        final List<GroupRecord> records = new ArrayList<>();
        if (!removed.isEmpty()) {
            changes.removeAndBump(group, removed, records);
        }
        final LeaveGroupResponseData result = version >= 3
                ? new LeaveGroupResponseData().setMembers(results)
                : new LeaveGroupResponseData().setErrorCode(results.get(0).errorCode());
        changes.respondAfter(
                group.groupId(), records, result, error -> Responses.leaveError(request, version, error), response);
    }

    private static String leaverId(final ConsumerGroup group, final LeaveGroupRequestData.MemberIdentity identity) {
        if (identity.groupInstanceId() == null) {
            if (group.member(identity.memberId()) == null) {
                throw new UnknownMemberIdException(
                        "Member " + identity.memberId() + " is not in group " + group.groupId() + ".");
            }
            return identity.memberId();
        }
        final String holderId = group.staticMemberId(identity.groupInstanceId());
        if (holderId == null) {
            throw new UnknownMemberIdException("Instance id " + identity.groupInstanceId() + " is unknown.");
        }
        if (!identity.memberId().isEmpty() && !identity.memberId().equals(holderId)) {
            throw new FencedInstanceIdException("Instance id " + identity.groupInstanceId() + " is member " + holderId
                    + ", not " + identity.memberId() + ".");
        }
        return holderId;
    }

    // ---- helpers

    /** The classic member a SyncGroup or Heartbeat speaks for: UNKNOWN_MEMBER_ID, FENCED_INSTANCE_ID otherwise. */
    private static ConsumerMember member(final ConsumerGroup group, final String memberId, final String instanceId) {
        if (group == null || group.isEmpty()) {
            throw new UnknownMemberIdException("Group has no member " + memberId + ".");
        }
        if (instanceId != null) {
            checkHolder(instanceId, group.staticMemberId(instanceId), memberId);
        }
        final ConsumerMember member = group.member(memberId);
        if (member == null) {
            throw new UnknownMemberIdException("Member " + memberId + " is not in group " + group.groupId() + ".");
        }
        return requireClassic(group, member);
    }

    private static void checkGeneration(final ConsumerMember member, final int generation) {
        if (generation != member.memberEpoch()) {
            throw new IllegalGenerationException("Generation " + generation + " is not member " + member.memberId()
                    + "'s " + member.memberEpoch() + ".");
        }
    }

    private static ConsumerPartitionAssignor.Subscription subscription(final byte[] metadata) {
        try {
            return ClassicProtocolCodec.subscription(metadata);
        } catch (final IllegalArgumentException e) {
            throw new InconsistentGroupProtocolException("The JoinGroup's metadata is " + e.getMessage());
        }
    }

    private static List<GroupRecord.ClassicProtocol> protocols(final JoinGroupRequestData request) {
        final List<GroupRecord.ClassicProtocol> protocols = new ArrayList<>();
        request.protocols().forEach(p -> protocols.add(new GroupRecord.ClassicProtocol(p.name(), p.metadata())));
        return protocols;
    }

    /** What the member owns, in the ConsumerProtocol version its subscription was written in. */
    private byte[] assignment(final ConsumerMember member) {
        return ClassicProtocolCodec.encodeAssignment(
                member.assigned(), member.classic().protocols().get(0).metadata(), groups.subscriptions());
    }
}
