package io.runnel.it.protocol;

import static io.runnel.it.protocol.EveryApiVersionTest.exchange;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.ConsumerGroupDescribeRequestData;
import org.apache.kafka.common.message.ConsumerGroupDescribeResponseData;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatRequestData;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatResponseData;
import org.apache.kafka.common.protocol.ApiKeys;

/**
 * Minimal, error-free exchanges of the KIP-848 consumer group APIs at a given version, for
 * {@link EveryApiVersionTest}, and the joining heartbeat the other consumer group tests start from.
 */
final class ConsumerGroupApiCases {
    static final short HEARTBEAT_LATEST = ApiKeys.CONSUMER_GROUP_HEARTBEAT.latestVersion();

    private ConsumerGroupApiCases() {}

    /** A member in a consumer group: its id, its epoch and what it was given. */
    record Member(String group, String memberId, int epoch, ConsumerGroupHeartbeatResponseData.Assignment assignment) {}

    static void consumerGroupHeartbeat(final WireClient client, final short version, final String topic)
            throws Exception {
        // v0 lets the coordinator pick the member id; from v1 the client does (KIP-1082).
        final Member member = join(
                client,
                "consumer-heartbeat-v" + version,
                version == 0 ? "" : Uuid.randomUuid().toString(),
                null,
                topic,
                version);
        assertThat(member.memberId()).isNotEmpty();
        assertThat(member.epoch()).isPositive();
        assertThat(member.assignment().topicPartitions()).isNotEmpty();
    }

    static void consumerGroupDescribe(final WireClient client, final short version, final String topic)
            throws Exception {
        final Member member = join(
                client, "consumer-described-v" + version, Uuid.randomUuid().toString(), null, topic, HEARTBEAT_LATEST);
        final ConsumerGroupDescribeResponseData response =
                exchange(client, new ConsumerGroupDescribeRequestData().setGroupIds(List.of(member.group())), version);
        final ConsumerGroupDescribeResponseData.DescribedGroup group =
                response.groups().get(0);
        assertThat(group.groupState()).isEqualTo("Stable");
        assertThat(group.groupEpoch()).isEqualTo(member.epoch());
        assertThat(group.assignorName()).isEqualTo("uniform");
        assertThat(group.members())
                .extracting(ConsumerGroupDescribeResponseData.Member::memberId)
                .containsExactly(member.memberId());
        assertThat(group.members().get(0).assignment().topicPartitions().get(0).topicName())
                .isEqualTo(topic);
    }

    /** The first heartbeat of a member subscribing to {@code topic}; it must succeed. */
    static Member join(
            final WireClient client,
            final String group,
            final String memberId,
            final String instanceId,
            final String topic,
            final short version)
            throws Exception {
        GroupApiCases.lookUpCoordinator(client, group);
        final ConsumerGroupHeartbeatResponseData response =
                exchange(client, joinRequest(group, memberId, instanceId, topic), version);
        return new Member(group, response.memberId(), response.memberEpoch(), response.assignment());
    }

    static ConsumerGroupHeartbeatRequestData joinRequest(
            final String group, final String memberId, final String instanceId, final String topic) {
        return new ConsumerGroupHeartbeatRequestData()
                .setGroupId(group)
                .setMemberId(memberId)
                .setMemberEpoch(0)
                .setInstanceId(instanceId)
                .setRebalanceTimeoutMs(30_000)
                .setSubscribedTopicNames(List.of(topic))
                .setTopicPartitions(new ArrayList<>());
    }

    /** A heartbeat at {@code epoch} that says the member owns what it was given. */
    static ConsumerGroupHeartbeatRequestData heartbeat(final Member member, final int epoch) {
        final List<ConsumerGroupHeartbeatRequestData.TopicPartitions> owned = new ArrayList<>();
        if (member.assignment() != null) {
            member.assignment()
                    .topicPartitions()
                    .forEach(t -> owned.add(new ConsumerGroupHeartbeatRequestData.TopicPartitions()
                            .setTopicId(t.topicId())
                            .setPartitions(t.partitions())));
        }
        return new ConsumerGroupHeartbeatRequestData()
                .setGroupId(member.group())
                .setMemberId(member.memberId())
                .setMemberEpoch(epoch)
                .setTopicPartitions(owned);
    }
}
