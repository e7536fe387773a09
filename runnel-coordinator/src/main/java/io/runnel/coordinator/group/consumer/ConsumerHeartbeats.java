package io.runnel.coordinator.group.consumer;

import io.runnel.coordinator.group.store.GroupRecord;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.FencedInstanceIdException;
import org.apache.kafka.common.errors.FencedMemberEpochException;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.GroupMaxSizeReachedException;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.errors.UnknownMemberIdException;
import org.apache.kafka.common.errors.UnreleasedInstanceIdException;
import org.apache.kafka.common.errors.UnsupportedAssignorException;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatRequestData;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatResponseData;
import org.apache.kafka.common.protocol.Errors;

/**
 * The KIP-848 consumer group protocol: ConsumerGroupHeartbeat joins, heartbeats and leaves, and the timers that
 * fence silent members (session timeout) and members that do not revoke in time (their rebalance timeout).
 *
 * <p>A heartbeat updates the member; a change of membership, subscriptions, assignor or subscribed topics bumps
 * the group epoch; a group epoch past the assignment epoch computes a new target assignment with the server-side
 * assignor; and the {@link Reconciler} moves the member towards its target. The records of what changed are
 * appended before the member hears the answer. Behaviour follows Kafka 4.1's group coordinator, except that a
 * known member rejoining at epoch 0 is taken back (as Kafka does from KAFKA-19233). Every method runs on the
 * group coordinator's thread; not thread-safe.
 */
public final class ConsumerHeartbeats {
    private final ConsumerGroups groups;
    private final ConsumerGroupConfig config;
    private final Subscriptions subscriptions;
    private final MembershipChanges changes;

    public ConsumerHeartbeats(final ConsumerGroups groups) {
        this.groups = groups;
        this.config = groups.config();
        this.subscriptions = groups.subscriptions();
        this.changes = groups.changes();
    }

    /** Starts the session of every loaded member: each must heartbeat again within its session timeout. */
    public void onLoaded() {
        for (final ConsumerGroup group : groups.all()) {
            for (final ConsumerMember m : group.members()) {
                changes.scheduleSession(group, m.memberId());
            }
        }
    }

    public void heartbeat(
            final String clientId,
            final String clientHost,
            final ConsumerGroupHeartbeatRequestData request,
            final short version,
            final CompletableFuture<ConsumerGroupHeartbeatResponseData> response) {
        validate(request, version);
        final int epoch = request.memberEpoch();
        if (epoch == ConsumerMember.LEAVE_EPOCH || epoch == ConsumerMember.LEAVE_STATIC_EPOCH) {
            leave(request, response);
            return;
        }
        final List<GroupRecord> records = new ArrayList<>();
        final ConsumerGroup group = groups.getOrCreate(request.groupId(), epoch == 0, records);
        // v0 lets the coordinator choose the id of a new member; from v1 the client always does (KIP-1082).
        final String memberId = request.memberId().isEmpty() ? Uuid.randomUuid().toString() : request.memberId();
        final Map<Uuid, Set<Integer>> owned = owned(request);
        final ConsumerMember existing = existingMember(group, memberId, request, owned, records);
        if (existing == null && group.size() >= config.maxSize()) {
            throw new GroupMaxSizeReachedException(
                    "The consumer group has reached its maximum capacity of " + config.maxSize() + " members.");
        }

        final ConsumerMember base = existing != null
                ? existing
                : ConsumerMember.joining(
                        memberId,
                        request.instanceId(),
                        request.rackId(),
                        clientId,
                        clientHost,
                        request.rebalanceTimeoutMs());
        final List<String> names = request.subscribedTopicNames() != null
                ? new ArrayList<>(new TreeSet<>(request.subscribedTopicNames()))
                : base.subscribedTopicNames();
        final String regex = request.subscribedTopicRegex() == null
                ? base.subscribedTopicRegex()
                : request.subscribedTopicRegex().isEmpty() ? null : request.subscribedTopicRegex();
        final String assignor = request.serverAssignor() != null ? request.serverAssignor() : base.serverAssignor();
        final ConsumerMember updated = base.withClient(
                        request.rackId() != null ? request.rackId() : base.rackId(),
                        clientId,
                        clientHost,
                        assignor,
                        request.rebalanceTimeoutMs() != -1 ? request.rebalanceTimeoutMs() : base.rebalanceTimeoutMs())
                .withSubscription(names, regex);
        final boolean bump = existing == null
                || !names.equals(base.subscribedTopicNames())
                || !Objects.equals(regex, base.subscribedTopicRegex())
                || !Objects.equals(assignor, base.serverAssignor());
        final ConsumerMember reconciled = changes.apply(group, existing, updated, bump, owned, records);
        changes.scheduleSession(group, memberId);
        maybeScheduleRevocation(group, existing, reconciled);

        final ConsumerGroupHeartbeatResponseData result = new ConsumerGroupHeartbeatResponseData()
                .setMemberId(memberId)
                .setMemberEpoch(reconciled.memberEpoch())
                .setHeartbeatIntervalMs(heartbeatIntervalMs(group));
        final boolean fullRequest = request.rebalanceTimeoutMs() != -1
                && (request.subscribedTopicNames() != null || request.subscribedTopicRegex() != null)
                && request.topicPartitions() != null;
        if (epoch == 0
                || fullRequest
                || existing == null
                || !reconciled.assigned().equals(existing.assigned())) {
            result.setAssignment(assignment(reconciled.assigned()));
        }
        changes.respondAfter(group.groupId(), records, result, ConsumerHeartbeats::error, response);
    }

