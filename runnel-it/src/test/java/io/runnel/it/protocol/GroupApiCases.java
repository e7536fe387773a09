package io.runnel.it.protocol;

import static io.runnel.it.protocol.EveryApiVersionTest.exchange;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.DeleteGroupsRequestData;
import org.apache.kafka.common.message.DeleteGroupsResponseData;
import org.apache.kafka.common.message.DescribeGroupsRequestData;
import org.apache.kafka.common.message.DescribeGroupsResponseData;
import org.apache.kafka.common.message.FindCoordinatorRequestData;
import org.apache.kafka.common.message.FindCoordinatorResponseData;
import org.apache.kafka.common.message.HeartbeatRequestData;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.LeaveGroupRequestData;
import org.apache.kafka.common.message.ListGroupsRequestData;
import org.apache.kafka.common.message.ListGroupsResponseData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.message.OffsetCommitRequestData;
import org.apache.kafka.common.message.OffsetCommitResponseData;
import org.apache.kafka.common.message.OffsetDeleteRequestData;
import org.apache.kafka.common.message.OffsetFetchRequestData;
import org.apache.kafka.common.message.OffsetFetchResponseData;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;

/**
 * Minimal, error-free exchanges of the group APIs at a given version, for {@link EveryApiVersionTest}. Each
 * case uses its own group so versions do not interfere; the steps a case needs before its own request (a
 * member joining, a commit) run at the newest version.
 */
final class GroupApiCases {
    private static final short JOIN_LATEST = ApiKeys.JOIN_GROUP.latestVersion();
    private static final short SYNC_LATEST = ApiKeys.SYNC_GROUP.latestVersion();
    /** The last OffsetCommit and OffsetFetch version that names topics; from v10 they go by id. */
    static final short LAST_BY_NAME = 9;

    private GroupApiCases() {}

    /** A joined, synced member: what a group needs before heartbeats, leaves and describes. */
    record Member(String group, String memberId, int generation) {}

    static void findCoordinator(final WireClient client, final short version) throws Exception {
        final FindCoordinatorRequestData request = new FindCoordinatorRequestData();
        if (version >= 4) {
            request.setCoordinatorKeys(List.of("coordinated-v" + version));
        } else {
            request.setKey("coordinated-v" + version);
        }
        final FindCoordinatorResponseData response = exchange(client, request, version);
        final int nodeId = version >= 4 ? response.coordinators().get(0).nodeId() : response.nodeId();
        assertThat(nodeId).isEqualTo(1);
    }

    static void joinGroup(final WireClient client, final short version) throws Exception {
        final Member member = join(client, "join-v" + version, version);
        assertThat(member.generation()).isPositive();
    }

    static void syncGroup(final WireClient client, final short version) throws Exception {
        final String group = "sync-v" + version;
        final Member member = joinOnly(client, group, JOIN_LATEST);
        final SyncGroupRequestData request = syncRequest(member, version);
        final SyncGroupResponseData response = exchange(client, request, version);
        assertThat(response.assignment()).containsExactly(1, 2, 3);
    }

    static void heartbeat(final WireClient client, final short version) throws Exception {
        final Member member = join(client, "heartbeat-v" + version, JOIN_LATEST);
        exchange(
                client,
                new HeartbeatRequestData()
                        .setGroupId(member.group())
                        .setMemberId(member.memberId())
                        .setGenerationId(member.generation()),
                version);
    }

    static void leaveGroup(final WireClient client, final short version) throws Exception {
        final Member member = join(client, "leave-v" + version, JOIN_LATEST);
        final LeaveGroupRequestData request = new LeaveGroupRequestData().setGroupId(member.group());
        if (version >= 3) {
            request.members().add(new LeaveGroupRequestData.MemberIdentity().setMemberId(member.memberId()));
        } else {
            request.setMemberId(member.memberId());
        }
        exchange(client, request, version);
    }

