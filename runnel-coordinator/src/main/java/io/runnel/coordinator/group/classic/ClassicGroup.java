package io.runnel.coordinator.group.classic;

import io.runnel.coordinator.group.Group;
import io.runnel.coordinator.group.GroupOffsets;
import io.runnel.coordinator.runtime.Scheduler;
import io.runnel.coordinator.group.store.GroupRecord;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor;
import org.apache.kafka.clients.consumer.internals.ConsumerProtocol;
import org.apache.kafka.common.errors.FencedInstanceIdException;
import org.apache.kafka.common.errors.IllegalGenerationException;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.errors.UnknownMemberIdException;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.protocol.Errors;

/**
 * A classic group: its state ({@link ClassicGroupState}, transitions listed there), generation, members, the
 * dynamic members asked to rejoin with their new id (KIP-394), the members yet to sync, and its committed
 * offsets. Owned by the group coordinator's thread; not thread-safe.
 */
final class ClassicGroup implements Group {
    private final String groupId;
    private ClassicGroupState state;
    private ClassicGroupState previousState;
    private long stateTimestampMs;
    private int generationId;
    private String protocolType;
    private String protocolName;
    private String leaderId;
    private final Map<String, ClassicMember> members = new LinkedHashMap<>();
    private final Map<String, String> staticMembers = new HashMap<>();
    private final Map<String, Scheduler.Timeout> pendingJoinMembers = new LinkedHashMap<>();
    private final Set<String> pendingSyncMembers = new LinkedHashSet<>();
    private final Map<String, Integer> supportedProtocols = new HashMap<>();
    private boolean newMemberAdded;
    private Scheduler.Timeout joinTimeout;
    private Scheduler.Timeout syncTimeout;
    /** Topics the members subscribe to (consumer protocol only), or null when unknown. */
    private Set<String> subscribedTopics;
    private final GroupOffsets offsets = new GroupOffsets();

    ClassicGroup(final String groupId, final long nowMs) {
        this.groupId = groupId;
        this.state = ClassicGroupState.EMPTY;
        this.previousState = ClassicGroupState.EMPTY;
        this.stateTimestampMs = nowMs;
    }

    /** The group as last persisted: Stable with its members and assignments, or Empty. */
    static ClassicGroup fromRecord(final GroupRecord.GroupMetadata record) {
        final ClassicGroup group = new ClassicGroup(record.groupId(), record.stateTimestampMs());
        group.generationId = record.generation();
        group.protocolType = record.protocolType();
        if (!record.members().isEmpty()) {
            group.protocolName = record.protocol();
            for (final GroupRecord.Member m : record.members()) {
                final ClassicMember member = new ClassicMember(m.memberId(), m.groupInstanceId(), m.clientId(),
                        m.clientHost(), m.rebalanceTimeoutMs(), m.sessionTimeoutMs(), record.protocolType(),
                        List.of(new ClassicMember.Protocol(record.protocol(),
                                m.subscription() == null ? new byte[0] : m.subscription())));
                member.assignment(m.assignment());
                group.addMember(member);
            }
            group.leaderId = record.leader() != null && group.members.containsKey(record.leader())
                    ? record.leader() : group.members.keySet().iterator().next();
            group.state = ClassicGroupState.STABLE;
            group.previousState = ClassicGroupState.STABLE;
            group.subscribedTopics = group.computeSubscribedTopics();
        }
        return group;
    }

    /** The record that persists the group's current generation with these assignments. */
    GroupRecord.GroupMetadata toRecord(final Map<String, byte[]> assignments) {
        final List<GroupRecord.Member> recordMembers = new ArrayList<>(members.size());
        for (final ClassicMember m : members.values()) {
            final byte[] subscription = protocolName == null ? null : m.metadata(protocolName);
            final byte[] assignment = assignments.get(m.memberId());
            recordMembers.add(new GroupRecord.Member(m.memberId(), m.groupInstanceId(), m.clientId(), m.clientHost(),
                    m.rebalanceTimeoutMs(), m.sessionTimeoutMs(), subscription == null ? new byte[0] : subscription,
                    assignment == null ? ClassicMember.EMPTY_ASSIGNMENT : assignment));
        }
        return new GroupRecord.GroupMetadata(groupId, protocolType, generationId,
                members.isEmpty() ? null : protocolName, members.isEmpty() ? null : leaderId, stateTimestampMs,
                recordMembers);
    }