    private static ConsumerGroupHeartbeatResponseData error(final Errors error) {
        return new ConsumerGroupHeartbeatResponseData()
                .setErrorCode(error.code())
                .setErrorMessage(error.message());
    }

    /**
     * How soon the member should come back. While the group settles (it is not stable, or its epoch moved within
     * the last heartbeat interval, so more members may be on their way) members come back at the short rebalance
     * interval: a partition moves in two round trips, its old owner's revocation and its new owner's
     * assignment, and each waits for that member's next heartbeat. A settled group keeps the configured interval.
     */
    private int heartbeatIntervalMs(final ConsumerGroup group) {
        final boolean settling = group.state() != ConsumerGroupState.STABLE
                || groups.scheduler().nowMs() - group.groupEpochChangedAtMs() < config.heartbeatIntervalMs();
        return settling ? config.rebalanceHeartbeatIntervalMs() : config.heartbeatIntervalMs();
    }

    // ---- leaving and fencing

    private void leave(
            final ConsumerGroupHeartbeatRequestData request,
            final CompletableFuture<ConsumerGroupHeartbeatResponseData> response) {
        final ConsumerGroup group = groups.get(request.groupId());
        if (group == null) {
            throw new GroupIdNotFoundException("Consumer group " + request.groupId() + " not found.");
        }
        final ConsumerMember member;
        if (request.instanceId() == null) {
            member = group.member(request.memberId());
            if (member == null) {
                throw unknownMember(group, request.memberId());
            }
        } else {
            member = group.member(staticHolder(group, request.instanceId(), request.memberId()));
        }
        final List<GroupRecord> records = new ArrayList<>();
        if (request.memberEpoch() == ConsumerMember.LEAVE_STATIC_EPOCH) {
            final ConsumerMember away = member.leftForNow();
            group.putMember(away);
            group.cancelRebalanceTimer(member.memberId());
            records.add(away.toRecord(group.groupId(), group.target(member.memberId())));
        } else {
            changes.removeAndBump(group, List.of(member.memberId()), records);
        }
        changes.respondAfter(
                group.groupId(),
                records,
                new ConsumerGroupHeartbeatResponseData()
                        .setMemberId(member.memberId())
                        .setMemberEpoch(request.memberEpoch()),
                ConsumerHeartbeats::error,
                response);
    }

