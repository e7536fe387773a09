package io.runnel.coordinator.group.consumer;

import io.runnel.coordinator.group.GroupErrors;
import io.runnel.coordinator.group.consumer.assignor.GroupAssignment;
import io.runnel.coordinator.group.consumer.assignor.GroupSpec;
import io.runnel.coordinator.group.consumer.assignor.MemberSpec;
import io.runnel.coordinator.group.consumer.assignor.PartitionAssignor;
import io.runnel.coordinator.group.store.GroupRecord;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every change to a consumer group's membership goes through, whichever protocol the member speaks: the
 * group epoch bump, the target assignment with the server-side assignor, the member's reconciliation, the
 * session timer, fencing, and the records that persist all of it before the member hears the answer. Runs on
 * the group coordinator's thread; not thread-safe.
 */
final class MembershipChanges {
    private static final Logger LOG = LoggerFactory.getLogger(MembershipChanges.class);

    private final ConsumerGroups groups;
    private final ConsumerGroupConfig config;
    private final Subscriptions subscriptions;

    MembershipChanges(final ConsumerGroups groups) {
        this.groups = groups;
        this.config = groups.config();
        this.subscriptions = groups.subscriptions();
    }

    /**
     * Puts {@code updated} in place of {@code existing} (null for a new member), moves the group epoch on when
     * {@code bump} is set or the subscribed topics changed, computes the target of a new epoch and reconciles
     * the member against it. {@code records} gets what persists the changes.
     *
     * @param owned the partitions the member says it owns; null when it did not say
     * @return the member as reconciled, already in the group
     */
    ConsumerMember apply(
            final ConsumerGroup group,
            final ConsumerMember existing,
            final ConsumerMember updated,
            final boolean bump,
            final Map<Uuid, Set<Integer>> owned,
            final List<GroupRecord> records) {
        final Set<String> dirty = new LinkedHashSet<>();
        group.putMember(updated);
        final int groupEpochBefore = group.groupEpoch();
        final int assignmentEpochBefore = group.assignmentEpoch();
        if (refreshSubscribedTopics(group) || bump) {
            group.bumpGroupEpoch(groups.scheduler().nowMs());
        }
        if (group.groupEpoch() > group.assignmentEpoch()) {
            computeTargets(group, dirty);
        }
        final ConsumerMember reconciled = Reconciler.reconcile(
                updated, group.assignmentEpoch(), group.target(updated.memberId()), owned, group::owner);
        group.putMember(reconciled);
        if (!reconciled.equals(existing)) {
            dirty.add(reconciled.memberId());
        }
        if (group.groupEpoch() != groupEpochBefore || group.assignmentEpoch() != assignmentEpochBefore) {
            records.add(group.metadataRecord());
        }
        for (final String id : dirty) {
            final ConsumerMember m = group.member(id);
            if (m != null) {
                records.add(m.toRecord(group.groupId(), group.target(id)));
            }
        }
        return reconciled;
    }

    /**
     * Removes the members and moves the group epoch on once, or downgrades the group to a classic one when only
     * classic members remain ({@link Migrations}); {@code records} gets the tombstones.
     */
    void removeAndBump(final ConsumerGroup group, final List<String> memberIds, final List<GroupRecord> records) {
        for (final String memberId : memberIds) {
            group.removeMember(memberId);
            records.add(new GroupRecord.ConsumerMemberTombstone(group.groupId(), memberId));
        }
        if (groups.migrations().maybeDowngrade(group, records)) {
            return;
        }
        group.bumpGroupEpoch(groups.scheduler().nowMs());
        group.subscribedTopics(subscriptions.topicsOf(group.members()));
        records.add(group.metadataRecord());
    }