    Map<String, byte[]> currentAssignments() {
        final Map<String, byte[]> assignments = new HashMap<>();
        members.values().forEach(m -> assignments.put(m.memberId(), m.assignment()));
        return assignments;
    }

    @Override
    public String groupId() {
        return groupId;
    }

    @Override
    public String type() {
        return CLASSIC_TYPE;
    }

    @Override
    public String stateName() {
        return state.toString();
    }

    @Override
    public boolean isDead() {
        return state == ClassicGroupState.DEAD;
    }

    @Override
    public boolean isEmpty() {
        return state == ClassicGroupState.EMPTY && pendingJoinMembers.isEmpty();
    }

    @Override
    public GroupRecord tombstone() {
        return new GroupRecord.GroupTombstone(groupId);
    }

    @Override
    public void delete(final long nowMs) {
        cancelTimers();
        if (state != ClassicGroupState.DEAD) {
            transitionTo(ClassicGroupState.DEAD, nowMs);
        }
    }

    ClassicGroupState state() {
        return state;
    }

    ClassicGroupState previousState() {
        return previousState;
    }

    boolean isInState(final ClassicGroupState candidate) {
        return state == candidate;
    }

    long stateTimestampMs() {
        return stateTimestampMs;
    }

    void transitionTo(final ClassicGroupState target, final long nowMs) {
        if (!target.validPreviousStates().contains(state)) {
            throw new IllegalStateException("group " + groupId + " cannot move from " + state + " to " + target);
        }
        previousState = state;
        state = target;
        stateTimestampMs = nowMs;
    }

    int generationId() {
        return generationId;
    }

    @Override
    public String protocolType() {
        return protocolType;
    }

    String protocolName() {
        return protocolName;
    }

    String leaderId() {
        return leaderId;
    }

    boolean isLeader(final String memberId) {
        return memberId.equals(leaderId);
    }

    boolean usesConsumerProtocol() {
        return ConsumerProtocol.PROTOCOL_TYPE.equals(protocolType);
    }

    /** A group used only to store offsets (simple consumers, admin commits): no protocol type. */
    boolean isSimple() {
        return protocolType == null || protocolType.isEmpty();
    }

    // ---- members

    boolean hasMember(final String memberId) {
        return members.containsKey(memberId);
    }

    ClassicMember member(final String memberId) {
        return members.get(memberId);
    }

    Collection<ClassicMember> members() {
        return Collections.unmodifiableCollection(members.values());
    }

    int size() {
        return members.size();
    }

    String staticMemberId(final String groupInstanceId) {
        return groupInstanceId == null ? null : staticMembers.get(groupInstanceId);
    }

    void addMember(final ClassicMember member) {
        if (members.isEmpty()) {
            protocolType = member.protocolType();
        }
        members.put(member.memberId(), member);
        member.protocols().forEach(p -> supportedProtocols.merge(p.name(), 1, Integer::sum));
        if (member.isStatic()) {
            staticMembers.put(member.groupInstanceId(), member.memberId());
        }
        if (leaderId == null) {
            leaderId = member.memberId();
        }
    }