    /** A member that starts revoking gets its rebalance timeout to finish; one that no longer revokes, none. */
    private void maybeScheduleRevocation(
            final ConsumerGroup group, final ConsumerMember before, final ConsumerMember after) {
        if (after.state() != MemberState.UNREVOKED_PARTITIONS) {
            group.cancelRebalanceTimer(after.memberId());
            return;
        }
        if (before != null
                && before.state() == MemberState.UNREVOKED_PARTITIONS
                && before.memberEpoch() == after.memberEpoch()
                && group.hasRebalanceTimer(after.memberId())) {
            return;
        }
        final String groupId = group.groupId();
        final String memberId = after.memberId();
        final int epoch = after.memberEpoch();
        group.rebalanceTimer(memberId, groups.scheduler().schedule(after.rebalanceTimeoutMs(), () -> {
            final ConsumerGroup current = groups.get(groupId);
            final ConsumerMember m = current == null ? null : current.member(memberId);
            if (m != null && m.state() == MemberState.UNREVOKED_PARTITIONS && m.memberEpoch() == epoch) {
                changes.fence(
                        groupId,
                        memberId,
                        "it did not revoke its partitions within its rebalance timeout of " + after.rebalanceTimeoutMs()
                                + " ms");
            }
        }));
    }

    // ---- identity

    /**
     * The member the request speaks for, or null for a new one; checks its epoch (FENCED_MEMBER_EPOCH) and, for
     * a static member, its instance (UNRELEASED_INSTANCE_ID, FENCED_INSTANCE_ID). A static member coming back
     * under a new id replaces its old self, which {@code records} tombstones.
     */
    private ConsumerMember existingMember(
            final ConsumerGroup group,
            final String memberId,
            final ConsumerGroupHeartbeatRequestData request,
            final Map<Uuid, Set<Integer>> owned,
            final List<GroupRecord> records) {
        final int epoch = request.memberEpoch();
        if (request.instanceId() == null) {
            final ConsumerMember member = group.member(memberId);
            if (member == null && epoch != 0) {
                throw unknownMember(group, memberId);
            }
            if (member != null && epoch != 0) {
                checkEpoch(member, epoch, owned);
            }
            return member;
        }
        if (epoch != 0) {
            final ConsumerMember member = group.member(staticHolder(group, request.instanceId(), memberId));
            checkEpoch(member, epoch, owned);
            return member;
        }
        final String holderId = group.staticMemberId(request.instanceId());
        if (holderId == null) {
            return null;
        }
        final ConsumerMember holder = group.member(holderId);
        if (holder.memberEpoch() != ConsumerMember.LEAVE_STATIC_EPOCH) {
            throw new UnreleasedInstanceIdException("Static member " + holderId + " with instance id "
                    + request.instanceId() + " is still active in group " + group.groupId() + ".");
        }
        records.add(new GroupRecord.ConsumerMemberTombstone(group.groupId(), holderId));
        return group.handOverStatic(holderId, memberId);
    }

    private static String staticHolder(final ConsumerGroup group, final String instanceId, final String memberId) {
        final String holderId = group.staticMemberId(instanceId);
        if (holderId == null) {
            throw new UnknownMemberIdException("Instance id " + instanceId + " is unknown.");
        }
        if (!holderId.equals(memberId)) {
            throw new FencedInstanceIdException(
                    "Instance id " + instanceId + " is now member " + holderId + ", not " + memberId + ".");
        }
        return holderId;
    }

    /** Kafka's rule: the current epoch, or the previous one from a member that owns no more than it should. */
    private static void checkEpoch(final ConsumerMember member, final int epoch, final Map<Uuid, Set<Integer>> owned) {
        if (epoch > member.memberEpoch()) {
            throw new FencedMemberEpochException("The consumer group member has a greater member epoch (" + epoch
                    + ") than the one known by the group coordinator (" + member.memberEpoch()
                    + "). The member must abandon all its partitions and rejoin.");
        }
        if (epoch < member.memberEpoch()
                && (epoch != member.previousMemberEpoch()
                        || owned == null
                        || !Partitions.subset(owned, member.assigned()))) {
            throw new FencedMemberEpochException("The consumer group member has a smaller member epoch (" + epoch
                    + ") than the one known by the group coordinator (" + member.memberEpoch()
                    + "). The member must abandon all its partitions and rejoin.");
        }
    }

