package io.runnel.it.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.runnel.it.TestBrokerExtension;
import java.util.List;
import org.apache.kafka.common.message.DeleteGroupsRequestData;
import org.apache.kafka.common.message.DeleteGroupsResponseData;
import org.apache.kafka.common.message.HeartbeatRequestData;
import org.apache.kafka.common.message.HeartbeatResponseData;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.OffsetCommitRequestData;
import org.apache.kafka.common.message.OffsetCommitResponseData;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Bad group requests get Kafka's error codes, and the group they aimed at carries on. */
@Timeout(60)
class GroupErrorTest {
    @RegisterExtension
    static final TestBrokerExtension BROKER =
            new TestBrokerExtension("group.initial.rebalance.delay.ms", "0", "offsets.topic.num.partitions", "3");

    private static final short HEARTBEAT = ApiKeys.HEARTBEAT.latestVersion();
    private static final short JOIN = ApiKeys.JOIN_GROUP.latestVersion();
    private static final short COMMIT = GroupApiCases.LAST_BY_NAME;
    private static final String TOPIC = "group-errors";

    @BeforeAll
    static void createTopic() throws Exception {
        try (WireClient client = WireClient.connect(BROKER.port())) {
            ProduceValidationTest.createTopic(client, TOPIC, java.util.Map.of());
        }
    }

    /**
     * DeleteGroups v3 has an ErrorMessage per group; Kafka 4.4.0 answers 68 and 69 with it null (observed), and so
     * does Runnel. v2 answers the same codes.
     */
    @Test
    void shouldAnswerTheGroupsDeleteGroupsV3CannotDeleteWithTheirCodesAsKafkaDoes() throws Exception {
        try (WireClient client = WireClient.connect(BROKER.port())) {
            final GroupApiCases.Member member = GroupApiCases.join(client, "not-deletable", JOIN);
            final DeleteGroupsRequestData request =
                    new DeleteGroupsRequestData().setGroupsNames(List.of(member.group(), "never-existed"));

            final DeleteGroupsResponseData v3 = client.roundTrip(request, (short) 3);
            assertThat(v3.results().find(member.group()).errorCode()).isEqualTo(Errors.NON_EMPTY_GROUP.code());
            assertThat(v3.results().find(member.group()).errorMessage()).isNull();
            assertThat(v3.results().find("never-existed").errorCode()).isEqualTo(Errors.GROUP_ID_NOT_FOUND.code());
            assertThat(v3.results().find("never-existed").errorMessage()).isNull();

            final DeleteGroupsResponseData v2 = client.roundTrip(request, (short) 2);
            assertThat(v2.results().find(member.group()).errorCode()).isEqualTo(Errors.NON_EMPTY_GROUP.code());
            assertThat(v2.results().find(member.group()).errorMessage()).isNull();
        }
    }

    @Test
    void shouldAnswerUnknownMemberIdAndKeepTheGroupHealthy() throws Exception {
        try (WireClient client = WireClient.connect(BROKER.port())) {
            final GroupApiCases.Member member = GroupApiCases.join(client, "unknown-member", JOIN);
            assertThat(heartbeat(client, member.group(), "nobody", member.generation()))
                    .isEqualTo(Errors.UNKNOWN_MEMBER_ID);
            final SyncGroupResponseData sync = client.roundTrip(
                    GroupApiCases.syncRequest(
                            new GroupApiCases.Member(member.group(), "nobody", member.generation()),
                            ApiKeys.SYNC_GROUP.latestVersion()),
                    ApiKeys.SYNC_GROUP.latestVersion());
            assertThat(Errors.forCode(sync.errorCode())).isEqualTo(Errors.UNKNOWN_MEMBER_ID);
            assertHealthy(client, member);
        }
    }

    @Test
    void shouldAnswerIllegalGenerationToAStaleGeneration() throws Exception {
        try (WireClient client = WireClient.connect(BROKER.port())) {
            final GroupApiCases.Member member = GroupApiCases.join(client, "stale-generation", JOIN);
            assertThat(heartbeat(client, member.group(), member.memberId(), member.generation() - 1))
                    .isEqualTo(Errors.ILLEGAL_GENERATION);
            final OffsetCommitRequestData commit = GroupApiCases.commitRequest(member.group(), TOPIC, 5)
                    .setMemberId(member.memberId())
                    .setGenerationIdOrMemberEpoch(member.generation() + 7);
            final OffsetCommitResponseData response = client.roundTrip(commit, COMMIT);
            assertThat(Errors.forCode(
                            response.topics().get(0).partitions().get(0).errorCode()))
                    .isEqualTo(Errors.ILLEGAL_GENERATION);
            assertHealthy(client, member);
        }
    }