    /** Removes the member (its parked requests are the caller's to answer); a new leader is picked if needed. */
    ClassicMember removeMember(final String memberId) {
        final ClassicMember member = members.remove(memberId);
        if (member == null) {
            return null;
        }
        member.cancelHeartbeat();
        member.protocols().forEach(p -> supportedProtocols.merge(p.name(), -1, (a, b) -> a + b == 0 ? null : a + b));
        if (member.isStatic() && memberId.equals(staticMembers.get(member.groupInstanceId()))) {
            staticMembers.remove(member.groupInstanceId());
        }
        pendingSyncMembers.remove(memberId);
        if (memberId.equals(leaderId)) {
            leaderId = members.isEmpty() ? null : members.keySet().iterator().next();
        }
        return member;
    }

    /** Changes what a member joined with, keeping the protocol counts right. */
    void updateMember(final ClassicMember member, final List<ClassicMember.Protocol> protocols,
                      final int rebalanceTimeoutMs, final int sessionTimeoutMs) {
        member.protocols().forEach(p -> supportedProtocols.merge(p.name(), -1, (a, b) -> a + b == 0 ? null : a + b));
        member.update(protocols, rebalanceTimeoutMs, sessionTimeoutMs);
        member.protocols().forEach(p -> supportedProtocols.merge(p.name(), 1, Integer::sum));
    }

    /**
     * Replaces the static member {@code oldMemberId} by the same instance under {@code newMemberId} (KIP-345). A
     * request still parked for the old id is answered with FENCED_INSTANCE_ID.
     */
    ClassicMember replaceStaticMember(final String groupInstanceId, final String oldMemberId, final String newMemberId) {
        final ClassicMember old = members.remove(oldMemberId);
        if (old == null) {
            throw new IllegalArgumentException("unknown member " + oldMemberId);
        }
        old.cancelHeartbeat();
        old.completeJoin(new JoinGroupResponseData().setMemberId(oldMemberId).setProtocolName(null)
                .setErrorCode(Errors.FENCED_INSTANCE_ID.code()));
        old.completeSync(new org.apache.kafka.common.message.SyncGroupResponseData()
                .setErrorCode(Errors.FENCED_INSTANCE_ID.code()));
        final ClassicMember replacement = old.withMemberId(newMemberId);
        members.put(newMemberId, replacement);
        staticMembers.put(groupInstanceId, newMemberId);
        if (oldMemberId.equals(leaderId)) {
            leaderId = newMemberId;
        }
        if (pendingSyncMembers.remove(oldMemberId)) {
            pendingSyncMembers.add(newMemberId);
        }
        return replacement;
    }

    /**
     * Checks a member's identity as Kafka does: by instance id for a static member (FENCED_INSTANCE_ID when the
     * instance now has another member id), else by member id.
     */
    void validateMember(final String memberId, final String groupInstanceId) {
        if (groupInstanceId != null) {
            final String existing = staticMembers.get(groupInstanceId);
            if (existing == null) {
                throw new UnknownMemberIdException("instance " + groupInstanceId + " is not in group " + groupId);
            }
            if (!existing.equals(memberId)) {
                throw new FencedInstanceIdException("instance " + groupInstanceId + " of group " + groupId
                        + " is now member " + existing);
            }
        } else if (!members.containsKey(memberId)) {
            throw new UnknownMemberIdException("member " + memberId + " is not in group " + groupId);
        }
    }

    /** Kafka's rules for an OffsetCommit of a classic group that exists. */
    @Override
    public void validateOffsetCommit(final String memberId, final String groupInstanceId, final int generation,
                                     final short version, final Map<String, Set<Integer>> partitions) {
        if (state == ClassicGroupState.DEAD) {
            throw Errors.COORDINATOR_NOT_AVAILABLE.exception();
        }
        if (generation < 0 && state == ClassicGroupState.EMPTY) {
            return;
        }
        if (generation >= 0 || !memberId.isEmpty() || groupInstanceId != null) {
            validateMember(memberId, groupInstanceId);
            if (generation != generationId) {
                throw new IllegalGenerationException("generation " + generation + " of group " + groupId
                        + " is not the current " + generationId);
            }
        } else if (state != ClassicGroupState.EMPTY) {
            throw new UnknownMemberIdException("group " + groupId + " has members; a commit needs a member id");
        }
        if (state == ClassicGroupState.COMPLETING_REBALANCE) {
            throw new RebalanceInProgressException("group " + groupId + " is completing a rebalance");
        }
    }

