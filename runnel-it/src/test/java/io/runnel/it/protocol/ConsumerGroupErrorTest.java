package io.runnel.it.protocol;

import static io.runnel.it.protocol.ConsumerGroupApiCases.HEARTBEAT_LATEST;
import static org.assertj.core.api.Assertions.assertThat;

import io.runnel.it.TestBrokerExtension;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.ConsumerGroupDescribeRequestData;
import org.apache.kafka.common.message.ConsumerGroupDescribeResponseData;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatRequestData;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatResponseData;
import org.apache.kafka.common.message.DeleteGroupsRequestData;
import org.apache.kafka.common.message.DeleteGroupsResponseData;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.OffsetCommitRequestData;
import org.apache.kafka.common.message.OffsetCommitResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Bad KIP-848 consumer group requests get Kafka's error codes, and the group they aimed at carries on. */
@Timeout(60)
class ConsumerGroupErrorTest {
    @RegisterExtension
    static final TestBrokerExtension BROKER = new TestBrokerExtension("offsets.topic.num.partitions", "3");

    private static final String TOPIC = "consumer-group-errors";
    private static final short COMMIT = GroupApiCases.LAST_BY_NAME;

    @BeforeAll
    static void createTopic() throws Exception {
        try (WireClient client = WireClient.connect(BROKER.port())) {
            ProduceValidationTest.createTopic(client, TOPIC, Map.of());
        }
    }

    @Test
    void shouldRejectMalformedJoinsWithInvalidRequest() throws Exception {
        try (WireClient client = WireClient.connect(BROKER.port())) {
            GroupApiCases.lookUpCoordinator(client, "malformed");
            final ConsumerGroupHeartbeatRequestData noTimeout =
                    join("malformed").setRebalanceTimeoutMs(-1);
            assertThat(error(client, noTimeout)).isEqualTo(Errors.INVALID_REQUEST);
            final ConsumerGroupHeartbeatRequestData noSubscription =
                    join("malformed").setSubscribedTopicNames(null);
            assertThat(error(client, noSubscription)).isEqualTo(Errors.INVALID_REQUEST);
            final ConsumerGroupHeartbeatRequestData noMemberId =
                    join("malformed").setMemberId("");
            assertThat(error(client, noMemberId)).isEqualTo(Errors.INVALID_REQUEST);
            final ConsumerGroupHeartbeatRequestData badEpoch = join("malformed").setMemberEpoch(-3);
            assertThat(error(client, badEpoch)).isEqualTo(Errors.INVALID_REQUEST);
            assertThat(error(client, join("malformed").setServerAssignor("sticky")))
                    .isEqualTo(Errors.UNSUPPORTED_ASSIGNOR);
            assertThat(error(
                            client,
                            join("malformed").setSubscribedTopicNames(null).setSubscribedTopicRegex("[")))
                    .isEqualTo(Errors.INVALID_REGULAR_EXPRESSION);
            // RE2J's syntax, as Kafka's: no lookarounds
            assertThat(error(
                            client,
                            join("malformed")
                                    .setSubscribedTopicNames(null)
                                    .setSubscribedTopicRegex("orders(?!-dlq).*")))
                    .isEqualTo(Errors.INVALID_REGULAR_EXPRESSION);
            assertThat(error(client, join("").setGroupId(""))).isEqualTo(Errors.INVALID_REQUEST);
            // none of that made a group
            assertThat(describe(client, "malformed").errorCode()).isEqualTo(Errors.GROUP_ID_NOT_FOUND.code());
        }
    }

    @Test
    void shouldAnswerUnknownMemberIdAndFencedMemberEpochAndKeepTheMember() throws Exception {
        try (WireClient client = WireClient.connect(BROKER.port())) {
            final ConsumerGroupApiCases.Member member = joinMember(client, "fencing", null);
            final ConsumerGroupApiCases.Member stranger = new ConsumerGroupApiCases.Member(
                    member.group(), Uuid.randomUuid().toString(), member.epoch(), member.assignment());
            assertThat(error(client, ConsumerGroupApiCases.heartbeat(stranger, member.epoch())))
                    .isEqualTo(Errors.UNKNOWN_MEMBER_ID);
            assertThat(error(client, ConsumerGroupApiCases.heartbeat(member, member.epoch() + 1)))
                    .isEqualTo(Errors.FENCED_MEMBER_EPOCH);
            assertHealthy(client, member);
        }
    }

