package io.runnel.coordinator.group.classic;

import io.runnel.coordinator.group.Group;
import io.runnel.coordinator.group.GroupOffsets;
import io.runnel.coordinator.group.store.GroupRecord;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.internals.ConsumerProtocol;
import org.apache.kafka.common.errors.IllegalGenerationException;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.errors.UnknownMemberIdException;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.protocol.Errors;

/**
 * A classic group: its state ({@link ClassicGroupState}, transitions listed there and enforced by
 * {@link #transitionTo}), generation, selected protocol and leader, and its committed offsets. The members are
 * kept in a {@link MemberTable}, what a rebalance waits for in {@link RebalanceWaits}; this class keeps the leader
 * and the members yet to sync in step with the table, so members change only through it. Owned by the group
 * coordinator's thread; not thread-safe.
 */
final class ClassicGroup implements Group {
    private final String groupId;
    private final MemberTable members;
    private final RebalanceWaits waits = new RebalanceWaits();
    private ClassicGroupState state;
    private ClassicGroupState previousState;
    private long stateTimestampMs;
    private int generationId;
    private String protocolType;
    private String protocolName;
    private String leaderId;
    /** Topics the members subscribe to (consumer protocol only), or null when unknown. */
    private Set<String> subscribedTopics;

    private final GroupOffsets offsets = new GroupOffsets();

