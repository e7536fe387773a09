package io.runnel.quorum;

import java.util.List;

/**
 * The quorum as this node sees it, in the terms of Kafka's DescribeQuorum: {@code term} is the LeaderEpoch and
 * {@code highWatermark} the Raft commit index. Offsets here are Raft indexes, the positions in the quorum's log (as
 * in Kafka, where DescribeQuorum reports the metadata log's offsets), not Runnel record offsets. Only the leader
 * knows the other voters' progress; elsewhere their fields are -1.
 *
 * @param leaderId the leader's node id, or -1 while there is none
 * @param term the current Raft term
 * @param highWatermark the commit index this node knows
 * @param voters every voter, this node included
 */
public record QuorumState(int leaderId, long term, long highWatermark, List<ReplicaState> voters) {
    public static final long UNKNOWN = -1;

    public QuorumState {
        voters = List.copyOf(voters);
    }

    /**
     * @param replicaId the voter's node id
     * @param logEndOffset the index of its last entry: its match index as the leader knows it, or the leader's own
     *     log end
     * @param lastFetchTimestamp when (epoch ms) the leader last heard from it, or -1
     * @param lastCaughtUpTimestamp when it was last known to hold every entry the leader had, or -1 (Ratis does not
     *     track this; the leader reports the last fetch time of a voter whose match index is its own log end)
     */
    public record ReplicaState(int replicaId, long logEndOffset, long lastFetchTimestamp, long lastCaughtUpTimestamp) {}
}