    @Test
    void shouldTakeThePreviousEpochOnlyFromAMemberThatSaysItOwnsNoMoreThanItShould() throws Exception {
        try (WireClient client = WireClient.connect(BROKER.port())) {
            final ConsumerGroupApiCases.Member first = joinMember(client, "previous-epoch", null);
            joinMember(client, "previous-epoch", null); // the group epoch moves on
            final ConsumerGroupHeartbeatResponseData moved =
                    client.roundTrip(ConsumerGroupApiCases.heartbeat(first, first.epoch()), HEARTBEAT_LATEST);
            assertThat(moved.memberEpoch()).isGreaterThan(first.epoch());
            // a retried heartbeat of the old epoch that lost its answer: fine while it owns what it should
            assertThat(error(
                            client,
                            ConsumerGroupApiCases.heartbeat(first, first.epoch())
                                    .setTopicPartitions(List.of())))
                    .isEqualTo(Errors.NONE);
            assertThat(error(
                            client,
                            ConsumerGroupApiCases.heartbeat(first, first.epoch())
                                    .setTopicPartitions(null)))
                    .isEqualTo(Errors.FENCED_MEMBER_EPOCH);
        }
    }

    @Test
    void shouldAnswerGroupIdNotFoundForAnUnknownGroupOrAClassicOne() throws Exception {
        try (WireClient client = WireClient.connect(BROKER.port())) {
            final ConsumerGroupApiCases.Member ghost = new ConsumerGroupApiCases.Member(
                    "never-joined", Uuid.randomUuid().toString(), 3, null);
            GroupApiCases.lookUpCoordinator(client, ghost.group());
            assertThat(error(client, ConsumerGroupApiCases.heartbeat(ghost, 3))).isEqualTo(Errors.GROUP_ID_NOT_FOUND);

            final GroupApiCases.Member classic =
                    GroupApiCases.join(client, "classic-owned", ApiKeys.JOIN_GROUP.latestVersion());
            assertThat(error(client, join(classic.group()))).isEqualTo(Errors.GROUP_ID_NOT_FOUND);
            assertThat(describe(client, classic.group()).errorMessage()).contains("is not a consumer group");
        }
    }

    @Test
    void shouldNotLetAClassicMemberOfAnotherProtocolTypeJoinAConsumerGroup() throws Exception {
        try (WireClient client = WireClient.connect(BROKER.port())) {
            final ConsumerGroupApiCases.Member member = joinMember(client, "consumer-owned", null);
            final JoinGroupResponseData join = client.roundTrip(
                    GroupApiCases.joinRequest(member.group(), "").setProtocolType("connect"),
                    ApiKeys.JOIN_GROUP.latestVersion());
            assertThat(Errors.forCode(join.errorCode())).isEqualTo(Errors.INCONSISTENT_GROUP_PROTOCOL);
            assertHealthy(client, member);
        }
    }

    @Test
    void shouldGuardAStaticInstanceAgainstASecondHolder() throws Exception {
        try (WireClient client = WireClient.connect(BROKER.port())) {
            final ConsumerGroupApiCases.Member member = joinMember(client, "static-guard", "instance-1");
            assertThat(error(client, join(member.group()).setInstanceId("instance-1")))
                    .isEqualTo(Errors.UNRELEASED_INSTANCE_ID);
            final ConsumerGroupHeartbeatRequestData impostor = ConsumerGroupApiCases.heartbeat(member, member.epoch())
                    .setMemberId(Uuid.randomUuid().toString())
                    .setInstanceId("instance-1");
            assertThat(error(client, impostor)).isEqualTo(Errors.FENCED_INSTANCE_ID);
            assertThat(error(
                            client,
                            ConsumerGroupApiCases.heartbeat(member, member.epoch())
                                    .setInstanceId("instance-1")))
                    .isEqualTo(Errors.NONE);

            // leaving for now keeps the instance's place: a new member id takes it over with its partitions
            final ConsumerGroupHeartbeatResponseData away = client.roundTrip(
                    ConsumerGroupApiCases.heartbeat(member, -2).setInstanceId("instance-1"), HEARTBEAT_LATEST);
            assertThat(away.memberEpoch()).isEqualTo(-2);
            final ConsumerGroupHeartbeatResponseData back =
                    client.roundTrip(join(member.group()).setInstanceId("instance-1"), HEARTBEAT_LATEST);
            assertThat(Errors.forCode(back.errorCode())).isEqualTo(Errors.NONE);
            assertThat(back.memberEpoch()).isEqualTo(member.epoch());
            assertThat(back.assignment().topicPartitions())
                    .isEqualTo(member.assignment().topicPartitions());
        }
    }

