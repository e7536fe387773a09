package io.runnel.coordinator.group.consumer;

import io.runnel.coordinator.group.Group;
import io.runnel.coordinator.group.GroupDirectory;
import java.util.ArrayList;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.ConsumerGroupDescribeRequestData;
import org.apache.kafka.common.message.ConsumerGroupDescribeResponseData;
import org.apache.kafka.common.protocol.Errors;

/**
 * ConsumerGroupDescribe: a consumer group's epochs, assignor and members with their assignment and target. A
 * classic or unknown group is GROUP_ID_NOT_FOUND, which tells the Admin client to ask DescribeGroups instead.
 * Runs on the group coordinator's thread; not thread-safe.
 */
public final class ConsumerGroupDescriptions {
    /** KIP-1099's member types: a member speaking the classic protocol, and one speaking the consumer protocol. */
    private static final byte CLASSIC_MEMBER_TYPE = 0;

    private static final byte CONSUMER_MEMBER_TYPE = 1;

    private final GroupDirectory directory;
    private final ConsumerGroups groups;

    public ConsumerGroupDescriptions(final GroupDirectory directory, final ConsumerGroups groups) {
        this.directory = directory;
        this.groups = groups;
    }

    public void describe(
            final ConsumerGroupDescribeRequestData request,
            final CompletableFuture<ConsumerGroupDescribeResponseData> response) {
        final ConsumerGroupDescribeResponseData result = new ConsumerGroupDescribeResponseData();
        for (final String groupId : request.groupIds()) {
            result.groups().add(describe(groupId, request.includeAuthorizedOperations()));
        }
        response.complete(result);
    }

    private ConsumerGroupDescribeResponseData.DescribedGroup describe(
            final String groupId, final boolean includeOperations) {
        final ConsumerGroupDescribeResponseData.DescribedGroup described =
                new ConsumerGroupDescribeResponseData.DescribedGroup().setGroupId(groupId);
        if (groupId == null || groupId.isEmpty()) {
            return described.setErrorCode(Errors.INVALID_GROUP_ID.code()).setErrorMessage("Group id can't be empty.");
        }
        final Group any = directory.get(groupId);
        if (any == null || any.isDead()) {
            return described
                    .setErrorCode(Errors.GROUP_ID_NOT_FOUND.code())
                    .setErrorMessage("Group " + groupId + " not found.");
        }
        final ConsumerGroup group = groups.get(groupId);
        if (group == null) {
            return described
                    .setErrorCode(Errors.GROUP_ID_NOT_FOUND.code())
                    .setErrorMessage("Group " + groupId + " is not a consumer group.");
        }
        described
                .setGroupState(group.stateName())
                .setGroupEpoch(group.groupEpoch())
                .setAssignmentEpoch(group.assignmentEpoch())
                .setAssignorName(groups.changes().assignor(group).name());
        if (includeOperations) {
            // Without authorization every operation on a group is allowed: READ, DELETE, DESCRIBE.
            described.setAuthorizedOperations((1 << 3) | (1 << 6) | (1 << 8));
        }
        for (final ConsumerMember m : group.members()) {
            described
                    .members()
                    .add(new ConsumerGroupDescribeResponseData.Member()
                            .setMemberId(m.memberId())
                            .setInstanceId(m.instanceId())
                            .setRackId(m.rackId())
                            .setMemberEpoch(m.memberEpoch())
                            .setClientId(m.clientId())
                            .setClientHost(m.clientHost())
                            .setSubscribedTopicNames(new ArrayList<>(m.subscribedTopicNames()))
                            .setSubscribedTopicRegex(m.subscribedTopicRegex())
                            .setAssignment(assignment(m.assigned()))
                            .setTargetAssignment(assignment(group.target(m.memberId())))
                            .setMemberType(m.isClassic() ? CLASSIC_MEMBER_TYPE : CONSUMER_MEMBER_TYPE));
        }
        return described;
    }

    private ConsumerGroupDescribeResponseData.Assignment assignment(final Map<Uuid, Set<Integer>> partitions) {
        final ConsumerGroupDescribeResponseData.Assignment result = new ConsumerGroupDescribeResponseData.Assignment();
        partitions.forEach((topicId, ps) -> {
            final String name = groups.subscriptions().topicName(topicId);
            result.topicPartitions()
                    .add(new ConsumerGroupDescribeResponseData.TopicPartitions()
                            .setTopicId(topicId)
                            .setTopicName(name == null ? "" : name)
                            .setPartitions(new ArrayList<>(Partitions.sorted(ps))));
        });
        return result;
    }
}
