package io.runnel.quorum;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.ratis.proto.RaftProtos.RoleInfoProto;
import org.apache.ratis.proto.RaftProtos.ServerRpcProto;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.DivisionInfo;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.protocol.TermIndex;

/** Reads a {@link QuorumState} from a Ratis division. */
final class QuorumStates {
    private QuorumStates() {}

    static QuorumState of(final RaftServer.Division division, final QuorumPeers voters, final long nowMs) {
        final DivisionInfo info = division.getInfo();
        final RaftPeerId leader = info.getLeaderId();
        final TermIndex last = division.getRaftLog().getLastEntryTermIndex();
        final long ownLogEnd = last == null ? QuorumState.UNKNOWN : last.getIndex();
        final int self = nodeId(division.getId());
        final Map<Integer, QuorumState.ReplicaState> known = new HashMap<>();
        if (info.isLeader()) {
            known.put(self, new QuorumState.ReplicaState(self, ownLogEnd, nowMs, nowMs));
            followers(info, ownLogEnd, nowMs, known);
        } else {
            known.put(self, new QuorumState.ReplicaState(self, ownLogEnd, QuorumState.UNKNOWN, QuorumState.UNKNOWN));
        }
        final List<QuorumState.ReplicaState> states = new ArrayList<>();
        for (final QuorumPeers.Voter voter : voters.voters()) {
            states.add(known.getOrDefault(
                    voter.id(),
                    new QuorumState.ReplicaState(
                            voter.id(), QuorumState.UNKNOWN, QuorumState.UNKNOWN, QuorumState.UNKNOWN)));
        }
        return new QuorumState(
                leader == null ? -1 : nodeId(leader),
                info.getCurrentTerm(),
                division.getRaftLog().getLastCommittedIndex(),
                states);
    }

    /** Pairs each follower's last RPC with its match index; Ratis lists both in its log appenders' order. */
    private static void followers(
            final DivisionInfo info,
            final long leaderLogEnd,
            final long nowMs,
            final Map<Integer, QuorumState.ReplicaState> known) {
        final RoleInfoProto role = info.getRoleInfoProto();
        final long[] matchIndices = info.getFollowerMatchIndices();
        if (!role.hasLeaderInfo() || matchIndices == null) {
            return;
        }
        final List<ServerRpcProto> rpcs = role.getLeaderInfo().getFollowerInfoList();
        if (rpcs.size() != matchIndices.length) {
            return; // the configuration changed between the two reads; report what is certain only
        }
        for (int i = 0; i < rpcs.size(); i++) {
            final int id = nodeId(RaftPeerId.valueOf(rpcs.get(i).getId().getId()));
            final long lastFetch = nowMs - rpcs.get(i).getLastRpcElapsedTimeMs();
            final long caughtUp = matchIndices[i] >= leaderLogEnd ? lastFetch : QuorumState.UNKNOWN;
            known.put(id, new QuorumState.ReplicaState(id, matchIndices[i], lastFetch, caughtUp));
        }
    }

    private static int nodeId(final RaftPeerId peerId) {
        return Integer.parseInt(peerId.toString());
    }
}
