package io.runnel.coordinator.group.consumer;

import io.runnel.coordinator.group.Group;
import io.runnel.coordinator.group.GroupOffsets;
import io.runnel.coordinator.group.store.GroupRecord;
import io.runnel.coordinator.runtime.Scheduler;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.IllegalGenerationException;
import org.apache.kafka.common.errors.StaleMemberEpochException;
import org.apache.kafka.common.errors.UnknownMemberIdException;
import org.apache.kafka.common.errors.UnsupportedVersionException;

/**
 * A KIP-848 consumer group: its group epoch (bumped by every change of membership, subscriptions or subscribed
 * topics), the target assignment and its epoch, its members, which member holds each partition, and its
 * committed offsets. Its state ({@link ConsumerGroupState}) follows from these. Owned by the group
 * coordinator's thread; not thread-safe.
 */
final class ConsumerGroup implements Group {
    /** A topic as the group last saw it: what a change of which bumps the group epoch. */
    record TopicShape(Uuid id, int partitions) {}

    private final String groupId;
    private int groupEpoch;
    private int assignmentEpoch;
    /** When the group epoch last moved on (scheduler time); never persisted, a loaded group starts settled. */
    private long groupEpochChangedAtMs = Long.MIN_VALUE / 2;

    private boolean dead;
    private final Map<String, ConsumerMember> members = new LinkedHashMap<>();
    private final Map<String, Map<Uuid, Set<Integer>>> targets = new HashMap<>();
    private final Map<String, String> staticMembers = new HashMap<>();
    /** Topic id to partition to the member that owns it or has yet to revoke it. */
    private final Map<Uuid, Map<Integer, String>> owners = new HashMap<>();

    private final Map<String, Scheduler.Timeout> sessionTimers = new HashMap<>();
    /**
     * A member's deadline in a rebalance: a consumer-protocol member's to revoke, a classic member's to rejoin
     * or to sync after its join.
     */
    private final Map<String, Scheduler.Timeout> rebalanceTimers = new HashMap<>();

    private Map<String, TopicShape> subscribedTopics = Map.of();
    private final GroupOffsets offsets = new GroupOffsets();

    ConsumerGroup(final String groupId) {
        this.groupId = groupId;
    }

    // ---- Group

    @Override
    public String groupId() {
        return groupId;
    }

    @Override
    public String type() {
        return CONSUMER_TYPE;
    }

    @Override
    public String protocolType() {
        return "consumer";
    }

    @Override
    public String stateName() {
        return state().toString();
    }

    @Override
    public boolean isDead() {
        return dead;
    }

    @Override
    public boolean isEmpty() {
        return members.isEmpty();
    }

    @Override
    public GroupOffsets offsets() {
        return offsets;
    }

    @Override
    public GroupRecord tombstone() {
        return new GroupRecord.ConsumerGroupTombstone(groupId);
    }

    @Override
    public void delete(final long nowMs) {
        sessionTimers.values().forEach(Scheduler.Timeout::cancel);
        rebalanceTimers.values().forEach(Scheduler.Timeout::cancel);
        sessionTimers.clear();
        rebalanceTimers.clear();
        dead = true;
    }

    /**
     * Kafka's rules: anyone may commit to an empty group; otherwise a member: a classic one at its generation
     * (its epoch) with any version, a consumer-protocol one from v9 at its current epoch. A
     * commit at the member's previous epoch is taken too when the member has owned every committed partition
     * since that epoch: the commit raced the heartbeat that moved the epoch on, and nobody else can have read
     * those partitions (the rule KIP-1251 brings to later Kafka versions).
     */
    @Override
    public void validateOffsetCommit(
            final String memberId,
            final String groupInstanceId,
            final int memberEpoch,
            final short version,
            final Map<String, Set<Integer>> partitions) {
        if (memberEpoch < 0 && members.isEmpty()) {
            return;
        }
        final ConsumerMember member = requireMember(memberId);
        if (member.isClassic()) {
            requireGeneration(member, memberEpoch);
            return;
        }
        if (version < 9) {
            throw new UnsupportedVersionException(
                    "OffsetCommit version 9 or above must be used by members using " + "the consumer group protocol");
        }
        if (memberEpoch == member.previousMemberEpoch()
                && memberEpoch >= 0
                && ownsSincePreviousEpoch(member, partitions)) {
            return;
        }
        requireEpoch(member, memberEpoch);
    }

