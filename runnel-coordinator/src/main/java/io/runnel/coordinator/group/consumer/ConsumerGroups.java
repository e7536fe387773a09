package io.runnel.coordinator.group.consumer;

import io.runnel.coordinator.group.Group;
import io.runnel.coordinator.group.GroupDirectory;
import io.runnel.coordinator.group.GroupLog;
import io.runnel.coordinator.group.classic.ClassicGroups;
import io.runnel.coordinator.group.store.GroupRecord;
import io.runnel.coordinator.runtime.Scheduler;
import io.runnel.metadata.image.MetadataImage;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import org.apache.kafka.common.errors.GroupIdNotFoundException;

/**
 * The consumer groups, kept in the {@link GroupDirectory} beside the classic groups, and what the operations on
 * them share: the group log, the owner thread's scheduler, the settings and the subscriptions' view of the
 * metadata. Owned by the group coordinator's thread; not thread-safe.
 */
public final class ConsumerGroups {
    private final GroupDirectory directory;
    private final GroupLog log;
    private final Scheduler scheduler;
    private final ConsumerGroupConfig config;
    private final Subscriptions subscriptions;
    private final MembershipChanges changes;
    private final Migrations migrations;

    /**
     * @param classicGroups  the classic groups an upgrade replaces
     * @param classicMaxSize {@code group.max.size}: a downgrade does not make a larger classic group
     * @param adoptAsClassic makes the classic group of a downgrade from its record, taking the old group's offsets
     */
    public ConsumerGroups(
            final GroupDirectory directory,
            final GroupLog log,
            final Scheduler scheduler,
            final ConsumerGroupConfig config,
            final Supplier<MetadataImage> image,
            final ClassicGroups classicGroups,
            final int classicMaxSize,
            final BiConsumer<GroupRecord.GroupMetadata, Group> adoptAsClassic) {
        this.directory = directory;
        this.log = log;
        this.scheduler = scheduler;
        this.config = config;
        this.subscriptions = new Subscriptions(image);
        this.changes = new MembershipChanges(this);
        this.migrations = new Migrations(this, directory, classicGroups, classicMaxSize, adoptAsClassic);
    }

    Migrations migrations() {
        return migrations;
    }

    MembershipChanges changes() {
        return changes;
    }

    Scheduler scheduler() {
        return scheduler;
    }

    ConsumerGroupConfig config() {
        return config;
    }

    Subscriptions subscriptions() {
        return subscriptions;
    }

    ConsumerGroup get(final String groupId) {
        return directory.get(groupId, ConsumerGroup.class);
    }

    List<ConsumerGroup> all() {
        return directory.all(ConsumerGroup.class);
    }

    /**
     * The consumer group of this id. When there is none and {@code create} is set, a new one: it takes the place
     * (and the offsets) of an empty classic group of that id, as Kafka converts an empty group to the protocol of
     * the member that joins it, or upgrades a classic group with members ({@link Migrations}); {@code records}
     * gets what persists the change.
     *
     * @throws GroupIdNotFoundException when there is no such group and none may be made, or the id names a
     *                                  classic group that cannot be upgraded
     */
    ConsumerGroup getOrCreate(final String groupId, final boolean create, final List<GroupRecord> records) {
        final Group existing = directory.get(groupId);
        if (existing instanceof ConsumerGroup group) {
            return group;
        }
        if (existing != null && !create) {
            throw new GroupIdNotFoundException("Group " + groupId + " is not a consumer group.");
        }
        if (existing != null && !existing.isEmpty()) {
            return migrations.upgrade(existing, records);
        }
        if (!create) {
            throw new GroupIdNotFoundException("Consumer group " + groupId + " not found.");
        }
        final ConsumerGroup group = new ConsumerGroup(groupId);
        if (existing != null) {
            group.offsets().takeOver(existing.offsets());
            existing.delete(scheduler.nowMs());
            directory.remove(existing);
            records.add(existing.tombstone());
        }
        directory.put(group);
        records.add(group.metadataRecord());
        return group;
    }

    /** Appends the records of one group; completes on the owner thread once the store has them. */
    CompletableFuture<Void> append(final String groupId, final List<GroupRecord> records) {
        return log.append(groupId, records);
    }

    /** The group as last persisted, put in the directory; its members' sessions start when loading ends. */
    public Group restore(
            final GroupRecord.ConsumerGroupMetadata metadata, final List<GroupRecord.ConsumerMember> members) {
        final ConsumerGroup group = new ConsumerGroup(metadata.groupId());
        group.epochs(metadata.groupEpoch(), metadata.assignmentEpoch());
        for (final GroupRecord.ConsumerMember m : members) {
            group.putMember(ConsumerMember.fromRecord(m));
            group.target(m.memberId(), m.target());
        }
        group.subscribedTopics(subscriptions.topicsOf(group.members()));
        directory.put(group);
        return group;
    }
}
