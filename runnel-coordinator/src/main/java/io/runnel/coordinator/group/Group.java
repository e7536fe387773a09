package io.runnel.coordinator.group;

import io.runnel.coordinator.group.store.GroupRecord;
import java.util.Map;
import java.util.Set;

/**
 * What every group is, whichever rebalance protocol its members speak: an id, a state, its committed offsets, and
 * Kafka's rules for who may commit and fetch them. The implementations are the classic group and the KIP-848
 * consumer group; a group id names at most one of them at a time. Owned by the group coordinator's thread.
 */
public interface Group {
    /** ListGroups' type of a classic group. */
    String CLASSIC_TYPE = "classic";
    /** ListGroups' type of a KIP-848 consumer group. */
    String CONSUMER_TYPE = "consumer";

    String groupId();

    /** {@link #CLASSIC_TYPE} or {@link #CONSUMER_TYPE}. */
    String type();

    /** The protocol type ListGroups reports; empty when there is none (a group that only holds offsets). */
    String protocolType();

    /** The state with Kafka's spelling ({@code "Stable"}, {@code "Empty"}, ...). */
    String stateName();

    boolean isDead();

    /** Stops the group's timers and marks it Dead; the caller takes it out of the {@link GroupDirectory}. */
    void delete(long nowMs);

    /** The record that deletes the group's metadata from the store (its offsets have tombstones of their own). */
    GroupRecord tombstone();

    /** No members, so the group may be deleted, converted to the other protocol, or expire. */
    boolean isEmpty();

    GroupOffsets offsets();

    /**
     * Kafka's rules for an OffsetCommit to this group; throws the kafka-clients {@code ApiException} that answers
     * the whole request when it may not commit.
     *
     * @param partitions the partitions committed, by topic name
     */
    void validateOffsetCommit(
            String memberId,
            String groupInstanceId,
            int generationIdOrMemberEpoch,
            short version,
            Map<String, Set<Integer>> partitions);

    /** Kafka's rules for an OffsetFetch (v9+) naming a member; throws as {@link #validateOffsetCommit}. */
    void validateOffsetFetch(String memberId, int memberEpoch);

    /** Whether OffsetDelete may remove offsets of this group at all (NON_EMPTY_GROUP otherwise). */
    boolean allowsOffsetDeletion();

    /** Whether a member subscribes to {@code topic}; null when that cannot be known. */
    Boolean isSubscribedTo(String topic);

    /**
     * When retention of this group's offsets of {@code topic} starts, as Kafka decides it: null if they do not
     * expire now, -1 for "at each offset's commit", else the time the group became empty.
     */
    Long offsetsRetentionBaseMs(String topic);
}