    static void offsetCommit(final WireClient client, final short version, final String topic) throws Exception {
        final String group = "commit-v" + version;
        lookUpCoordinator(client, group);
        final OffsetCommitRequestData request = commitRequest(group, topic, 1);
        final Uuid id = topicId(client, topic);
        if (version > LAST_BY_NAME) {
            request.topics().get(0).setName("").setTopicId(id);
        }
        final OffsetCommitResponseData response = exchange(client, request, version);
        final OffsetCommitResponseData.OffsetCommitResponseTopic answered =
                response.topics().get(0);
        assertThat(answered.name()).isEqualTo(version > LAST_BY_NAME ? "" : topic);
        assertThat(answered.topicId()).isEqualTo(version > LAST_BY_NAME ? id : Uuid.ZERO_UUID);
    }

    static void offsetFetch(final WireClient client, final short version, final String topic) throws Exception {
        final String group = "fetch-v" + version;
        lookUpCoordinator(client, group);
        exchange(client, commitRequest(group, topic, 1), LAST_BY_NAME);
        final OffsetFetchRequestData request = new OffsetFetchRequestData();
        if (version >= 8) {
            request.groups()
                    .add(new OffsetFetchRequestData.OffsetFetchRequestGroup()
                            .setGroupId(group)
                            .setTopics(List.of(
                                    version > LAST_BY_NAME
                                            ? new OffsetFetchRequestData.OffsetFetchRequestTopics()
                                                    .setTopicId(topicId(client, topic))
                                                    .setPartitionIndexes(List.of(0))
                                            : new OffsetFetchRequestData.OffsetFetchRequestTopics()
                                                    .setName(topic)
                                                    .setPartitionIndexes(List.of(0)))));
        } else {
            request.setGroupId(group)
                    .setTopics(List.of(new OffsetFetchRequestData.OffsetFetchRequestTopic()
                            .setName(topic)
                            .setPartitionIndexes(List.of(0))));
        }
        final OffsetFetchResponseData response = exchange(client, request, version);
        final long offset = version >= 8
                ? response.groups().get(0).topics().get(0).partitions().get(0).committedOffset()
                : response.topics().get(0).partitions().get(0).committedOffset();
        assertThat(offset).isEqualTo(1);
        if (version > LAST_BY_NAME) {
            assertThat(response.groups().get(0).topics().get(0).topicId()).isEqualTo(topicId(client, topic));
        }
    }

    /** The topic's id, as Metadata tells it. */
    static Uuid topicId(final WireClient client, final String topic) throws Exception {
        final MetadataResponseData response = client.roundTrip(Requests.metadata(topic, false), (short) 12);
        return response.topics().find(topic).topicId();
    }

    static void offsetDelete(final WireClient client, final short version, final String topic) throws Exception {
        final String group = "delete-offsets-v" + version;
        lookUpCoordinator(client, group);
        exchange(client, commitRequest(group, topic, 1), LAST_BY_NAME);
        final OffsetDeleteRequestData request = new OffsetDeleteRequestData().setGroupId(group);
        final OffsetDeleteRequestData.OffsetDeleteRequestTopic t =
                new OffsetDeleteRequestData.OffsetDeleteRequestTopic().setName(topic);
        t.partitions().add(new OffsetDeleteRequestData.OffsetDeleteRequestPartition().setPartitionIndex(0));
        request.topics().add(t);
        exchange(client, request, version);
    }

    static void listGroups(final WireClient client, final short version) throws Exception {
        join(client, "listed-v" + version, JOIN_LATEST);
        final ListGroupsResponseData response = exchange(client, new ListGroupsRequestData(), version);
        assertThat(response.groups())
                .extracting(ListGroupsResponseData.ListedGroup::groupId)
                .contains("listed-v" + version);
    }

    static void describeGroups(final WireClient client, final short version) throws Exception {
        final Member member = join(client, "described-v" + version, JOIN_LATEST);
        final DescribeGroupsResponseData response =
                exchange(client, new DescribeGroupsRequestData().setGroups(List.of(member.group())), version);
        final DescribeGroupsResponseData.DescribedGroup group =
                response.groups().get(0);
        assertThat(group.groupState()).isEqualTo("Stable");
        assertThat(group.members())
                .extracting(DescribeGroupsResponseData.DescribedGroupMember::memberId)
                .containsExactly(member.memberId());
    }