    @Test
    void shouldFenceTheOldMemberOfAStaticInstanceThatJoinedAgain() throws Exception {
        try (WireClient client = WireClient.connect(BROKER.port())) {
            final String group = "fenced";
            GroupApiCases.lookUpCoordinator(client, group);
            final JoinGroupResponseData first = client.roundTrip(staticJoin(group), JOIN);
            assertThat(first.errorCode()).isZero();
            client.roundTrip(
                    GroupApiCases.syncRequest(
                            new GroupApiCases.Member(group, first.memberId(), first.generationId()),
                            ApiKeys.SYNC_GROUP.latestVersion()),
                    ApiKeys.SYNC_GROUP.latestVersion());
            // the same instance comes back under a new member id: the old id is fenced
            final JoinGroupResponseData second = client.roundTrip(staticJoin(group), JOIN);
            assertThat(second.errorCode()).isZero();
            assertThat(second.memberId()).isNotEqualTo(first.memberId());
            final HeartbeatResponseData fenced = client.roundTrip(
                    new HeartbeatRequestData()
                            .setGroupId(group)
                            .setMemberId(first.memberId())
                            .setGroupInstanceId("instance-1")
                            .setGenerationId(first.generationId()),
                    HEARTBEAT);
            assertThat(Errors.forCode(fenced.errorCode())).isEqualTo(Errors.FENCED_INSTANCE_ID);
            final HeartbeatResponseData current = client.roundTrip(
                    new HeartbeatRequestData()
                            .setGroupId(group)
                            .setMemberId(second.memberId())
                            .setGroupInstanceId("instance-1")
                            .setGenerationId(second.generationId()),
                    HEARTBEAT);
            assertThat(current.errorCode()).isZero();
        }
    }

    @Test
    void shouldRefuseOffsetMetadataLongerThanTheLimit() throws Exception {
        try (WireClient client = WireClient.connect(BROKER.port())) {
            GroupApiCases.lookUpCoordinator(client, "big-metadata");
            final OffsetCommitRequestData commit = GroupApiCases.commitRequest("big-metadata", TOPIC, 5);
            commit.topics().get(0).partitions().get(0).setCommittedMetadata("m".repeat(4097));
            final OffsetCommitResponseData response = client.roundTrip(commit, COMMIT);
            assertThat(Errors.forCode(
                            response.topics().get(0).partitions().get(0).errorCode()))
                    .isEqualTo(Errors.OFFSET_METADATA_TOO_LARGE);
            final OffsetCommitRequestData fine = GroupApiCases.commitRequest("big-metadata", TOPIC, 6);
            fine.topics().get(0).partitions().get(0).setCommittedMetadata("m".repeat(4096));
            assertThat(client.<OffsetCommitResponseData>roundTrip(fine, COMMIT)
                            .topics()
                            .get(0)
                            .partitions()
                            .get(0)
                            .errorCode())
                    .isZero();
        }
    }

    @Test
    void shouldRefuseAnEmptyGroupId() throws Exception {
        try (WireClient client = WireClient.connect(BROKER.port())) {
            final JoinGroupRequestData join = staticJoin("").setGroupInstanceId(null);
            final JoinGroupResponseData joined = client.roundTrip(join, JOIN);
            assertThat(Errors.forCode(joined.errorCode())).isEqualTo(Errors.INVALID_GROUP_ID);
            final OffsetCommitResponseData committed =
                    client.roundTrip(GroupApiCases.commitRequest("", TOPIC, 1), COMMIT);
            assertThat(Errors.forCode(
                            committed.topics().get(0).partitions().get(0).errorCode()))
                    .isEqualTo(Errors.INVALID_GROUP_ID);
            WireClient.assertBrokerServes(BROKER.port());
        }
    }

    private static JoinGroupRequestData staticJoin(final String group) {
        final JoinGroupRequestData request = new JoinGroupRequestData()
                .setGroupId(group)
                .setSessionTimeoutMs(30_000)
                .setRebalanceTimeoutMs(30_000)
                .setMemberId("")
                .setGroupInstanceId("instance-1")
                .setProtocolType("consumer");
        request.protocols()
                .add(new JoinGroupRequestData.JoinGroupRequestProtocol()
                        .setName("range")
                        .setMetadata(new byte[] {0}));
        return request;
    }

    private static Errors heartbeat(
            final WireClient client, final String group, final String memberId, final int generation) throws Exception {
        final HeartbeatResponseData response = client.roundTrip(
                new HeartbeatRequestData()
                        .setGroupId(group)
                        .setMemberId(memberId)
                        .setGenerationId(generation),
                HEARTBEAT);
        return Errors.forCode(response.errorCode());
    }

    private static void assertHealthy(final WireClient client, final GroupApiCases.Member member) throws Exception {
        assertThat(heartbeat(client, member.group(), member.memberId(), member.generation()))
                .as("the member's own heartbeat still works")
                .isEqualTo(Errors.NONE);
        final OffsetCommitRequestData commit = GroupApiCases.commitRequest(member.group(), TOPIC, 3)
                .setMemberId(member.memberId())
                .setGenerationIdOrMemberEpoch(member.generation());
        assertThat(client.<OffsetCommitResponseData>roundTrip(commit, COMMIT)
                        .topics()
                        .get(0)
                        .partitions()
                        .get(0)
                        .errorCode())
                .isZero();
    }
}