    /**
     * Whether the member still owns every one of {@code partitions}. A commit stamped with an epoch carries only
     * partitions the member owned at that epoch, so owning them now means owning them throughout.
     */
    private boolean ownsSincePreviousEpoch(final ConsumerMember member, final Map<String, Set<Integer>> partitions) {
        for (final Map.Entry<String, Set<Integer>> e : partitions.entrySet()) {
            final TopicShape topic = subscribedTopics.get(e.getKey());
            if (topic == null
                    || !member.assigned().getOrDefault(topic.id(), Set.of()).containsAll(e.getValue())) {
                return false;
            }
        }
        return true;
    }

    /**
     * A member at its current epoch, or at its previous one: kafka-clients sends OffsetFetch with the epoch it
     * knows, which is one behind while the heartbeat that moved it on is still on its way back, and does not
     * retry a STALE_MEMBER_EPOCH (it fails the poll). Kafka avoids most of that race by reading its state as of
     * the last write; reading offsets changes nothing, so the previous epoch is taken outright.
     */
    @Override
    public void validateOffsetFetch(final String memberId, final int memberEpoch) {
        if (memberId == null && memberEpoch < 0) {
            return;
        }
        final ConsumerMember member = requireMember(memberId);
        if (member.isClassic()) {
            requireGeneration(member, memberEpoch);
        } else if (memberEpoch < 0 || memberEpoch != member.previousMemberEpoch()) {
            requireEpoch(member, memberEpoch);
        }
    }

    @Override
    public boolean allowsOffsetDeletion() {
        return true;
    }

    @Override
    public Boolean isSubscribedTo(final String topic) {
        return subscribedTopics.containsKey(topic);
    }

    /** Offsets of topics nobody subscribes to expire by their commit time; the others do not expire. */
    @Override
    public Long offsetsRetentionBaseMs(final String topic) {
        return isSubscribedTo(topic) ? null : -1L;
    }

    // ---- state

    ConsumerGroupState state() {
        if (dead) {
            return ConsumerGroupState.DEAD;
        }
        if (members.isEmpty()) {
            return ConsumerGroupState.EMPTY;
        }
        if (groupEpoch > assignmentEpoch) {
            return ConsumerGroupState.ASSIGNING;
        }
        for (final ConsumerMember m : members.values()) {
            if (m.memberEpoch() != assignmentEpoch || m.state() != MemberState.STABLE) {
                return ConsumerGroupState.RECONCILING;
            }
        }
        return ConsumerGroupState.STABLE;
    }

    int groupEpoch() {
        return groupEpoch;
    }

    int assignmentEpoch() {
        return assignmentEpoch;
    }

    /** A change of membership, subscriptions or subscribed topics: the group epoch moves on. */
    void bumpGroupEpoch(final long nowMs) {
        groupEpoch++;
        groupEpochChangedAtMs = nowMs;
    }

    long groupEpochChangedAtMs() {
        return groupEpochChangedAtMs;
    }

    void epochs(final int newGroupEpoch, final int newAssignmentEpoch) {
        this.groupEpoch = newGroupEpoch;
        this.assignmentEpoch = newAssignmentEpoch;
    }

    GroupRecord.ConsumerGroupMetadata metadataRecord() {
        return new GroupRecord.ConsumerGroupMetadata(groupId, groupEpoch, assignmentEpoch);
    }

    Map<String, TopicShape> subscribedTopics() {
        return subscribedTopics;
    }

    void subscribedTopics(final Map<String, TopicShape> topics) {
        this.subscribedTopics = Map.copyOf(topics);
    }

    // ---- members

    ConsumerMember member(final String memberId) {
        return members.get(memberId);
    }

    Collection<ConsumerMember> members() {
        return Collections.unmodifiableCollection(members.values());
    }

    int size() {
        return members.size();
    }

    String staticMemberId(final String instanceId) {
        return instanceId == null ? null : staticMembers.get(instanceId);
    }

    /** Adds or replaces the member, keeping the partition owners and the static index in step. */
    void putMember(final ConsumerMember member) {
        final ConsumerMember previous = members.put(member.memberId(), member);
        if (previous != null) {
            release(previous);
        }
        claim(member);
        if (member.isStatic()) {
            staticMembers.put(member.instanceId(), member.memberId());
        }
    }

