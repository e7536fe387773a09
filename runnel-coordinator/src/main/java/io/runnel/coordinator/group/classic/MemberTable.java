package io.runnel.coordinator.group.classic;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor;
import org.apache.kafka.clients.consumer.internals.ConsumerProtocol;
import org.apache.kafka.common.errors.FencedInstanceIdException;
import org.apache.kafka.common.errors.UnknownMemberIdException;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.protocol.Errors;

/**
 * The members of one classic group, in join order, with the index of static members by instance id (KIP-345)
 * and how many members support each protocol, kept in step so that a joiner's protocols can be checked and the
 * next generation's protocol selected without a scan. {@link ClassicGroup} owns it and keeps the leader and the
 * members yet to sync in step with it. Owned by the group coordinator's thread; not thread-safe.
 */
final class MemberTable {
    private final String groupId;
    private final Map<String, ClassicMember> members = new LinkedHashMap<>();
    private final Map<String, String> staticMembers = new HashMap<>();
    private final Map<String, Integer> supportedProtocols = new HashMap<>();

    MemberTable(final String groupId) {
        this.groupId = groupId;
    }

    boolean contains(final String memberId) {
        return members.containsKey(memberId);
    }

    ClassicMember get(final String memberId) {
        return members.get(memberId);
    }

    Collection<ClassicMember> all() {
        return Collections.unmodifiableCollection(members.values());
    }

    int size() {
        return members.size();
    }

    boolean isEmpty() {
        return members.isEmpty();
    }

    /** The member that joined first, or null: the leader when another must be picked. */
    String firstMemberId() {
        return members.isEmpty() ? null : members.keySet().iterator().next();
    }

    String staticMemberId(final String groupInstanceId) {
        return groupInstanceId == null ? null : staticMembers.get(groupInstanceId);
    }

    void add(final ClassicMember member) {
        members.put(member.memberId(), member);
        member.protocols().forEach(p -> supportedProtocols.merge(p.name(), 1, Integer::sum));
        if (member.isStatic()) {
            staticMembers.put(member.groupInstanceId(), member.memberId());
        }
    }

    /** Removes the member and stops its session; its parked requests are the caller's to answer. */
    ClassicMember remove(final String memberId) {
        final ClassicMember member = members.remove(memberId);
        if (member == null) {
            return null;
        }
        member.cancelHeartbeat();
        member.protocols().forEach(p -> supportedProtocols.merge(p.name(), -1, (a, b) -> a + b == 0 ? null : a + b));
        if (member.isStatic() && memberId.equals(staticMembers.get(member.groupInstanceId()))) {
            staticMembers.remove(member.groupInstanceId());
        }
        return member;
    }

    /** Changes what a member joined with, keeping the protocol counts right. */
    void update(
            final ClassicMember member,
            final List<ClassicMember.Protocol> protocols,
            final int rebalanceTimeoutMs,
            final int sessionTimeoutMs) {
        member.protocols().forEach(p -> supportedProtocols.merge(p.name(), -1, (a, b) -> a + b == 0 ? null : a + b));
        member.update(protocols, rebalanceTimeoutMs, sessionTimeoutMs);
        member.protocols().forEach(p -> supportedProtocols.merge(p.name(), 1, Integer::sum));
    }

    /**
     * Replaces the static member {@code oldMemberId} by the same instance under {@code newMemberId} (KIP-345). A
     * request still parked for the old id is answered with FENCED_INSTANCE_ID.
     */
    ClassicMember replaceStatic(final String groupInstanceId, final String oldMemberId, final String newMemberId) {
        final ClassicMember old = members.remove(oldMemberId);
        if (old == null) {
            throw new IllegalArgumentException("unknown member " + oldMemberId);
        }
        old.cancelHeartbeat();
        old.completeJoin(new JoinGroupResponseData()
                .setMemberId(oldMemberId)
                .setProtocolName(null)
                .setErrorCode(Errors.FENCED_INSTANCE_ID.code()));
        old.completeSync(new SyncGroupResponseData().setErrorCode(Errors.FENCED_INSTANCE_ID.code()));
        final ClassicMember replacement = old.withMemberId(newMemberId);
        members.put(newMemberId, replacement);
        staticMembers.put(groupInstanceId, newMemberId);
        return replacement;
    }

    /**
     * Checks a member's identity as Kafka does: by instance id for a static member (FENCED_INSTANCE_ID when the
     * instance now has another member id), else by member id.
     */
    void validate(final String memberId, final String groupInstanceId) {
        if (groupInstanceId != null) {
            final String existing = staticMembers.get(groupInstanceId);
            if (existing == null) {
                throw new UnknownMemberIdException("instance " + groupInstanceId + " is not in group " + groupId);
            }
            if (!existing.equals(memberId)) {
                throw new FencedInstanceIdException(
                        "instance " + groupInstanceId + " of group " + groupId + " is now member " + existing);
            }
        } else if (!members.containsKey(memberId)) {
            throw new UnknownMemberIdException("member " + memberId + " is not in group " + groupId);
        }
    }

    int numAwaitingJoin() {
        int count = 0;
        for (final ClassicMember m : members.values()) {
            if (m.isAwaitingJoin()) {
                count++;
            }
        }
        return count;
    }

    /** The longest rebalance timeout of the members: the join and sync phases wait that long. */
    int rebalanceTimeoutMs() {
        int max = 0;
        for (final ClassicMember m : members.values()) {
            max = Math.max(max, m.rebalanceTimeoutMs());
        }
        return max;
    }

    /** A protocol type and protocol list the group can accept from a joining member. */
    boolean supportsProtocols(
            final String groupProtocolType,
            final String memberProtocolType,
            final List<ClassicMember.Protocol> protocols) {
        if (members.isEmpty()) {
            return memberProtocolType != null && !memberProtocolType.isEmpty() && !protocols.isEmpty();
        }
        if (memberProtocolType == null || !memberProtocolType.equals(groupProtocolType)) {
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

    /** The members and their metadata for {@code protocolName}, as the leader receives them. */
    List<JoinGroupResponseData.JoinGroupResponseMember> joinMembers(final String protocolName) {
        final List<JoinGroupResponseData.JoinGroupResponseMember> list = new ArrayList<>(members.size());
        for (final ClassicMember m : members.values()) {
            list.add(new JoinGroupResponseData.JoinGroupResponseMember()
                    .setMemberId(m.memberId())
                    .setGroupInstanceId(m.groupInstanceId())
                    .setMetadata(m.metadata(protocolName)));
        }
        return list;
    }

    Map<String, byte[]> currentAssignments() {
        final Map<String, byte[]> assignments = new HashMap<>();
        members.values().forEach(m -> assignments.put(m.memberId(), m.assignment()));
        return assignments;
    }

    /** The topics in the members' consumer-protocol subscriptions; null when one cannot be read. */
    Set<String> subscribedTopics(final String protocolName) {
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
}
