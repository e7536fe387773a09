package io.runnel.broker.api.describequorum;

import io.runnel.protocol.ApiHandler;
import io.runnel.protocol.RequestContext;
import io.runnel.quorum.QuorumState;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.DescribeQuorumRequestData;
import org.apache.kafka.common.message.DescribeQuorumResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.DescribeQuorumRequest;
import org.apache.kafka.common.requests.DescribeQuorumResponse;

/**
 * DescribeQuorum ({@code kafka-metadata-quorum describe}), as KRaft's leader answers it from its quorum state: the
 * leader, its epoch (the Raft term), the high watermark and each voter's progress, and from v2 each voter's
 * controller listener. Only the leader knows the followers' progress, so any other node answers
 * NOT_LEADER_OR_FOLLOWER, which sends clients (and a forwarding broker) on to the leader; a request for anything but
 * {@code __cluster_metadata-0} gets UNKNOWN_TOPIC_OR_PARTITION. Observers are not tracked: the list is empty.
 */
public final class DescribeQuorumHandler implements ApiHandler<DescribeQuorumRequestData> {
    /** Where Kafka keeps its metadata log; DescribeQuorum names it so. */
    public static final TopicPartition METADATA_PARTITION = new TopicPartition("__cluster_metadata", 0);

    private static final short NODES_VERSION = 2;

    private final int nodeId;
    private final Supplier<QuorumState> quorum;
    private final Map<Integer, InetSocketAddress> controllerEndpoints;
    private final String controllerListenerName;

    /**
     * @param quorum the quorum as this node sees it
     * @param controllerEndpoints each voter's controller listener ({@code controller.quorum.voters})
     * @param controllerListenerName the name v2 gives those endpoints (the first of {@code controller.listener.names})
     */
    public DescribeQuorumHandler(
            final int nodeId,
            final Supplier<QuorumState> quorum,
            final Map<Integer, InetSocketAddress> controllerEndpoints,
            final String controllerListenerName) {
        this.nodeId = nodeId;
        this.quorum = quorum;
        this.controllerEndpoints = Map.copyOf(controllerEndpoints);
        this.controllerListenerName = controllerListenerName;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.DESCRIBE_QUORUM;
    }

    @Override
    public CompletableFuture<DescribeQuorumResponseData> handle(
            final RequestContext context, final DescribeQuorumRequestData request) {
        if (!asksForTheMetadataPartition(request)) {
            return CompletableFuture.completedFuture(
                    DescribeQuorumRequest.getPartitionLevelErrorResponse(request, Errors.UNKNOWN_TOPIC_OR_PARTITION));
        }
        final QuorumState state = quorum.get();
        if (state.leaderId() != nodeId) {
            return CompletableFuture.completedFuture(
                    DescribeQuorumResponse.singletonErrorResponse(METADATA_PARTITION, Errors.NOT_LEADER_OR_FOLLOWER));
        }
        final List<DescribeQuorumResponseData.ReplicaState> voters = new ArrayList<>();
        final DescribeQuorumResponseData.NodeCollection nodes = new DescribeQuorumResponseData.NodeCollection();
        for (final QuorumState.ReplicaState voter : state.voters()) {
            voters.add(new DescribeQuorumResponseData.ReplicaState()
                    .setReplicaId(voter.replicaId())
                    .setLogEndOffset(endOffset(voter.logEndOffset()))
                    .setLastFetchTimestamp(voter.lastFetchTimestamp())
                    .setLastCaughtUpTimestamp(voter.lastCaughtUpTimestamp()));
            final InetSocketAddress endpoint = controllerEndpoints.get(voter.replicaId());
            if (endpoint != null) {
                final DescribeQuorumResponseData.ListenerCollection listeners =
                        new DescribeQuorumResponseData.ListenerCollection();
                listeners.add(new DescribeQuorumResponseData.Listener()
                        .setName(controllerListenerName)
                        .setHost(endpoint.getHostString())
                        .setPort(endpoint.getPort()));
                nodes.add(new DescribeQuorumResponseData.Node()
                        .setNodeId(voter.replicaId())
                        .setListeners(listeners));
            }
        }
        final DescribeQuorumResponseData.PartitionData partition = new DescribeQuorumResponseData.PartitionData()
                .setPartitionIndex(METADATA_PARTITION.partition())
                .setErrorCode(Errors.NONE.code())
                .setLeaderId(state.leaderId())
                .setLeaderEpoch(Math.toIntExact(state.term()))
                .setHighWatermark(endOffset(state.highWatermark()))
                .setCurrentVoters(voters)
                .setObservers(new ArrayList<>());
        // Nodes exists from v2 on; below it a non-empty collection would not serialize.
        return CompletableFuture.completedFuture(DescribeQuorumResponse.singletonResponse(
                METADATA_PARTITION,
                partition,
                context.apiVersion() >= NODES_VERSION ? nodes : new DescribeQuorumResponseData.NodeCollection()));
    }

    /** The same test as KRaft's: exactly one topic, the metadata topic, with exactly one partition, 0. */
    private static boolean asksForTheMetadataPartition(final DescribeQuorumRequestData request) {
        if (request.topics().size() != 1) {
            return false;
        }
        final DescribeQuorumRequestData.TopicData topic = request.topics().get(0);
        return topic.topicName().equals(METADATA_PARTITION.topic())
                && topic.partitions().size() == 1
                && topic.partitions().get(0).partitionIndex() == METADATA_PARTITION.partition();
    }

    /**
     * Kafka's HighWatermark and LogEndOffset are exclusive, the offset after the last entry; the quorum reports the
     * index of the last entry itself (Raft's commit and match indexes).
     */
    private static long endOffset(final long lastIndex) {
        return lastIndex == QuorumState.UNKNOWN ? QuorumState.UNKNOWN : lastIndex + 1;
    }
}