    /** Removes the member, its target and its timers; its partitions become free. */
    ConsumerMember removeMember(final String memberId) {
        final ConsumerMember member = members.remove(memberId);
        if (member == null) {
            return null;
        }
        release(member);
        targets.remove(memberId);
        if (member.isStatic() && memberId.equals(staticMembers.get(member.instanceId()))) {
            staticMembers.remove(member.instanceId());
        }
        cancel(sessionTimers.remove(memberId));
        cancel(rebalanceTimers.remove(memberId));
        return member;
    }

    /**
     * A static member's instance back under a new member id: the newcomer takes the holder's place, its
     * partitions and its target, at epoch 0.
     */
    ConsumerMember handOverStatic(final String holderId, final String newMemberId) {
        final ConsumerMember holder = members.get(holderId);
        final Map<Uuid, Set<Integer>> target = target(holderId);
        removeMember(holderId);
        target(newMemberId, target);
        final ConsumerMember back = holder.rejoinedAs(newMemberId);
        putMember(back);
        return back;
    }

    /** The member that owns the partition or has yet to revoke it; null when it is free. */
    String owner(final Uuid topicId, final int partition) {
        final Map<Integer, String> byPartition = owners.get(topicId);
        return byPartition == null ? null : byPartition.get(partition);
    }

    Map<Uuid, Set<Integer>> target(final String memberId) {
        return targets.getOrDefault(memberId, Map.of());
    }

    void target(final String memberId, final Map<Uuid, Set<Integer>> target) {
        targets.put(memberId, Partitions.copy(target));
    }

    // ---- timers

    void sessionTimer(final String memberId, final Scheduler.Timeout timer) {
        cancel(sessionTimers.put(memberId, timer));
    }

    void rebalanceTimer(final String memberId, final Scheduler.Timeout timer) {
        cancel(rebalanceTimers.put(memberId, timer));
    }

    boolean hasRebalanceTimer(final String memberId) {
        return rebalanceTimers.containsKey(memberId);
    }

    void cancelRebalanceTimer(final String memberId) {
        cancel(rebalanceTimers.remove(memberId));
    }

    private static void cancel(final Scheduler.Timeout timer) {
        if (timer != null) {
            timer.cancel();
        }
    }

    // ---- helpers

    private ConsumerMember requireMember(final String memberId) {
        final ConsumerMember member = memberId == null ? null : members.get(memberId);
        if (member == null) {
            throw new UnknownMemberIdException("Member " + memberId + " is not a member of group " + groupId + ".");
        }
        return member;
    }

    private void requireEpoch(final ConsumerMember member, final int memberEpoch) {
        if (memberEpoch != member.memberEpoch()) {
            throw new StaleMemberEpochException("The member epoch " + memberEpoch + " of " + member.memberId()
                    + " is not the current " + member.memberEpoch() + ".");
        }
    }

    /** A classic member's epoch is its generation, and a mismatch is what the classic protocol calls it. */
    private void requireGeneration(final ConsumerMember member, final int generation) {
        if (generation != member.memberEpoch()) {
            throw new IllegalGenerationException("The generation " + generation + " of " + member.memberId()
                    + " is not the current " + member.memberEpoch() + ".");
        }
    }

    private void claim(final ConsumerMember member) {
        forEach(
                member.assigned(),
                (topic, p) ->
                        owners.computeIfAbsent(topic, t -> new HashMap<>()).put(p, member.memberId()));
        forEach(
                member.pendingRevocation(),
                (topic, p) ->
                        owners.computeIfAbsent(topic, t -> new HashMap<>()).put(p, member.memberId()));
    }

    private void release(final ConsumerMember member) {
        final BiConsumer<Uuid, Integer> drop = (topic, p) -> {
            final Map<Integer, String> byPartition = owners.get(topic);
            if (byPartition != null && member.memberId().equals(byPartition.get(p))) {
                byPartition.remove(p);
                if (byPartition.isEmpty()) {
                    owners.remove(topic);
                }
            }
        };
        forEach(member.assigned(), drop);
        forEach(member.pendingRevocation(), drop);
    }

    private static void forEach(final Map<Uuid, Set<Integer>> partitions, final BiConsumer<Uuid, Integer> action) {
        partitions.forEach((topic, ps) -> ps.forEach(p -> action.accept(topic, p)));
    }
}