    ClassicGroup(final String groupId, final long nowMs) {
        this.groupId = groupId;
        this.members = new MemberTable(groupId);
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
                final ClassicMember member = new ClassicMember(
                        m.memberId(),
                        m.groupInstanceId(),
                        m.clientId(),
                        m.clientHost(),
                        m.rebalanceTimeoutMs(),
                        m.sessionTimeoutMs(),
                        record.protocolType(),
                        List.of(new ClassicMember.Protocol(
                                record.protocol(), m.subscription() == null ? new byte[0] : m.subscription())));
                member.assignment(m.assignment());
                group.addMember(member);
            }
            group.leaderId = record.leader() != null && group.members.contains(record.leader())
                    ? record.leader()
                    : group.members.firstMemberId();
            // Loaded, not reached: a persisted group starts Stable without a transition.
            group.state = ClassicGroupState.STABLE;
            group.previousState = ClassicGroupState.STABLE;
            group.subscribedTopics = group.computeSubscribedTopics();
        }
        return group;
    }

    /** The record that persists the group's current generation with these assignments. */
    GroupRecord.GroupMetadata toRecord(final Map<String, byte[]> assignments) {
        final List<GroupRecord.Member> recordMembers = new ArrayList<>(members.size());
        for (final ClassicMember m : members.all()) {
            final byte[] subscription = protocolName == null ? null : m.metadata(protocolName);
            final byte[] assignment = assignments.get(m.memberId());
            recordMembers.add(new GroupRecord.Member(
                    m.memberId(),
                    m.groupInstanceId(),
                    m.clientId(),
                    m.clientHost(),
                    m.rebalanceTimeoutMs(),
                    m.sessionTimeoutMs(),
                    subscription == null ? new byte[0] : subscription,
                    assignment == null ? ClassicMember.EMPTY_ASSIGNMENT : assignment));
        }
        return new GroupRecord.GroupMetadata(
                groupId,
                protocolType,
                generationId,
                members.isEmpty() ? null : protocolName,
                members.isEmpty() ? null : leaderId,
                stateTimestampMs,
                recordMembers);
    }

    Map<String, byte[]> currentAssignments() {
        return members.currentAssignments();
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
        return state == ClassicGroupState.EMPTY && !waits.hasPendingMembers();
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

    // ---- state and generation

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

    boolean canRebalance() {
        return ClassicGroupState.PREPARING_REBALANCE.validPreviousStates().contains(state);
    }

    /** Starts the next generation: CompletingRebalance with a selected protocol, or Empty. */
    void initNextGeneration(final long nowMs) {
        generationId++;
        if (!members.isEmpty()) {
            protocolName = members.selectProtocol();
            subscribedTopics = computeSubscribedTopics();
            transitionTo(ClassicGroupState.COMPLETING_REBALANCE, nowMs);
        } else {
            protocolName = null;
            subscribedTopics = computeSubscribedTopics();
            transitionTo(ClassicGroupState.EMPTY, nowMs);
        }
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

    /** Keeps the leader if it rejoined, else picks a member that did; false when no member rejoined. */
    boolean maybeElectNewJoinedLeader() {
        if (leaderId != null
                && members.get(leaderId) != null
                && members.get(leaderId).isAwaitingJoin()) {
            return true;
        }
        for (final ClassicMember m : members.all()) {
            if (m.isAwaitingJoin()) {
                leaderId = m.memberId();
                return true;
            }
        }
        return false;
    }

    boolean usesConsumerProtocol() {
        return ConsumerProtocol.PROTOCOL_TYPE.equals(protocolType);
    }

    /** A group used only to store offsets (simple consumers, admin commits): no protocol type. */
    boolean isSimple() {
        return protocolType == null || protocolType.isEmpty();
    }

    // ---- members: changed here, so that the leader and the members yet to sync follow

    boolean hasMember(final String memberId) {
        return members.contains(memberId);
    }

    ClassicMember member(final String memberId) {
        return members.get(memberId);
    }

    Collection<ClassicMember> members() {
        return members.all();
    }

    int size() {
        return members.size();
    }

    String staticMemberId(final String groupInstanceId) {
        return members.staticMemberId(groupInstanceId);
    }

    void addMember(final ClassicMember member) {
        if (members.isEmpty()) {
            protocolType = member.protocolType();
        }
        members.add(member);
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
        waits.removePendingSyncMember(memberId);
        if (memberId.equals(leaderId)) {
            leaderId = members.firstMemberId();
        }
        return member;
    }

    /** Changes what a member joined with, keeping the protocol counts right. */
    void updateMember(
            final ClassicMember member,
            final List<ClassicMember.Protocol> protocols,
            final int rebalanceTimeoutMs,
            final int sessionTimeoutMs) {
        members.update(member, protocols, rebalanceTimeoutMs, sessionTimeoutMs);
    }

    /** See {@link MemberTable#replaceStatic}; the new id keeps the old one's leadership and pending sync. */
    ClassicMember replaceStaticMember(
            final String groupInstanceId, final String oldMemberId, final String newMemberId) {
        final ClassicMember replacement = members.replaceStatic(groupInstanceId, oldMemberId, newMemberId);
        if (oldMemberId.equals(leaderId)) {
            leaderId = newMemberId;
        }
        if (waits.removePendingSyncMember(oldMemberId)) {
            waits.addPendingSyncMember(newMemberId);
        }
        return replacement;
    }

    void validateMember(final String memberId, final String groupInstanceId) {
        members.validate(memberId, groupInstanceId);
    }

    boolean supportsProtocols(final String memberProtocolType, final List<ClassicMember.Protocol> protocols) {
        return members.supportsProtocols(protocolType, memberProtocolType, protocols);
    }

    String selectProtocol() {
        return members.selectProtocol();
    }

    /** The members and their metadata for the selected protocol, as the leader receives them. */
    List<JoinGroupResponseData.JoinGroupResponseMember> joinMembers() {
        return members.joinMembers(protocolName);
    }

    // ---- what the rebalance waits for

    RebalanceWaits waits() {
        return waits;
    }

    int numAwaitingJoin() {
        return members.numAwaitingJoin();
    }

    boolean hasAllMembersJoined() {
        return members.numAwaitingJoin() == members.size() && !waits.hasPendingMembers();
    }

    int rebalanceTimeoutMs() {
        return members.rebalanceTimeoutMs();
    }

    /** Cancels every timer of the group and its members (deletion, shutdown). */
    void cancelTimers() {
        waits.cancelTimers();
        members.all().forEach(ClassicMember::cancelHeartbeat);
    }

    // ---- offsets

    /** Whether the members subscribe to {@code topic}; null when it cannot be known (not the consumer protocol). */
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
        return protocolName == null ? null : members.subscribedTopics(protocolName);
    }

    @Override
    public GroupOffsets offsets() {
        return offsets;
    }

    /** Kafka's rules for an OffsetCommit of a classic group that exists. */
    @Override
    public void validateOffsetCommit(
            final String memberId,
            final String groupInstanceId,
            final int generation,
            final short version,
            final Map<String, Set<Integer>> partitions) {
        if (state == ClassicGroupState.DEAD) {
            throw Errors.COORDINATOR_NOT_AVAILABLE.exception();
        }
        if (generation < 0 && state == ClassicGroupState.EMPTY) {
            return;
        }
        if (generation >= 0 || !memberId.isEmpty() || groupInstanceId != null) {
            validateMember(memberId, groupInstanceId);
            if (generation != generationId) {
                throw new IllegalGenerationException(
                        "generation " + generation + " of group " + groupId + " is not the current " + generationId);
            }
        } else if (state != ClassicGroupState.EMPTY) {
            throw new UnknownMemberIdException("group " + groupId + " has members; a commit needs a member id");
        }
        if (state == ClassicGroupState.COMPLETING_REBALANCE) {
            throw new RebalanceInProgressException("group " + groupId + " is completing a rebalance");
        }
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
        if (usesConsumerProtocol()
                && state == ClassicGroupState.STABLE
                && Boolean.FALSE.equals(isSubscribedTo(topic))) {
            return -1L;
        }
        return null;
    }
}
