package io.runnel.broker.group.classic;

import io.runnel.broker.group.GroupConfig;
import io.runnel.broker.group.Scheduler;
import io.runnel.broker.group.store.GroupRecord;
import io.runnel.broker.group.store.GroupStore;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.random.RandomGenerator;

/**
 * The classic groups by id and what the operations on them share: the store, the owner thread's scheduler,
 * the settings and the source of member ids. Owned by the group coordinator's thread; not thread-safe.
 */
public final class ClassicGroups {
    private final GroupStore store;
    private final Scheduler scheduler;
    private final GroupConfig config;
    private final RandomGenerator random;
    private final Map<String, ClassicGroup> groups = new TreeMap<>();

    public ClassicGroups(final GroupStore store, final Scheduler scheduler, final GroupConfig config,
                         final RandomGenerator random) {
        this.store = store;
        this.scheduler = scheduler;
        this.config = config;
        this.random = random;
    }

    Scheduler scheduler() {
        return scheduler;
    }

    GroupConfig config() {
        return config;
    }

    long nowMs() {
        return scheduler.nowMs();
    }

    ClassicGroup get(final String groupId) {
        return groups.get(groupId);
    }

    ClassicGroup create(final String groupId) {
        final ClassicGroup group = new ClassicGroup(groupId, nowMs());
        groups.put(groupId, group);
        return group;
    }

    ClassicGroup getOrCreate(final String groupId) {
        final ClassicGroup group = groups.get(groupId);
        return group != null ? group : create(groupId);
    }

    /** Marks the group Dead, stops its timers and forgets it. */
    void remove(final ClassicGroup group) {
        group.cancelTimers();
        if (!group.isInState(ClassicGroupState.DEAD)) {
            group.transitionTo(ClassicGroupState.DEAD, nowMs());
        }
        groups.remove(group.groupId(), group);
    }

    List<ClassicGroup> all() {
        return new ArrayList<>(groups.values());
    }

    /** Kafka's member id: the instance id (static) or the client id, a dash, and a random UUID. */
    String newMemberId(final String clientId, final String groupInstanceId) {
        final UUID uuid = new UUID(random.nextLong() & 0xffffffffffff0fffL | 0x4000L,
                random.nextLong() & 0x3fffffffffffffffL | 0x8000000000000000L);
        return (groupInstanceId != null ? groupInstanceId : clientId) + "-" + uuid;
    }

    /**
     * Appends the records of one group; the returned future completes on the owner thread once the store has
     * them (or exceptionally with the store's error).
     */
    CompletableFuture<Void> append(final String groupId, final List<GroupRecord> records) {
        final CompletableFuture<Void> onOwner = new CompletableFuture<>();
        CompletableFuture<Void> appended;
        try {
            appended = store.append(groupId, records);
        } catch (final RuntimeException e) {
            appended = CompletableFuture.failedFuture(e);
        }
        appended.whenComplete((ignored, failure) -> {
            try {
                scheduler.execute(() -> {
                    if (failure != null) {
                        onOwner.completeExceptionally(GroupErrors.unwrap(failure));
                    } else {
                        onOwner.complete(null);
                    }
                });
            } catch (final RejectedExecutionException closed) {
                onOwner.completeExceptionally(closed);
            }
        });
        return onOwner;
    }

    /**
     * Rebuilds the groups from the store: for each key the latest record wins and tombstones delete. A group
     * that only has offsets comes back as an Empty group without protocol type (a "simple" group).
     *
     * @return the groups loaded
     */
    List<ClassicGroup> load() {
        final Map<String, GroupRecord.GroupMetadata> metadata = new LinkedHashMap<>();
        final Map<String, Map<String, GroupRecord.OffsetCommit>> offsets = new LinkedHashMap<>();
        store.replay(record -> {
            switch (record) {
                case GroupRecord.GroupMetadata m -> metadata.put(m.groupId(), m);
                case GroupRecord.GroupTombstone t -> metadata.remove(t.groupId());
                case GroupRecord.OffsetCommit c -> offsets.computeIfAbsent(c.groupId(), g -> new LinkedHashMap<>())
                        .put(c.topic() + '\u0000' + c.partition(), c);
                case GroupRecord.OffsetTombstone t -> {
                    final Map<String, GroupRecord.OffsetCommit> byKey = offsets.get(t.groupId());
                    if (byKey != null) {
                        byKey.remove(t.topic() + '\u0000' + t.partition());
                    }
                }
            }
        });
        groups.values().forEach(ClassicGroup::cancelTimers);
        groups.clear();
        final Map<String, ClassicGroup> loaded = new HashMap<>();
        metadata.values().forEach(m -> loaded.put(m.groupId(), ClassicGroup.fromRecord(m)));
        offsets.forEach((groupId, byKey) -> {
            if (byKey.isEmpty()) {
                return;
            }
            final ClassicGroup group = loaded.computeIfAbsent(groupId, g -> new ClassicGroup(g, nowMs()));
            byKey.values().forEach(c -> group.putOffset(c.topic(), c.partition(), new CommittedOffset(c.offset(),
                    c.leaderEpoch(), c.metadata() == null ? "" : c.metadata(), c.commitTimestampMs(),
                    c.expireTimestampMs())));
        });
        groups.putAll(loaded);
        return all();
    }
}