    /** Removes a member that broke a timer's promise, and persists that in the background. */
    void fence(final String groupId, final String memberId, final String why) {
        final ConsumerGroup group = groups.get(groupId);
        if (group == null || group.member(memberId) == null) {
            return;
        }
        LOG.info("Member {} of consumer group {} is fenced: {}", memberId, groupId, why);
        final List<GroupRecord> records = new ArrayList<>();
        removeAndBump(group, List.of(memberId), records);
        groups.append(groupId, records).whenComplete((ignored, failure) -> {
            if (failure != null) {
                LOG.warn(
                        "Could not persist the removal of member {} from consumer group {}",
                        memberId,
                        groupId,
                        failure);
            }
        });
    }

    /** (Re)starts the member's session: the group's timeout, or the member's own for a classic member. */
    void scheduleSession(final ConsumerGroup group, final String memberId) {
        final ConsumerMember member = group.member(memberId);
        final int timeoutMs =
                member != null && member.isClassic() ? member.classic().sessionTimeoutMs() : config.sessionTimeoutMs();
        final String groupId = group.groupId();
        group.sessionTimer(
                memberId,
                groups.scheduler()
                        .schedule(
                                timeoutMs, () -> fence(groupId, memberId, "no heartbeat within " + timeoutMs + " ms")));
    }

    /** The assignor most members ask for, else the first configured (Kafka's choice). */
    PartitionAssignor assignor(final ConsumerGroup group) {
        final Map<String, Integer> votes = new TreeMap<>();
        for (final ConsumerMember m : group.members()) {
            if (m.serverAssignor() != null && config.assignor(m.serverAssignor()) != null) {
                votes.merge(m.serverAssignor(), 1, Integer::sum);
            }
        }
        String chosen = null;
        int best = 0;
        for (final Map.Entry<String, Integer> e : votes.entrySet()) {
            if (e.getValue() > best) {
                chosen = e.getKey();
                best = e.getValue();
            }
        }
        return chosen == null ? config.assignors().get(0) : config.assignor(chosen);
    }

    /**
     * Completes {@code response} with {@code result} once {@code records} are stored, or with the store's error
     * made into the API's error response.
     */
    <R> void respondAfter(
            final String groupId,
            final List<GroupRecord> records,
            final R result,
            final Function<Errors, R> errorResponse,
            final CompletableFuture<R> response) {
        if (records.isEmpty()) {
            response.complete(result);
            return;
        }
        groups.append(groupId, records)
                .whenComplete((ignored, failure) -> response.complete(
                        failure == null ? result : errorResponse.apply(GroupErrors.fromStoreFailure(failure))));
    }

    /** Re-reads the subscribed topics from the metadata; true when they changed (created, deleted, grown). */
    private boolean refreshSubscribedTopics(final ConsumerGroup group) {
        final Map<String, ConsumerGroup.TopicShape> topics = subscriptions.topicsOf(group.members());
        if (topics.equals(group.subscribedTopics())) {
            return false;
        }
        group.subscribedTopics(topics);
        return true;
    }

    /** Computes the target assignment of the group epoch; {@code dirty} gets the members whose target moved. */
    private void computeTargets(final ConsumerGroup group, final Set<String> dirty) {
        final Map<String, ConsumerGroup.TopicShape> topics = group.subscribedTopics();
        final Map<String, MemberSpec> specs = new HashMap<>();
        for (final ConsumerMember m : group.members()) {
            specs.put(m.memberId(), new MemberSpec(subscriptions.topicIdsOf(m, topics), group.target(m.memberId())));
        }
        final Map<Uuid, Integer> partitionsPerTopic = new HashMap<>();
        topics.values().forEach(t -> partitionsPerTopic.put(t.id(), t.partitions()));
        final GroupAssignment assignment = assignor(group).assign(new GroupSpec(specs), partitionsPerTopic);
        for (final ConsumerMember m : group.members()) {
            final Map<Uuid, Set<Integer>> target = Partitions.copy(assignment.assignmentOf(m.memberId()));
            if (!target.equals(group.target(m.memberId()))) {
                group.target(m.memberId(), target);
                dirty.add(m.memberId());
            }
        }
        group.epochs(group.groupEpoch(), group.groupEpoch());
    }
}