    // ---- pending members (KIP-394) and sync

    boolean isPendingMember(final String memberId) {
        return pendingJoinMembers.containsKey(memberId);
    }

    void addPendingMember(final String memberId, final Scheduler.Timeout timeout) {
        pendingJoinMembers.put(memberId, timeout);
    }

    void removePendingMember(final String memberId) {
        final Scheduler.Timeout timeout = pendingJoinMembers.remove(memberId);
        if (timeout != null) {
            timeout.cancel();
        }
    }

    boolean hasPendingMembers() {
        return !pendingJoinMembers.isEmpty();
    }

    void addPendingSyncMember(final String memberId) {
        pendingSyncMembers.add(memberId);
    }

    void removePendingSyncMember(final String memberId) {
        pendingSyncMembers.remove(memberId);
    }

    Set<String> pendingSyncMembers() {
        return new LinkedHashSet<>(pendingSyncMembers);
    }

    void clearPendingSyncMembers() {
        pendingSyncMembers.clear();
    }

    // ---- rebalance

    int numAwaitingJoin() {
        int count = 0;
        for (final ClassicMember m : members.values()) {
            if (m.isAwaitingJoin()) {
                count++;
            }
        }
        return count;
    }

    boolean hasAllMembersJoined() {
        return numAwaitingJoin() == members.size() && pendingJoinMembers.isEmpty();
    }

    boolean canRebalance() {
        return ClassicGroupState.PREPARING_REBALANCE.validPreviousStates().contains(state);
    }

    int rebalanceTimeoutMs() {
        int max = 0;
        for (final ClassicMember m : members.values()) {
            max = Math.max(max, m.rebalanceTimeoutMs());
        }
        return max;
    }

    boolean newMemberAdded() {
        return newMemberAdded;
    }

    void newMemberAdded(final boolean value) {
        newMemberAdded = value;
    }

    void joinTimeout(final Scheduler.Timeout timeout) {
        cancelJoinTimeout();
        joinTimeout = timeout;
    }

    void cancelJoinTimeout() {
        if (joinTimeout != null) {
            joinTimeout.cancel();
            joinTimeout = null;
        }
    }

    void syncTimeout(final Scheduler.Timeout timeout) {
        cancelSyncTimeout();
        syncTimeout = timeout;
    }

    void cancelSyncTimeout() {
        if (syncTimeout != null) {
            syncTimeout.cancel();
            syncTimeout = null;
        }
    }

    /** Cancels every timer of the group and its members (deletion, shutdown). */
    void cancelTimers() {
        cancelJoinTimeout();
        cancelSyncTimeout();
        pendingJoinMembers.values().forEach(Scheduler.Timeout::cancel);
        members.values().forEach(ClassicMember::cancelHeartbeat);
    }

    /** Keeps the leader if it rejoined, else picks a member that did; false when no member rejoined. */
    boolean maybeElectNewJoinedLeader() {
        if (leaderId != null && members.get(leaderId) != null && members.get(leaderId).isAwaitingJoin()) {
            return true;
        }
        for (final ClassicMember m : members.values()) {
            if (m.isAwaitingJoin()) {
                leaderId = m.memberId();
                return true;
            }
        }
        return false;
    }

    /** A protocol type and protocol list the group can accept from a joining member. */
    boolean supportsProtocols(final String memberProtocolType, final List<ClassicMember.Protocol> protocols) {
        if (members.isEmpty()) {
            return memberProtocolType != null && !memberProtocolType.isEmpty() && !protocols.isEmpty();
        }
        if (memberProtocolType == null || !memberProtocolType.equals(protocolType)) {
            return false;
        }
        for (final ClassicMember.Protocol p : protocols) {
            if (supportedProtocols.getOrDefault(p.name(), 0) == members.size()) {
                return true;
            }
        }
        return false;
    }

