package io.runnel.coordinator.group.store;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.Uuid;

/**
 * What the group coordinator writes to {@code __consumer_offsets} and reads back at start-up: committed
 * offsets, classic group metadata, and the metadata and members of KIP-848 consumer groups, each with a
 * tombstone. Keyed records: for a given key the latest record wins,
 * which is what compaction of the topic keeps (issue #5).
 */
public sealed interface GroupRecord {
    String groupId();

    /** A committed offset; key (group, topic, partition). {@code expireTimestampMs} is -1 when not set. */
    record OffsetCommit(
            String groupId,
            String topic,
            int partition,
            long offset,
            int leaderEpoch,
            String metadata,
            long commitTimestampMs,
            long expireTimestampMs)
            implements GroupRecord {}

    /** The committed offset of (group, topic, partition) is gone (OffsetDelete, expiry, group deletion). */
    record OffsetTombstone(String groupId, String topic, int partition) implements GroupRecord {}

    /**
     * A classic group's state after a rebalance completes (or it empties); key (group). {@code protocol} and
     * {@code leader} are null for an empty group.
     */
    record GroupMetadata(
            String groupId,
            String protocolType,
            int generation,
            String protocol,
            String leader,
            long stateTimestampMs,
            List<Member> members)
            implements GroupRecord {
        public GroupMetadata {
            members = List.copyOf(members);
        }
    }

    /** One member of a {@link GroupMetadata}. {@code groupInstanceId} is null for a dynamic member. */
    record Member(
            String memberId,
            String groupInstanceId,
            String clientId,
            String clientHost,
            int rebalanceTimeoutMs,
            int sessionTimeoutMs,
            byte[] subscription,
            byte[] assignment) {}

    /** The group is gone (DeleteGroups, or expired while empty). */
    record GroupTombstone(String groupId) implements GroupRecord {}

    /** A consumer group's epochs; key (group). The members are records of their own. */
    record ConsumerGroupMetadata(String groupId, int groupEpoch, int assignmentEpoch) implements GroupRecord {}

    /** The consumer group is gone (DeleteGroups, expiry, or the id now names a classic group). */
    record ConsumerGroupTombstone(String groupId) implements GroupRecord {}

    /**
     * One member of a consumer group as it stands after a heartbeat changed it; key (group, member). The
     * partitions are by topic id: what the member owns, what it has yet to revoke, and its target. {@code state}
     * is the member's reconciliation state (0 stable, 1 unrevoked partitions, 2 unreleased partitions).
     * {@code subscribedTopicNames} and the nullable strings may be null; {@code classic} is null unless the
     * member speaks the classic protocol.
     */
    record ConsumerMember(
            String groupId,
            String memberId,
            String instanceId,
            String rackId,
            String clientId,
            String clientHost,
            List<String> subscribedTopicNames,
            String subscribedTopicRegex,
            String serverAssignor,
            int rebalanceTimeoutMs,
            int memberEpoch,
            int previousMemberEpoch,
            byte state,
            Map<Uuid, Set<Integer>> assigned,
            Map<Uuid, Set<Integer>> pendingRevocation,
            Map<Uuid, Set<Integer>> target,
            ClassicMemberMetadata classic)
            implements GroupRecord {}

    /**
     * What a member of a consumer group that speaks the classic protocol (JoinGroup, SyncGroup, Heartbeat) said
     * when it joined: its own session timeout and the protocols it supports, in its order of preference.
     */
    record ClassicMemberMetadata(int sessionTimeoutMs, List<ClassicProtocol> protocols) {
        public ClassicMemberMetadata {
            protocols = List.copyOf(protocols);
        }
    }

    /** One protocol of a JoinGroup: the assignor's name and the member's subscription in its encoding. */
    record ClassicProtocol(String name, byte[] metadata) {
        @Override
        public boolean equals(final Object o) {
            return o instanceof ClassicProtocol other
                    && name.equals(other.name)
                    && Arrays.equals(metadata, other.metadata);
        }

        @Override
        public int hashCode() {
            return 31 * name.hashCode() + Arrays.hashCode(metadata);
        }
    }

    /** The member left or was fenced. */
    record ConsumerMemberTombstone(String groupId, String memberId) implements GroupRecord {}
}
