package io.runnel.coordinator.group.classic;

import org.apache.kafka.common.message.DeleteGroupsRequestData;
import org.apache.kafka.common.message.DeleteGroupsResponseData;
import org.apache.kafka.common.message.DescribeGroupsRequestData;
import org.apache.kafka.common.message.DescribeGroupsResponseData;
import org.apache.kafka.common.message.HeartbeatResponseData;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.LeaveGroupRequestData;
import org.apache.kafka.common.message.LeaveGroupResponseData;
import org.apache.kafka.common.message.ListGroupsResponseData;
import org.apache.kafka.common.message.OffsetCommitRequestData;
import org.apache.kafka.common.message.OffsetCommitResponseData;
import org.apache.kafka.common.message.OffsetDeleteRequestData;
import org.apache.kafka.common.message.OffsetDeleteResponseData;
import org.apache.kafka.common.message.OffsetFetchRequestData;
import org.apache.kafka.common.message.OffsetFetchResponseData;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.protocol.Errors;

/**
 * Whole-request error responses of every group API, valid at the request's version, and the version fix-ups
 * of JoinGroup. {@code GroupCoordinator} answers with these when an operation fails as a whole.
 */
public final class Responses {
    private Responses() {}

    /** JoinGroup below v7 has a non-nullable ProtocolName, and SkipAssignment exists from v9 only. */
    public static JoinGroupResponseData join(final JoinGroupResponseData response, final short version) {
        if (version < 7 && response.protocolName() == null) {
            response.setProtocolName("");
        }
        if (version < 9) {
            response.setSkipAssignment(false);
        }
        if (response.leader() == null) {
            response.setLeader("");
        }
        return response;
    }

    public static JoinGroupResponseData joinError(
            final JoinGroupRequestData request, final short version, final Errors error) {
        return join(
                new JoinGroupResponseData()
                        .setErrorCode(error.code())
                        .setMemberId(request.memberId())
                        .setProtocolName(null),
                version);
    }

    public static SyncGroupResponseData syncError(final Errors error) {
        return new SyncGroupResponseData().setErrorCode(error.code());
    }

    public static HeartbeatResponseData heartbeatError(final Errors error) {
        return new HeartbeatResponseData().setErrorCode(error.code());
    }

    public static LeaveGroupResponseData leaveError(
            final LeaveGroupRequestData request, final short version, final Errors error) {
        return new LeaveGroupResponseData().setErrorCode(error.code());
    }

    public static OffsetCommitResponseData commitError(
            final OffsetCommitRequestData request, final short version, final Errors error) {
        final OffsetCommitResponseData response = new OffsetCommitResponseData();
        for (final OffsetCommitRequestData.OffsetCommitRequestTopic topic : request.topics()) {
            final OffsetCommitResponseData.OffsetCommitResponseTopic responseTopic =
                    new OffsetCommitResponseData.OffsetCommitResponseTopic()
                            .setName(topic.name())
                            .setTopicId(topic.topicId());
            for (final OffsetCommitRequestData.OffsetCommitRequestPartition p : topic.partitions()) {
                responseTopic
                        .partitions()
                        .add(new OffsetCommitResponseData.OffsetCommitResponsePartition()
                                .setPartitionIndex(p.partitionIndex())
                                .setErrorCode(error.code()));
            }
            response.topics().add(responseTopic);
        }
        return response;
    }

    public static OffsetFetchResponseData fetchError(
            final OffsetFetchRequestData request, final short version, final Errors error) {
        final OffsetFetchResponseData response = new OffsetFetchResponseData();
        if (version >= 8) {
            for (final OffsetFetchRequestData.OffsetFetchRequestGroup group : request.groups()) {
                response.groups()
                        .add(new OffsetFetchResponseData.OffsetFetchResponseGroup()
                                .setGroupId(group.groupId())
                                .setErrorCode(error.code()));
            }
            return response;
        }
        if (version >= 2) {
            response.setErrorCode(error.code());
        }
        if (request.topics() != null) {
            for (final OffsetFetchRequestData.OffsetFetchRequestTopic topic : request.topics()) {
                final OffsetFetchResponseData.OffsetFetchResponseTopic responseTopic =
                        new OffsetFetchResponseData.OffsetFetchResponseTopic().setName(topic.name());
                for (final Integer partition : topic.partitionIndexes()) {
                    responseTopic
                            .partitions()
                            .add(new OffsetFetchResponseData.OffsetFetchResponsePartition()
                                    .setPartitionIndex(partition)
                                    .setCommittedOffset(-1)
                                    .setMetadata("")
                                    .setErrorCode(error.code()));
                }
                response.topics().add(responseTopic);
            }
        }
        return response;
    }

    public static ListGroupsResponseData listError(final Errors error) {
        return new ListGroupsResponseData().setErrorCode(error.code());
    }

    public static DescribeGroupsResponseData describeError(
            final DescribeGroupsRequestData request, final short version, final Errors error) {
        final DescribeGroupsResponseData response = new DescribeGroupsResponseData();
        for (final String groupId : request.groups()) {
            response.groups()
                    .add(new DescribeGroupsResponseData.DescribedGroup()
                            .setGroupId(groupId)
                            .setErrorCode(error.code()));
        }
        return response;
    }

    public static DeleteGroupsResponseData deleteGroupsError(
            final DeleteGroupsRequestData request, final Errors error) {
        final DeleteGroupsResponseData response = new DeleteGroupsResponseData();
        for (final String groupId : request.groupsNames()) {
            if (response.results().find(groupId) == null) {
                response.results()
                        .add(new DeleteGroupsResponseData.DeletableGroupResult()
                                .setGroupId(groupId)
                                .setErrorCode(error.code()));
            }
        }
        return response;
    }

    public static OffsetDeleteResponseData deleteOffsetsError(
            final OffsetDeleteRequestData request, final Errors error) {
        return new OffsetDeleteResponseData().setErrorCode(error.code());
    }
}
