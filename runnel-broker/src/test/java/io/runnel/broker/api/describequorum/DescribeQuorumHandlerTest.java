package io.runnel.broker.api.describequorum;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import io.runnel.protocol.RequestContext;
import io.runnel.quorum.QuorumState;
import io.runnel.quorum.QuorumState.ReplicaState;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.DescribeQuorumRequestData;
import org.apache.kafka.common.message.DescribeQuorumResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.protocol.MessageUtil;
import org.apache.kafka.common.requests.DescribeQuorumRequest;
import org.apache.kafka.common.requests.RequestHeader;
import org.junit.jupiter.api.Test;

/**
 * DescribeQuorum as KRaft's leader answers it, from the quorum state Runnel's Ratis member reports: Raft's
 * last-entry indexes become Kafka's exclusive end offsets, v2 adds each voter's controller listener, and only the
 * leader answers.
 */
class DescribeQuorumHandlerTest {
    private static final long NOW = 1_700_000_000_000L;
    private static final Map<Integer, InetSocketAddress> CONTROLLERS = Map.of(
            1, InetSocketAddress.createUnresolved("c1.example", 9093),
            2, InetSocketAddress.createUnresolved("c2.example", 9093),
            3, InetSocketAddress.createUnresolved("c3.example", 9093));
    /** Node 1 leads term 4 and has committed through index 41; node 2 has every entry, node 3 lags by 5. */
    private static final QuorumState LED_BY_1 = new QuorumState(
            1,
            4,
            41,
            List.of(
                    new ReplicaState(1, 41, NOW, NOW),
                    new ReplicaState(2, 41, NOW - 100, NOW - 100),
                    new ReplicaState(3, 36, NOW - 200, QuorumState.UNKNOWN)));

    @Test
    void shouldDescribeTheQuorumAsItsLeaderWithKafkasExclusiveEndOffsets() throws Exception {
        final DescribeQuorumResponseData response = describe(1, LED_BY_1, metadataPartition(), (short) 1);

        assertThat(response.errorCode()).isZero();
        assertThat(response.topics()).hasSize(1);
        assertThat(response.topics().get(0).topicName()).isEqualTo("__cluster_metadata");
        final DescribeQuorumResponseData.PartitionData partition =
                response.topics().get(0).partitions().get(0);
        assertThat(partition.partitionIndex()).isZero();
        assertThat(partition.errorCode()).isZero();
        assertThat(partition.leaderId()).isEqualTo(1);
        assertThat(partition.leaderEpoch()).isEqualTo(4);
        assertThat(partition.highWatermark())
                .as("commit index 41 committed 42 entries")
                .isEqualTo(42);
        assertThat(partition.currentVoters())
                .extracting(
                        DescribeQuorumResponseData.ReplicaState::replicaId,
                        DescribeQuorumResponseData.ReplicaState::logEndOffset,
                        DescribeQuorumResponseData.ReplicaState::lastFetchTimestamp,
                        DescribeQuorumResponseData.ReplicaState::lastCaughtUpTimestamp)
                .containsExactly(
                        tuple(1, 42L, NOW, NOW), tuple(2, 42L, NOW - 100, NOW - 100), tuple(3, 37L, NOW - 200, -1L));
        assertThat(partition.observers()).isEmpty();
    }

    @Test
    void shouldNameEachVotersControllerListenerFromV2WithNoDirectoryId() throws Exception {
        final DescribeQuorumResponseData response = describe(1, LED_BY_1, metadataPartition(), (short) 2);

        assertThat(response.nodes()).hasSize(3);
        final DescribeQuorumResponseData.Node node2 = response.nodes().find(2);
        assertThat(node2.listeners()).singleElement().satisfies(listener -> {
            assertThat(listener.name()).isEqualTo("CONTROLLER");
            assertThat(listener.host()).isEqualTo("c2.example");
            assertThat(listener.port()).isEqualTo(9093);
        });
        assertThat(response.topics().get(0).partitions().get(0).currentVoters())
                .allSatisfy(voter -> assertThat(voter.replicaDirectoryId()).isEqualTo(Uuid.ZERO_UUID));
    }

    @Test
    void shouldListNoNodesBeforeV2() throws Exception {
        assertThat(describe(1, LED_BY_1, metadataPartition(), (short) 1).nodes())
                .isEmpty();
    }

    @Test
    void shouldAnswerNotLeaderOrFollowerOnAVoterThatDoesNotLead() throws Exception {
        final DescribeQuorumResponseData.PartitionData partition = describe(2, LED_BY_1, metadataPartition(), (short) 2)
                .topics()
                .get(0)
                .partitions()
                .get(0);

        assertThat(partition.errorCode()).isEqualTo(Errors.NOT_LEADER_OR_FOLLOWER.code());
        assertThat(partition.currentVoters()).isEmpty();
    }

    @Test
    void shouldAnswerNotLeaderOrFollowerWhileThereIsNoLeader() throws Exception {
        final QuorumState electing = new QuorumState(-1, 5, 41, LED_BY_1.voters());

        assertThat(describe(1, electing, metadataPartition(), (short) 2)
                        .topics()
                        .get(0)
                        .partitions()
                        .get(0)
                        .errorCode())
                .isEqualTo(Errors.NOT_LEADER_OR_FOLLOWER.code());
    }

    @Test
    void shouldAnswerUnknownTopicOrPartitionForAnyOtherPartition() throws Exception {
        final DescribeQuorumRequestData otherPartition =
                DescribeQuorumRequest.singletonRequest(new TopicPartition("__cluster_metadata", 1));

        final DescribeQuorumResponseData response = describe(1, LED_BY_1, otherPartition, (short) 2);

        assertThat(response.topics().get(0).partitions().get(0).partitionIndex())
                .isEqualTo(1);
        assertThat(response.topics().get(0).partitions().get(0).errorCode())
                .isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
    }

    private static DescribeQuorumRequestData metadataPartition() {
        return DescribeQuorumRequest.singletonRequest(new TopicPartition("__cluster_metadata", 0));
    }

    /** Answers as node {@code nodeId} and returns the response as the client reads it at {@code version}. */
    private static DescribeQuorumResponseData describe(
            final int nodeId, final QuorumState state, final DescribeQuorumRequestData request, final short version)
            throws Exception {
        final DescribeQuorumHandler handler = new DescribeQuorumHandler(nodeId, () -> state, CONTROLLERS, "CONTROLLER");
        final DescribeQuorumResponseData answer = handler.handle(
                        new RequestContext(
                                new RequestHeader(ApiKeys.DESCRIBE_QUORUM, version, "describe-quorum-test", 1),
                                new InetSocketAddress("127.0.0.1", 50_000)),
                        request)
                .get();
        return new DescribeQuorumResponseData(MessageUtil.toByteBufferAccessor(answer, version), version);
    }
}
