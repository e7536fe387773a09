package io.runnel.broker.group.store;

import java.util.List;

/**
 * What the group coordinator writes to {@code __consumer_offsets} and reads back at start-up: committed
 * offsets and group metadata, each with a tombstone. Keyed records: for a given key the latest record wins,
 * which is what compaction of the topic keeps (issue #5).
 */
public sealed interface GroupRecord {
    String groupId();

    /** A committed offset; key (group, topic, partition). {@code expireTimestampMs} is -1 when not set. */
    record OffsetCommit(String groupId, String topic, int partition, long offset, int leaderEpoch, String metadata,
                        long commitTimestampMs, long expireTimestampMs) implements GroupRecord {
    }

    /** The committed offset of (group, topic, partition) is gone (OffsetDelete, expiry, group deletion). */
    record OffsetTombstone(String groupId, String topic, int partition) implements GroupRecord {
    }

    /**
     * A classic group's state after a rebalance completes (or it empties); key (group). {@code protocol} and
     * {@code leader} are null for an empty group.
     */
    record GroupMetadata(String groupId, String protocolType, int generation, String protocol, String leader,
                         long stateTimestampMs, List<Member> members) implements GroupRecord {
        public GroupMetadata {
            members = List.copyOf(members);
        }
    }

    /** One member of a {@link GroupMetadata}. {@code groupInstanceId} is null for a dynamic member. */
    record Member(String memberId, String groupInstanceId, String clientId, String clientHost,
                  int rebalanceTimeoutMs, int sessionTimeoutMs, byte[] subscription, byte[] assignment) {
    }

    /** The group is gone (DeleteGroups, or expired while empty). */
    record GroupTombstone(String groupId) implements GroupRecord {
    }
}
