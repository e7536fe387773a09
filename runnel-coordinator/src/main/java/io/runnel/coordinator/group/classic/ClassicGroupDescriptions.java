package io.runnel.coordinator.group.classic;

import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.DescribeGroupsRequestData;
import org.apache.kafka.common.message.DescribeGroupsResponseData;
import org.apache.kafka.common.protocol.Errors;

/**
 * DescribeGroups: the classic groups' members, protocol and assignments. A consumer group is not a classic group
 * and is described as an unknown one, as Kafka does; ConsumerGroupDescribe serves it. Runs on the group
 * coordinator's thread; not thread-safe.
 */
public final class ClassicGroupDescriptions {
    private final ClassicGroups groups;

    public ClassicGroupDescriptions(final ClassicGroups groups) {
        this.groups = groups;
    }

    public void describe(
            final DescribeGroupsRequestData request,
            final short version,
            final CompletableFuture<DescribeGroupsResponseData> response) {
        final DescribeGroupsResponseData result = new DescribeGroupsResponseData();
        for (final String groupId : request.groups()) {
            result.groups().add(describe(groupId, version));
        }
        response.complete(result);
    }

    private DescribeGroupsResponseData.DescribedGroup describe(final String groupId, final short version) {
        final DescribeGroupsResponseData.DescribedGroup described =
                new DescribeGroupsResponseData.DescribedGroup().setGroupId(groupId);
        if (groupId == null || groupId.isEmpty()) {
            return described.setErrorCode(Errors.INVALID_GROUP_ID.code());
        }
        final ClassicGroup group = groups.get(groupId);
        if (group == null || group.isInState(ClassicGroupState.DEAD)) {
            described
                    .setGroupState(ClassicGroupState.DEAD.toString())
                    .setProtocolType("")
                    .setProtocolData("");
            if (version >= 6) {
                // KIP-1043: from v6 an unknown group is an error; before, a Dead group without one.
                described
                        .setErrorCode(Errors.GROUP_ID_NOT_FOUND.code())
                        .setErrorMessage("Group " + groupId + " not found.");
            }
            return described;
        }
        final boolean stable = group.isInState(ClassicGroupState.STABLE);
        described
                .setGroupState(group.state().toString())
                .setProtocolType(group.protocolType() == null ? "" : group.protocolType())
                .setProtocolData(stable ? group.protocolName() : "");
        for (final ClassicMember m : group.members()) {
            // Kafka shows metadata and assignment only for a Stable group.
            final byte[] metadata = stable ? m.metadata(group.protocolName()) : null;
            described
                    .members()
                    .add(new DescribeGroupsResponseData.DescribedGroupMember()
                            .setMemberId(m.memberId())
                            .setGroupInstanceId(m.groupInstanceId())
                            .setClientId(m.clientId())
                            .setClientHost(m.clientHost())
                            .setMemberMetadata(metadata == null ? new byte[0] : metadata)
                            .setMemberAssignment(stable ? m.assignment() : new byte[0]));
        }
        return described;
    }
}
