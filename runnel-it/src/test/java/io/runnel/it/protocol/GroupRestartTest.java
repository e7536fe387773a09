package io.runnel.it.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.runnel.it.TestBrokerExtension;
import java.util.List;
import org.apache.kafka.common.message.DescribeGroupsRequestData;
import org.apache.kafka.common.message.DescribeGroupsResponseData;
import org.apache.kafka.common.message.HeartbeatRequestData;
import org.apache.kafka.common.message.HeartbeatResponseData;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.OffsetCommitResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A group's members, generation and static instance ids are loaded back from __consumer_offsets at start-up. */
@Timeout(60)
class GroupRestartTest {
    @RegisterExtension
    static final TestBrokerExtension BROKER =
            new TestBrokerExtension("group.initial.rebalance.delay.ms", "0", "offsets.topic.num.partitions", "3");

    @Test
    void shouldAcceptTheSameMemberAndGenerationAfterARestart() throws Exception {
        final String group = "survives";
        final JoinGroupResponseData joined;
        try (WireClient client = WireClient.connect(BROKER.port())) {
            ProduceValidationTest.createTopic(client, "restart-topic", java.util.Map.of());
            GroupApiCases.lookUpCoordinator(client, group);
            final JoinGroupRequestData join = new JoinGroupRequestData()
                    .setGroupId(group)
                    .setSessionTimeoutMs(30_000)
                    .setRebalanceTimeoutMs(30_000)
                    .setMemberId("")
                    .setGroupInstanceId("static-1")
                    .setProtocolType("consumer");
            join.protocols()
                    .add(new JoinGroupRequestData.JoinGroupRequestProtocol()
                            .setName("range")
                            .setMetadata(new byte[] {7}));
            joined = client.roundTrip(join, ApiKeys.JOIN_GROUP.latestVersion());
            assertThat(joined.errorCode()).isZero();
            client.roundTrip(
                    GroupApiCases.syncRequest(
                            new GroupApiCases.Member(group, joined.memberId(), joined.generationId()),
                            ApiKeys.SYNC_GROUP.latestVersion()),
                    ApiKeys.SYNC_GROUP.latestVersion());
            final OffsetCommitResponseData committed = client.roundTrip(
                    GroupApiCases.commitRequest(group, "restart-topic", 42)
                            .setMemberId(joined.memberId())
                            .setGenerationIdOrMemberEpoch(joined.generationId()),
                    GroupApiCases.LAST_BY_NAME);
            assertThat(committed.topics().get(0).partitions().get(0).errorCode())
                    .isZero();
        }

        BROKER.broker().restart();

        try (WireClient client = WireClient.connect(BROKER.port())) {
            final HeartbeatResponseData heartbeat = client.roundTrip(
                    new HeartbeatRequestData()
                            .setGroupId(group)
                            .setMemberId(joined.memberId())
                            .setGroupInstanceId("static-1")
                            .setGenerationId(joined.generationId()),
                    ApiKeys.HEARTBEAT.latestVersion());
            assertThat(heartbeat.errorCode())
                    .as("the member and its generation were loaded")
                    .isZero();
            final DescribeGroupsResponseData described = client.roundTrip(
                    new DescribeGroupsRequestData().setGroups(List.of(group)), ApiKeys.DESCRIBE_GROUPS.latestVersion());
            final DescribeGroupsResponseData.DescribedGroup g =
                    described.groups().get(0);
            assertThat(g.groupState()).isEqualTo("Stable");
            assertThat(g.members()).singleElement().satisfies(m -> {
                assertThat(m.memberId()).isEqualTo(joined.memberId());
                assertThat(m.groupInstanceId()).isEqualTo("static-1");
                assertThat(m.memberAssignment()).containsExactly(1, 2, 3);
            });
        }
    }
}
