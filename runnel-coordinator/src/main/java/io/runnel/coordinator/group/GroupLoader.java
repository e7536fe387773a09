package io.runnel.coordinator.group;

import io.runnel.coordinator.group.classic.ClassicGroups;
import io.runnel.coordinator.group.consumer.ConsumerGroups;
import io.runnel.coordinator.group.store.GroupRecord;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Rebuilds the groups of one partition of the store from its records, handed over in offset order: for each key
 * the latest record wins and tombstones delete; when an id has metadata of both protocols, the later one is the
 * group (it changed protocol while empty). Offsets go to the group of their id, or to a classic group that only
 * holds offsets. Runs on the group coordinator's thread while a {@link GroupShard} loads; not thread-safe.
 */
final class GroupLoader implements Consumer<GroupRecord> {
    private final Map<String, GroupRecord> metadata = new LinkedHashMap<>();
    private final Map<String, Map<String, GroupRecord.ConsumerMember>> members = new LinkedHashMap<>();
    private final Map<String, Map<String, GroupRecord.OffsetCommit>> offsets = new LinkedHashMap<>();
    private int records;

    @Override
    public void accept(final GroupRecord record) {
        records++;
        switch (record) {
            case GroupRecord.GroupMetadata m -> {
                metadata.remove(m.groupId()); // re-inserted last: the later protocol wins
                metadata.put(m.groupId(), m);
                members.remove(m.groupId());
            }
            case GroupRecord.ConsumerGroupMetadata m -> metadata.put(m.groupId(), m);
            case GroupRecord.GroupTombstone t -> {
                if (metadata.get(t.groupId()) instanceof GroupRecord.GroupMetadata) {
                    metadata.remove(t.groupId());
                }
            }
            case GroupRecord.ConsumerGroupTombstone t -> {
                if (metadata.get(t.groupId()) instanceof GroupRecord.ConsumerGroupMetadata) {
                    metadata.remove(t.groupId());
                }
                members.remove(t.groupId());
            }
            case GroupRecord.ConsumerMember m ->
                members.computeIfAbsent(m.groupId(), g -> new LinkedHashMap<>()).put(m.memberId(), m);
            case GroupRecord.ConsumerMemberTombstone t -> {
                final Map<String, GroupRecord.ConsumerMember> byId = members.get(t.groupId());
                if (byId != null) {
                    byId.remove(t.memberId());
                }
            }
            case GroupRecord.OffsetCommit c ->
                offsets.computeIfAbsent(c.groupId(), g -> new LinkedHashMap<>())
                        .put(c.topic() + '\u0000' + c.partition(), c);
            case GroupRecord.OffsetTombstone t -> {
                final Map<String, GroupRecord.OffsetCommit> byKey = offsets.get(t.groupId());
                if (byKey != null) {
                    byKey.remove(t.topic() + '\u0000' + t.partition());
                }
            }
        }
    }

    /** The number of records handed over so far. */
    int records() {
        return records;
    }

    /**
     * Puts the groups the records left into {@code directory}, which holds none of them yet.
     *
     * @return the number of groups loaded
     */
    int restore(final GroupDirectory directory, final ClassicGroups classic, final ConsumerGroups consumer) {
        for (final GroupRecord record : metadata.values()) {
            switch (record) {
                case GroupRecord.GroupMetadata m -> classic.restore(m);
                case GroupRecord.ConsumerGroupMetadata m ->
                    consumer.restore(
                            m,
                            new ArrayList<>(
                                    members.getOrDefault(m.groupId(), Map.of()).values()));
                default -> throw new IllegalStateException("not group metadata: " + record);
            }
        }
        offsets.forEach((groupId, byKey) -> {
            if (byKey.isEmpty()) {
                return;
            }
            final Group existing = directory.get(groupId);
            final Group group = existing != null ? existing : classic.createSimple(groupId);
            final List<GroupRecord.OffsetCommit> commits = new ArrayList<>(byKey.values());
            commits.forEach(c -> group.offsets()
                    .put(
                            c.topic(),
                            c.partition(),
                            new CommittedOffset(
                                    c.offset(),
                                    c.leaderEpoch(),
                                    c.metadata() == null ? "" : c.metadata(),
                                    c.commitTimestampMs(),
                                    c.expireTimestampMs())));
        });
        return directory.all().size();
    }
}
