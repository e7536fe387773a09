package io.runnel.coordinator.group.consumer;

import io.runnel.coordinator.group.Group;
import io.runnel.coordinator.group.GroupDirectory;
import io.runnel.coordinator.group.classic.ClassicGroups;
import io.runnel.coordinator.group.store.GroupRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiConsumer;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.GroupIdNotFoundException;

/**
 * Kafka's online migration of a group with members between the protocols, as {@code group.consumer.migration.
 * policy} allows. Upgrade: a consumer-protocol member joining a classic group turns it into a consumer group
 * whose members are the classic ones, at the classic generation, owning what they were last assigned; they
 * rejoin through {@link ClassicMembers} when the new member's arrival moves the epoch on. Downgrade: when the last
 * consumer-protocol member leaves, the classic members that remain become a classic group at the group epoch,
 * with their targets as assignments, and a classic rebalance starts. Runs on the group coordinator's thread.
 */
final class Migrations {
    private final ConsumerGroups groups;
    private final GroupDirectory directory;
    private final ClassicGroups classicGroups;
    private final int classicMaxSize;
    private final BiConsumer<GroupRecord.GroupMetadata, Group> adoptAsClassic;

    /**
     * @param adoptAsClassic makes the classic group of a downgrade from its record, taking the old group's offsets
     */
    Migrations(
            final ConsumerGroups groups,
            final GroupDirectory directory,
            final ClassicGroups classicGroups,
            final int classicMaxSize,
            final BiConsumer<GroupRecord.GroupMetadata, Group> adoptAsClassic) {
        this.groups = groups;
        this.directory = directory;
        this.classicGroups = classicGroups;
        this.classicMaxSize = classicMaxSize;
        this.adoptAsClassic = adoptAsClassic;
    }

    /**
     * The consumer group that replaces the classic group of this id; {@code records} gets what persists it.
     *
     * @throws GroupIdNotFoundException when the policy, the group's size, its protocol type or its members'
     *                                  assignments (a custom assignor's user data) do not allow it, as in Kafka
     */
    ConsumerGroup upgrade(final Group classic, final List<GroupRecord> records) {
        final String groupId = classic.groupId();
        final GroupRecord.GroupMetadata snapshot =
                groups.config().migrationPolicy().allowsUpgrade() ? classicGroups.snapshotForUpgrade(groupId) : null;
        if (snapshot == null || snapshot.members().size() > groups.config().maxSize()) {
            throw new GroupIdNotFoundException(
                    "Group " + groupId + " is a classic group that cannot be upgraded " + "to a consumer group.");
        }
        final int epoch = snapshot.generation();
        final List<ConsumerMember> members = new ArrayList<>();
        for (final GroupRecord.Member m : snapshot.members()) {
            members.add(converted(groupId, snapshot.protocol(), epoch, m));
        }
        final ConsumerGroup group = new ConsumerGroup(groupId);
        group.offsets().takeOver(classic.offsets());
        classicGroups.retire(groupId);
        records.add(classic.tombstone());
        group.epochs(epoch, epoch);
        for (final ConsumerMember m : members) {
            group.putMember(m);
            group.target(m.memberId(), m.assigned());
        }
        group.subscribedTopics(groups.subscriptions().topicsOf(group.members()));
        directory.put(group);
        records.add(group.metadataRecord());
        for (final ConsumerMember m : members) {
            records.add(m.toRecord(groupId, m.assigned()));
            groups.changes().scheduleSession(group, m.memberId());
        }
        return group;
    }

    private ConsumerMember converted(
            final String groupId, final String protocol, final int epoch, final GroupRecord.Member m) {
        try {
            final ConsumerPartitionAssignor.Subscription subscription =
                    ClassicProtocolCodec.subscription(m.subscription());
            final Map<Uuid, Set<Integer>> assigned =
                    ClassicProtocolCodec.assignment(m.assignment(), groups.subscriptions());
            return new ConsumerMember(
                    m.memberId(),
                    m.groupInstanceId(),
                    subscription.rackId().orElse(null),
                    m.clientId(),
                    m.clientHost(),
                    new ArrayList<>(new TreeSet<>(subscription.topics())),
                    null,
                    null,
                    m.rebalanceTimeoutMs(),
                    epoch,
                    epoch,
                    MemberState.STABLE,
                    assigned,
                    Map.of(),
                    new GroupRecord.ClassicMemberMetadata(
                            m.sessionTimeoutMs(),
                            List.of(new GroupRecord.ClassicProtocol(protocol, m.subscription()))));
        } catch (final IllegalArgumentException e) {
            throw new GroupIdNotFoundException("Group " + groupId + " cannot be upgraded to a consumer group: member "
                    + m.memberId() + "'s " + e.getMessage());
        }
    }

    /**
     * Turns the group into a classic group if only classic members remain and the policy allows it; {@code
     * records} gets the tombstones and the classic group's record.
     *
     * @return whether the group was downgraded (then it is gone from the consumer groups)
     */
    boolean maybeDowngrade(final ConsumerGroup group, final List<GroupRecord> records) {
        if (!groups.config().migrationPolicy().allowsDowngrade()
                || group.isEmpty()
                || group.size() > classicMaxSize
                || group.members().stream().anyMatch(m -> !m.isClassic())) {
            return false;
        }
        final String protocol = commonProtocol(group);
        if (protocol == null) {
            return false;
        }
        final List<GroupRecord.Member> members = new ArrayList<>();
        for (final ConsumerMember m : group.members()) {
            final byte[] subscription = m.classic().protocols().stream()
                    .filter(p -> p.name().equals(protocol))
                    .findFirst()
                    .orElseThrow()
                    .metadata();
            members.add(new GroupRecord.Member(
                    m.memberId(),
                    m.instanceId(),
                    m.clientId(),
                    m.clientHost(),
                    m.rebalanceTimeoutMs(),
                    m.classic().sessionTimeoutMs(),
                    subscription,
                    ClassicProtocolCodec.encodeAssignment(
                            group.target(m.memberId()), subscription, groups.subscriptions())));
            records.add(new GroupRecord.ConsumerMemberTombstone(group.groupId(), m.memberId()));
        }
        final GroupRecord.GroupMetadata classic = new GroupRecord.GroupMetadata(
                group.groupId(),
                "consumer",
                group.groupEpoch(),
                protocol,
                null,
                groups.scheduler().nowMs(),
                members);
        records.add(group.tombstone());
        records.add(classic);
        group.delete(groups.scheduler().nowMs());
        directory.remove(group);
        adoptAsClassic.accept(classic, group);
        return true;
    }

    /** The first protocol of the first member that every member supports, or null. */
    private static String commonProtocol(final ConsumerGroup group) {
        final ConsumerMember first = group.members().iterator().next();
        for (final GroupRecord.ClassicProtocol candidate : first.classic().protocols()) {
            if (group.members().stream()
                    .allMatch(m -> m.classic().protocols().stream()
                            .anyMatch(p -> p.name().equals(candidate.name())))) {
                return candidate.name();
            }
        }
        return null;
    }
}
