package io.runnel.broker.group.classic;

import io.runnel.broker.group.store.GroupRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.apache.kafka.common.message.DeleteGroupsRequestData;
import org.apache.kafka.common.message.DeleteGroupsResponseData;
import org.apache.kafka.common.message.DescribeGroupsRequestData;
import org.apache.kafka.common.message.DescribeGroupsResponseData;
import org.apache.kafka.common.message.ListGroupsRequestData;
import org.apache.kafka.common.message.ListGroupsResponseData;
import org.apache.kafka.common.protocol.Errors;

/**
 * ListGroups, DescribeGroups and DeleteGroups. Every method runs on the group coordinator's thread; not
 * thread-safe.
 */
public final class GroupAdministration {
    /** The group type of every Runnel group today (KIP-848 "consumer" groups are not served). */
    public static final String CLASSIC_TYPE = "classic";

    private final ClassicGroups groups;

    public GroupAdministration(final ClassicGroups groups) {
        this.groups = groups;
    }

    public void list(final ListGroupsRequestData request, final short version,
                     final CompletableFuture<ListGroupsResponseData> response) {
        final Set<String> states = request.statesFilter().stream().map(s -> s.toLowerCase(Locale.ROOT))
                .collect(Collectors.toSet());
        final Set<String> types = request.typesFilter().stream().map(s -> s.toLowerCase(Locale.ROOT))
                .collect(Collectors.toSet());
        final ListGroupsResponseData result = new ListGroupsResponseData();
        if (!types.isEmpty() && !types.contains(CLASSIC_TYPE)) {
            response.complete(result);
            return;
        }
        for (final ClassicGroup group : groups.all()) {
            final String state = group.state().toString();
            if (group.isInState(ClassicGroupState.DEAD)
                    || (!states.isEmpty() && !states.contains(state.toLowerCase(Locale.ROOT)))) {
                continue;
            }
            result.groups().add(new ListGroupsResponseData.ListedGroup().setGroupId(group.groupId())
                    .setProtocolType(group.protocolType() == null ? "" : group.protocolType())
                    .setGroupState(state).setGroupType(CLASSIC_TYPE));
        }
        response.complete(result);
    }

    public void describe(final DescribeGroupsRequestData request, final short version,
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
            described.setGroupState(ClassicGroupState.DEAD.toString()).setProtocolType("").setProtocolData("");
            if (version >= 6) {
                // KIP-1043: from v6 an unknown group is an error; before, a Dead group without one.
                described.setErrorCode(Errors.GROUP_ID_NOT_FOUND.code())
                        .setErrorMessage("Group " + groupId + " not found.");
            }
            return described;
        }
        final boolean stable = group.isInState(ClassicGroupState.STABLE);
        described.setGroupState(group.state().toString())
                .setProtocolType(group.protocolType() == null ? "" : group.protocolType())
                .setProtocolData(stable ? group.protocolName() : "");
        for (final ClassicMember m : group.members()) {
            // Kafka shows metadata and assignment only for a Stable group.
            final byte[] metadata = stable ? m.metadata(group.protocolName()) : null;
            described.members().add(new DescribeGroupsResponseData.DescribedGroupMember()
                    .setMemberId(m.memberId()).setGroupInstanceId(m.groupInstanceId())
                    .setClientId(m.clientId()).setClientHost(m.clientHost())
                    .setMemberMetadata(metadata == null ? new byte[0] : metadata)
                    .setMemberAssignment(stable ? m.assignment() : new byte[0]));
        }
        return described;
    }

    public void delete(final DeleteGroupsRequestData request, final short version,
                       final CompletableFuture<DeleteGroupsResponseData> response) {
        final Map<String, Errors> results = new TreeMap<>();
        final List<CompletableFuture<Void>> writes = new ArrayList<>();
        final List<String> order = new ArrayList<>();
        for (final String groupId : request.groupsNames()) {
            if (results.containsKey(groupId == null ? "" : groupId)) {
                continue;
            }
            order.add(groupId);
            final ClassicGroup group = groupId == null || groupId.isEmpty() ? null : groups.get(groupId);
            if (groupId == null || groupId.isEmpty()) {
                results.put(groupId == null ? "" : groupId, Errors.INVALID_GROUP_ID);
            } else if (group == null || group.isInState(ClassicGroupState.DEAD)) {
                results.put(groupId, Errors.GROUP_ID_NOT_FOUND);
            } else if (!group.isInState(ClassicGroupState.EMPTY)) {
                results.put(groupId, Errors.NON_EMPTY_GROUP);
            } else {
                final List<GroupRecord> records = new ArrayList<>();
                group.offsets().forEach((topic, byPartition) -> byPartition.keySet().forEach(partition ->
                        records.add(new GroupRecord.OffsetTombstone(groupId, topic, partition))));
                records.add(new GroupRecord.GroupTombstone(groupId));
                groups.remove(group);
                results.put(groupId, Errors.NONE);
                writes.add(groups.append(groupId, records).handle((ignored, failure) -> {
                    if (failure != null) {
                        results.put(groupId, GroupErrors.fromStoreFailure(failure));
                    }
                    return null;
                }));
            }
        }
        CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).whenComplete((ignored, failure) -> {
            final DeleteGroupsResponseData result = new DeleteGroupsResponseData();
            for (final String groupId : order) {
                final String key = groupId == null ? "" : groupId;
                result.results().add(new DeleteGroupsResponseData.DeletableGroupResult().setGroupId(groupId)
                        .setErrorCode(results.get(key).code()));
            }
            response.complete(result);
        });
    }
}