    @Test
    void shouldAnswerOffsetCommitsFromOutsideTheCurrentEpoch() throws Exception {
        try (WireClient client = WireClient.connect(BROKER.port())) {
            final ConsumerGroupApiCases.Member member = joinMember(client, "committing", null);
            assertThat(commit(client, member, member.epoch() + 1, COMMIT)).isEqualTo(Errors.STALE_MEMBER_EPOCH);
            assertThat(commit(client, member, member.epoch(), (short) 8)).isEqualTo(Errors.UNSUPPORTED_VERSION);
            final OffsetCommitRequestData admin = GroupApiCases.commitRequest(member.group(), TOPIC, 1);
            final OffsetCommitResponseData adminResponse = client.roundTrip(admin, COMMIT);
            assertThat(Errors.forCode(
                            adminResponse.topics().get(0).partitions().get(0).errorCode()))
                    .isEqualTo(Errors.UNKNOWN_MEMBER_ID);
            assertThat(commit(client, member, member.epoch(), COMMIT)).isEqualTo(Errors.NONE);
        }
    }

    @Test
    void shouldEmptyTheGroupWhenItsLastMemberLeavesSoItCanBeDeleted() throws Exception {
        try (WireClient client = WireClient.connect(BROKER.port())) {
            final ConsumerGroupApiCases.Member member = joinMember(client, "leaving", null);
            final ConsumerGroupHeartbeatResponseData left =
                    client.roundTrip(ConsumerGroupApiCases.heartbeat(member, -1), HEARTBEAT_LATEST);
            assertThat(left.memberEpoch()).isEqualTo(-1);
            final ConsumerGroupDescribeResponseData.DescribedGroup group = describe(client, member.group());
            assertThat(group.groupState()).isEqualTo("Empty");
            assertThat(group.groupEpoch()).isEqualTo(member.epoch() + 1);
            assertThat(error(client, ConsumerGroupApiCases.heartbeat(member, member.epoch())))
                    .isEqualTo(Errors.UNKNOWN_MEMBER_ID);
            final DeleteGroupsResponseData deleted = client.roundTrip(
                    new DeleteGroupsRequestData().setGroupsNames(List.of(member.group())),
                    ApiKeys.DELETE_GROUPS.latestVersion());
            assertThat(deleted.results().iterator().next().errorCode()).isZero();
            assertThat(describe(client, member.group()).errorCode()).isEqualTo(Errors.GROUP_ID_NOT_FOUND.code());
        }
    }

    private static ConsumerGroupApiCases.Member joinMember(
            final WireClient client, final String group, final String instanceId) throws Exception {
        return ConsumerGroupApiCases.join(
                client, group, Uuid.randomUuid().toString(), instanceId, TOPIC, HEARTBEAT_LATEST);
    }

    private static ConsumerGroupHeartbeatRequestData join(final String group) {
        return ConsumerGroupApiCases.joinRequest(group, Uuid.randomUuid().toString(), null, TOPIC);
    }

    private static Errors error(final WireClient client, final ConsumerGroupHeartbeatRequestData request)
            throws Exception {
        final ConsumerGroupHeartbeatResponseData response = client.roundTrip(request, HEARTBEAT_LATEST);
        return Errors.forCode(response.errorCode());
    }

    private static ConsumerGroupDescribeResponseData.DescribedGroup describe(
            final WireClient client, final String group) throws Exception {
        final ConsumerGroupDescribeResponseData response = client.roundTrip(
                new ConsumerGroupDescribeRequestData().setGroupIds(List.of(group)),
                ApiKeys.CONSUMER_GROUP_DESCRIBE.latestVersion());
        return response.groups().get(0);
    }

    private static Errors commit(
            final WireClient client, final ConsumerGroupApiCases.Member member, final int epoch, final short version)
            throws Exception {
        final OffsetCommitRequestData request = GroupApiCases.commitRequest(member.group(), TOPIC, 3)
                .setMemberId(member.memberId())
                .setGenerationIdOrMemberEpoch(epoch);
        final OffsetCommitResponseData response = client.roundTrip(request, version);
        return Errors.forCode(response.topics().get(0).partitions().get(0).errorCode());
    }

    /** The member still heartbeats at its epoch and the group is Stable with it alone. */
    private static void assertHealthy(final WireClient client, final ConsumerGroupApiCases.Member member)
            throws Exception {
        assertThat(error(client, ConsumerGroupApiCases.heartbeat(member, member.epoch())))
                .isEqualTo(Errors.NONE);
        final ConsumerGroupDescribeResponseData.DescribedGroup group = describe(client, member.group());
        assertThat(group.groupState()).isEqualTo("Stable");
        assertThat(group.members())
                .extracting(ConsumerGroupDescribeResponseData.Member::memberId)
                .containsExactly(member.memberId());
    }
}