    private static UnknownMemberIdException unknownMember(final ConsumerGroup group, final String memberId) {
        return new UnknownMemberIdException(
                "Member " + memberId + " is not a member of group " + group.groupId() + ".");
    }

    // ---- assignment

    private static ConsumerGroupHeartbeatResponseData.Assignment assignment(final Map<Uuid, Set<Integer>> assigned) {
        final ConsumerGroupHeartbeatResponseData.Assignment result =
                new ConsumerGroupHeartbeatResponseData.Assignment();
        assigned.forEach((topic, partitions) -> result.topicPartitions()
                .add(new ConsumerGroupHeartbeatResponseData.TopicPartitions()
                        .setTopicId(topic)
                        .setPartitions(new ArrayList<>(Partitions.sorted(partitions)))));
        return result;
    }

    private static Map<Uuid, Set<Integer>> owned(final ConsumerGroupHeartbeatRequestData request) {
        if (request.topicPartitions() == null) {
            return null;
        }
        final Map<Uuid, Set<Integer>> owned = new HashMap<>();
        for (final ConsumerGroupHeartbeatRequestData.TopicPartitions t : request.topicPartitions()) {
            owned.computeIfAbsent(t.topicId(), id -> new HashSet<>()).addAll(t.partitions());
        }
        return owned;
    }

    // ---- validation

    /** Kafka's checks of a heartbeat's fields, before anything changes: INVALID_REQUEST and friends. */
    private void validate(final ConsumerGroupHeartbeatRequestData request, final short version) {
        final int epoch = request.memberEpoch();
        if ((version >= 1 || epoch > 0 || epoch == ConsumerMember.LEAVE_EPOCH) && blank(request.memberId())) {
            throw new InvalidRequestException("MemberId can't be empty.");
        }
        if (blank(request.groupId())) {
            throw new InvalidRequestException("GroupId can't be empty.");
        }
        if (request.instanceId() != null && blank(request.instanceId())) {
            throw new InvalidRequestException("InstanceId can't be empty.");
        }
        if (request.rackId() != null && blank(request.rackId())) {
            throw new InvalidRequestException("RackId can't be empty.");
        }
        if (epoch == 0) {
            if (request.rebalanceTimeoutMs() == -1) {
                throw new InvalidRequestException("RebalanceTimeoutMs must be provided in first request.");
            }
            if (request.topicPartitions() == null || !request.topicPartitions().isEmpty()) {
                throw new InvalidRequestException("TopicPartitions must be empty when (re-)joining.");
            }
            if (request.subscribedTopicNames() == null && request.subscribedTopicRegex() == null) {
                throw new InvalidRequestException(
                        "Either SubscribedTopicNames or SubscribedTopicRegex must be " + "non-null when (re-)joining.");
            }
        } else if (epoch == ConsumerMember.LEAVE_STATIC_EPOCH && request.instanceId() == null) {
            throw new InvalidRequestException("InstanceId can't be null.");
        } else if (epoch < ConsumerMember.LEAVE_STATIC_EPOCH) {
            throw new InvalidRequestException("MemberEpoch is invalid.");
        }
        if (request.serverAssignor() != null && config.assignor(request.serverAssignor()) == null) {
            final List<String> names = new ArrayList<>();
            config.assignors().forEach(a -> names.add(a.name()));
            throw new UnsupportedAssignorException("ServerAssignor " + request.serverAssignor()
                    + " is not supported. Supported assignors: " + String.join(", ", names) + ".");
        }
        if (request.subscribedTopicRegex() != null
                && !request.subscribedTopicRegex().isEmpty()) {
            subscriptions.compile(request.subscribedTopicRegex());
        }
    }

    private static boolean blank(final String value) {
        return value == null || value.trim().isEmpty();
    }
}
