package io.runnel.coordinator.group.classic;

import io.runnel.coordinator.group.Group;
import io.runnel.coordinator.group.GroupConfig;
import io.runnel.coordinator.group.GroupDirectory;
import io.runnel.coordinator.group.GroupLog;
import io.runnel.coordinator.group.store.GroupRecord;
import io.runnel.coordinator.runtime.Scheduler;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.random.RandomGenerator;
import org.apache.kafka.common.errors.InconsistentGroupProtocolException;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.protocol.Errors;

/**
 * The classic groups, kept in the {@link GroupDirectory} beside the consumer groups, and what the operations on
 * them share: the group log, the owner thread's scheduler, the settings and the source of member ids. Owned by
 * the group coordinator's thread; not thread-safe.
 */
public final class ClassicGroups {
    private final GroupDirectory directory;
    private final GroupLog log;
    private final Scheduler scheduler;
    private final GroupConfig config;
    private final RandomGenerator random;

    public ClassicGroups(
            final GroupDirectory directory,
            final GroupLog log,
            final Scheduler scheduler,
            final GroupConfig config,
            final RandomGenerator random) {
        this.directory = directory;
        this.log = log;
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

    /** The classic group of this id; null when there is none (or the id names a consumer group). */
    ClassicGroup get(final String groupId) {
        return directory.get(groupId, ClassicGroup.class);
    }

    /**
     * A new Empty classic group. An empty consumer group of that id gives way to it and hands over its offsets, as
     * Kafka converts an empty group to the protocol of the member that joins it; the classic group's metadata
     * record, written when its first rebalance completes, supersedes the consumer group's in the store.
     *
     * @throws InconsistentGroupProtocolException when the id names a consumer group with members
     */
    ClassicGroup create(final String groupId) {
        final Group previous = directory.get(groupId);
        if (previous != null && !previous.isEmpty()) {
            throw new InconsistentGroupProtocolException(
                    "Group " + groupId + " is a consumer group with members; " + "a classic member cannot join it.");
        }
        final ClassicGroup group = new ClassicGroup(groupId, nowMs());
        if (previous != null) {
            group.offsets().takeOver(previous.offsets());
            previous.delete(nowMs());
        }
        directory.put(group);
        return group;
    }

    /** A classic group that only holds offsets (admin commits, simple consumers), created at start-up. */
    public Group createSimple(final String groupId) {
        return create(groupId);
    }

    /** Marks the group Dead, stops its timers and forgets it. */
    void remove(final ClassicGroup group) {
        group.delete(nowMs());
        directory.remove(group);
    }

    List<ClassicGroup> all() {
        return directory.all(ClassicGroup.class);
    }

    /** Kafka's member id: the instance id (static) or the client id, a dash, and a random UUID. */
    String newMemberId(final String clientId, final String groupInstanceId) {
        final UUID uuid = new UUID(
                random.nextLong() & 0xffffffffffff0fffL | 0x4000L,
                random.nextLong() & 0x3fffffffffffffffL | 0x8000000000000000L);
        return (groupInstanceId != null ? groupInstanceId : clientId) + "-" + uuid;
    }

    /** Appends the records of one group; completes on the owner thread once the store has them. */
    CompletableFuture<Void> append(final String groupId, final List<GroupRecord> records) {
        return log.append(groupId, records);
    }

    /**
     * A classic group with members of the consumer protocol type, as its metadata record would persist it now
     * (members, generation, selected protocol, each member's last assignment): what an upgrade to a consumer
     * group starts from. Null when the id names no such group.
     */
    public GroupRecord.GroupMetadata snapshotForUpgrade(final String groupId) {
        final ClassicGroup group = get(groupId);
        if (group == null || group.isEmpty() || !group.usesConsumerProtocol() || group.protocolName() == null) {
            return null;
        }
        return group.toRecord(group.currentAssignments());
    }

    /**
     * Retires the classic group an upgrade replaces: its parked JoinGroups and SyncGroups are answered
     * REBALANCE_IN_PROGRESS (the members rejoin the consumer group), its timers stop and it leaves the directory.
     */
    public void retire(final String groupId) {
        final ClassicGroup group = get(groupId);
        for (final ClassicMember m : group.members()) {
            m.completeJoin(new JoinGroupResponseData()
                    .setMemberId(m.memberId())
                    .setErrorCode(Errors.REBALANCE_IN_PROGRESS.code()));
            m.completeSync(Responses.syncError(Errors.REBALANCE_IN_PROGRESS));
        }
        remove(group);
    }

    /** The group as last persisted (Stable with its members, or Empty), put in the directory. */
    public Group restore(final GroupRecord.GroupMetadata record) {
        final ClassicGroup group = ClassicGroup.fromRecord(record);
        directory.put(group);
        return group;
    }
}