    /**
     * The protocol for the next generation: among those every member supports, the one most members prefer
     * (each votes for its first supported candidate); ties go to the lexically smallest name.
     */
    String selectProtocol() {
        if (members.isEmpty()) {
            throw new IllegalStateException("no members in group " + groupId);
        }
        final Set<String> candidates = new TreeSet<>();
        supportedProtocols.forEach((name, count) -> {
            if (count == members.size()) {
                candidates.add(name);
            }
        });
        final Map<String, Integer> votes = new TreeMap<>();
        members.values().forEach(m -> votes.merge(m.vote(candidates), 1, Integer::sum));
        String best = null;
        int bestVotes = -1;
        for (final Map.Entry<String, Integer> e : votes.entrySet()) {
            if (e.getValue() > bestVotes) {
                best = e.getKey();
                bestVotes = e.getValue();
            }
        }
        return best;
    }

    /** Starts the next generation: CompletingRebalance with a selected protocol, or Empty. */
    void initNextGeneration(final long nowMs) {
        generationId++;
        if (!members.isEmpty()) {
            protocolName = selectProtocol();
            subscribedTopics = computeSubscribedTopics();
            transitionTo(ClassicGroupState.COMPLETING_REBALANCE, nowMs);
        } else {
            protocolName = null;
            subscribedTopics = computeSubscribedTopics();
            transitionTo(ClassicGroupState.EMPTY, nowMs);
        }
    }

    /** The members and their metadata for the selected protocol, as the leader receives them. */
    List<JoinGroupResponseData.JoinGroupResponseMember> joinMembers() {
        final List<JoinGroupResponseData.JoinGroupResponseMember> list = new ArrayList<>(members.size());
        for (final ClassicMember m : members.values()) {
            list.add(new JoinGroupResponseData.JoinGroupResponseMember().setMemberId(m.memberId())
                    .setGroupInstanceId(m.groupInstanceId()).setMetadata(m.metadata(protocolName)));
        }
        return list;
    }

    /** Whether the members subscribe to {@code topic}; null when that cannot be known (not the consumer protocol). */
    @Override
    public Boolean isSubscribedTo(final String topic) {
        return subscribedTopics == null ? null : subscribedTopics.contains(topic);
    }

    private Set<String> computeSubscribedTopics() {
        if (!usesConsumerProtocol()) {
            return null;
        }
        if (members.isEmpty()) {
            return Set.of();
        }
        if (protocolName == null) {
            return null;
        }
        final Set<String> topics = new HashSet<>();
        try {
            for (final ClassicMember m : members.values()) {
                final ConsumerPartitionAssignor.Subscription subscription =
                        ConsumerProtocol.deserializeSubscription(ByteBuffer.wrap(m.metadata(protocolName)));
                topics.addAll(subscription.topics());
            }
        } catch (final RuntimeException e) {
            return null;
        }
        return topics;
    }

    // ---- offsets

    @Override
    public GroupOffsets offsets() {
        return offsets;
    }

    @Override
    public void validateOffsetFetch(final String memberId, final int memberEpoch) {
        // Classic members do not name themselves in OffsetFetch; any client may read a classic group's offsets.
    }

    @Override
    public boolean allowsOffsetDeletion() {
        return state == ClassicGroupState.EMPTY || usesConsumerProtocol();
    }

    @Override
    public Long offsetsRetentionBaseMs(final String topic) {
        if (isSimple()) {
            return -1L;
        }
        if (state == ClassicGroupState.EMPTY) {
            return stateTimestampMs;
        }
        if (usesConsumerProtocol() && state == ClassicGroupState.STABLE && Boolean.FALSE.equals(isSubscribedTo(topic))) {
            return -1L;
        }
        return null;
    }
}
