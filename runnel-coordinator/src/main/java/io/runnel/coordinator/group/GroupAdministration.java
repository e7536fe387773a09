package io.runnel.coordinator.group;

import io.runnel.coordinator.group.store.GroupRecord;
import io.runnel.coordinator.runtime.Scheduler;
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
import org.apache.kafka.common.message.ListGroupsRequestData;
import org.apache.kafka.common.message.ListGroupsResponseData;
import org.apache.kafka.common.protocol.Errors;

/**
 * ListGroups and DeleteGroups, over every group whatever its protocol. Every method runs on the group
 * coordinator's thread; not thread-safe.
 */
public final class GroupAdministration {
    private final GroupDirectory directory;
    private final GroupLog log;
    private final Scheduler clock;

    public GroupAdministration(final GroupDirectory directory, final GroupLog log, final Scheduler clock) {
        this.directory = directory;
        this.log = log;
        this.clock = clock;
    }

    public void list(
            final ListGroupsRequestData request,
            final short version,
            final CompletableFuture<ListGroupsResponseData> response) {
        final Set<String> states = request.statesFilter().stream()
                .map(s -> s.toLowerCase(Locale.ROOT))
                .collect(Collectors.toSet());
        final Set<String> types = request.typesFilter().stream()
                .map(s -> s.toLowerCase(Locale.ROOT))
                .collect(Collectors.toSet());
        final ListGroupsResponseData result = new ListGroupsResponseData();
        for (final Group group : directory.all()) {
            final String state = group.stateName();
            if (group.isDead()
                    || (!states.isEmpty() && !states.contains(state.toLowerCase(Locale.ROOT)))
                    || (!types.isEmpty() && !types.contains(group.type()))) {
                continue;
            }
            result.groups()
                    .add(new ListGroupsResponseData.ListedGroup()
                            .setGroupId(group.groupId())
                            .setProtocolType(group.protocolType() == null ? "" : group.protocolType())
                            .setGroupState(state)
                            .setGroupType(group.type()));
        }
        response.complete(result);
    }

    public void delete(
            final DeleteGroupsRequestData request,
            final short version,
            final CompletableFuture<DeleteGroupsResponseData> response) {
        final Map<String, Errors> results = new TreeMap<>();
        final List<CompletableFuture<Void>> writes = new ArrayList<>();
        final List<String> order = new ArrayList<>();
        for (final String groupId : request.groupsNames()) {
            if (results.containsKey(groupId == null ? "" : groupId)) {
                continue;
            }
            order.add(groupId);
            final Group group = groupId == null || groupId.isEmpty() ? null : directory.get(groupId);
            if (groupId == null || groupId.isEmpty()) {
                results.put(groupId == null ? "" : groupId, Errors.INVALID_GROUP_ID);
            } else if (group == null || group.isDead()) {
                results.put(groupId, Errors.GROUP_ID_NOT_FOUND);
            } else if (!group.isEmpty()) {
                results.put(groupId, Errors.NON_EMPTY_GROUP);
            } else {
                final List<GroupRecord> records = new ArrayList<>();
                group.offsets()
                        .all()
                        .forEach((topic, byPartition) -> byPartition
                                .keySet()
                                .forEach(partition ->
                                        records.add(new GroupRecord.OffsetTombstone(groupId, topic, partition))));
                records.add(group.tombstone());
                group.delete(clock.nowMs());
                directory.remove(group);
                results.put(groupId, Errors.NONE);
                writes.add(log.append(groupId, records).handle((ignored, failure) -> {
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
                result.results()
                        .add(new DeleteGroupsResponseData.DeletableGroupResult()
                                .setGroupId(groupId)
                                .setErrorCode(results.get(key).code()));
            }
            response.complete(result);
        });
    }
}