    static void deleteGroups(final WireClient client, final short version, final String topic) throws Exception {
        final String group = "deleted-v" + version;
        lookUpCoordinator(client, group);
        exchange(client, commitRequest(group, topic, 1), LAST_BY_NAME);
        final DeleteGroupsResponseData response =
                exchange(client, new DeleteGroupsRequestData().setGroupsNames(List.of(group)), version);
        assertThat(response.results().find(group).errorCode()).isZero();
        assertThat(response.results().find(group).errorMessage()).isNull();
    }

    /** What every client does before talking to a group: the first lookup creates __consumer_offsets. */
    static void lookUpCoordinator(final WireClient client, final String group) throws Exception {
        final FindCoordinatorResponseData response = exchange(
                client,
                new FindCoordinatorRequestData().setCoordinatorKeys(List.of(group)),
                ApiKeys.FIND_COORDINATOR.latestVersion());
        assertThat(response.coordinators().get(0).errorCode()).isZero();
    }

    /** A "simple" commit: no member, no generation, as kafka-consumer-groups --reset-offsets makes. */
    static OffsetCommitRequestData commitRequest(final String group, final String topic, final long offset) {
        final OffsetCommitRequestData request = new OffsetCommitRequestData()
                .setGroupId(group)
                .setGenerationIdOrMemberEpoch(-1)
                .setMemberId("");
        request.topics()
                .add(new OffsetCommitRequestData.OffsetCommitRequestTopic()
                        .setName(topic)
                        .setPartitions(List.of(new OffsetCommitRequestData.OffsetCommitRequestPartition()
                                .setPartitionIndex(0)
                                .setCommittedOffset(offset))));
        return request;
    }

    /** Joins {@code group} at {@code version} (asking again with the assigned id where v4+ requires one), then syncs. */
    static Member join(final WireClient client, final String group, final short version) throws Exception {
        final Member member = joinOnly(client, group, version);
        exchange(client, syncRequest(member, SYNC_LATEST), SYNC_LATEST);
        return member;
    }

    static Member joinOnly(final WireClient client, final String group, final short version) throws Exception {
        lookUpCoordinator(client, group);
        final JoinGroupRequestData request = joinRequest(group, "");
        JoinGroupResponseData response =
                (JoinGroupResponseData) client.exchange(request, version).data();
        if (response.errorCode() == Errors.MEMBER_ID_REQUIRED.code()) {
            request.setMemberId(response.memberId());
            response = exchange(client, request, version);
        }
        assertThat(response.errorCode()).isZero();
        assertThat(response.leader()).isEqualTo(response.memberId());
        return new Member(group, response.memberId(), response.generationId());
    }

    /** A classic consumer's JoinGroup with the range protocol. */
    static JoinGroupRequestData joinRequest(final String group, final String memberId) {
        final JoinGroupRequestData request = new JoinGroupRequestData()
                .setGroupId(group)
                .setSessionTimeoutMs(30_000)
                .setRebalanceTimeoutMs(30_000)
                .setMemberId(memberId)
                .setProtocolType("consumer");
        request.protocols()
                .add(new JoinGroupRequestData.JoinGroupRequestProtocol()
                        .setName("range")
                        .setMetadata(new byte[] {0}));
        return request;
    }

    static SyncGroupRequestData syncRequest(final Member member, final short version) {
        final SyncGroupRequestData request = new SyncGroupRequestData()
                .setGroupId(member.group())
                .setMemberId(member.memberId())
                .setGenerationId(member.generation());
        if (version >= 5) {
            request.setProtocolType("consumer").setProtocolName("range");
        }
        request.assignments()
                .add(new SyncGroupRequestData.SyncGroupRequestAssignment()
                        .setMemberId(member.memberId())
                        .setAssignment(new byte[] {1, 2, 3}));
        return request;
    }
}
