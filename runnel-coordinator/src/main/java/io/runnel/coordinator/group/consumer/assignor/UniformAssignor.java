package io.runnel.coordinator.group.consumer.assignor;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.common.Uuid;

/**
 * The {@code "uniform"} server-side assignor.
 *
 * <p>Every partition of every subscribed (and known) topic is assigned to exactly one member that
 * subscribes to the topic. The assignment is balanced and sticky:
 * <ol>
 *   <li>Each member keeps the partitions it currently owns that are still valid (topic known and
 *       subscribed, partition in range, not already claimed by another member).</li>
 *   <li>Partitions nobody kept are handed out one by one to the least-loaded eligible member,
 *       partitions of topics with fewer subscribers first.</li>
 *   <li>While some member holds at least two more partitions than another member that could take
 *       one of them, one partition moves from the most loaded to the least loaded such member
 *       (partitions the donor did not own before are moved first).</li>
 * </ol>
 * When all members share the same subscriptions this yields member counts differing by at most one
 * with the minimum number of moved partitions; for heterogeneous subscriptions step 3 is a
 * best-effort local balancing.
 */
public final class UniformAssignor implements PartitionAssignor {

    public static final String NAME = "uniform";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public GroupAssignment assign(GroupSpec group, Map<Uuid, Integer> partitionsPerTopic) {
        return new Builder(group, partitionsPerTopic).build();
    }

    private record Tp(Uuid topicId, int partition) implements Comparable<Tp> {
        private static final Comparator<Tp> ORDER =
                Comparator.comparing(Tp::topicId).thenComparingInt(Tp::partition);

        @Override
        public int compareTo(Tp other) {
            return ORDER.compare(this, other);
        }
    }

    private static final class Builder {
        private final Map<Uuid, Integer> partitionsPerTopic;
        /** Member ids in sorted order, for determinism. */
        private final List<String> memberIds;

        private final Map<String, Set<Uuid>> subscriptions = new HashMap<>();
        private final Map<String, TreeSet<Tp>> owned = new HashMap<>();
        private final Map<String, TreeSet<Tp>> target = new HashMap<>();
        /** Subscribers of each known, subscribed topic, sorted by member id. */
        private final Map<Uuid, List<String>> subscribers = new TreeMap<>();

        Builder(GroupSpec group, Map<Uuid, Integer> partitionsPerTopic) {
            this.partitionsPerTopic = partitionsPerTopic;
            this.memberIds = new ArrayList<>(new TreeSet<>(group.members().keySet()));
            for (String memberId : memberIds) {
                MemberSpec spec = group.members().get(memberId);
                Set<Uuid> subscribed = new HashSet<>();
                for (Uuid topicId : spec.subscribedTopicIds()) {
                    if (partitionCount(topicId) > 0) {
                        subscribed.add(topicId);
                        subscribers
                                .computeIfAbsent(topicId, t -> new ArrayList<>())
                                .add(memberId);
                    }
                }
                subscriptions.put(memberId, subscribed);
                TreeSet<Tp> current = new TreeSet<>();
                spec.currentAssignment()
                        .forEach((topicId, partitions) -> partitions.forEach(p -> current.add(new Tp(topicId, p))));
                owned.put(memberId, current);
                target.put(memberId, new TreeSet<>());
            }
        }

        private int partitionCount(Uuid topicId) {
            Integer count = partitionsPerTopic.get(topicId);
            return count == null ? 0 : count;
        }

        GroupAssignment build() {
            Set<Tp> assigned = retainCurrentAssignments();
            assignUnassigned(assigned);
            balance();
            Map<String, Map<Uuid, Set<Integer>>> result = new HashMap<>();
            for (String memberId : memberIds) {
                Map<Uuid, Set<Integer>> byTopic = new HashMap<>();
                for (Tp tp : target.get(memberId)) {
                    byTopic.computeIfAbsent(tp.topicId(), t -> new TreeSet<>()).add(tp.partition());
                }
                result.put(memberId, byTopic);
            }
            return new GroupAssignment(result);
        }

        /** Step 1: keep valid current partitions; the first member (by id) wins a duplicate claim. */
        private Set<Tp> retainCurrentAssignments() {
            Set<Tp> assigned = new HashSet<>();
            for (String memberId : memberIds) {
                Set<Uuid> subscribed = subscriptions.get(memberId);
                for (Tp tp : owned.get(memberId)) {
                    boolean valid = subscribed.contains(tp.topicId())
                            && tp.partition() >= 0
                            && tp.partition() < partitionCount(tp.topicId());
                    if (valid && assigned.add(tp)) {
                        target.get(memberId).add(tp);
                    }
                }
            }
            return assigned;
        }

        /** Step 2: hand out the remaining partitions to the least-loaded eligible member. */
        private void assignUnassigned(Set<Tp> assigned) {
            List<Uuid> topics = new ArrayList<>(subscribers.keySet());
            // Most constrained topics first, so that flexible topics can fill in around them.
            topics.sort(Comparator.comparingInt((Uuid t) -> subscribers.get(t).size())
                    .thenComparing(Comparator.naturalOrder()));
            for (Uuid topicId : topics) {
                List<String> eligible = subscribers.get(topicId);
                int count = partitionCount(topicId);
                for (int p = 0; p < count; p++) {
                    Tp tp = new Tp(topicId, p);
                    if (assigned.contains(tp)) {
                        continue;
                    }
                    String leastLoaded = eligible.get(0);
                    for (String candidate : eligible) {
                        if (target.get(candidate).size()
                                < target.get(leastLoaded).size()) {
                            leastLoaded = candidate;
                        }
                    }
                    target.get(leastLoaded).add(tp);
                    assigned.add(tp);
                }
            }
        }

        /**
         * Step 3: move single partitions from heavily to lightly loaded members while that helps.
         * Each move strictly decreases the sum of squared member loads, so the loop terminates.
         */
        private void balance() {
            Comparator<String> byLoad = Comparator.comparingInt(
                            (String m) -> target.get(m).size())
                    .thenComparing(Comparator.naturalOrder());
            boolean moved = true;
            while (moved) {
                moved = false;
                List<String> ascending = new ArrayList<>(memberIds);
                ascending.sort(byLoad);
                search:
                for (int d = ascending.size() - 1; d > 0; d--) {
                    String donor = ascending.get(d);
                    int donorLoad = target.get(donor).size();
                    for (int r = 0; r < d; r++) {
                        String receiver = ascending.get(r);
                        if (target.get(receiver).size() + 1 >= donorLoad) {
                            break; // receivers are sorted by load; none further can help
                        }
                        Tp movable = pickMovable(donor, receiver);
                        if (movable != null) {
                            target.get(donor).remove(movable);
                            target.get(receiver).add(movable);
                            moved = true;
                            break search;
                        }
                    }
                }
            }
        }

        /**
         * A partition of {@code donor} that {@code receiver} may take: preferably one the donor did
         * not own before this assignment (so it keeps its own partitions), otherwise its highest one.
         */
        private Tp pickMovable(String donor, String receiver) {
            Set<Uuid> receiverTopics = subscriptions.get(receiver);
            Set<Tp> donorOwned = owned.get(donor);
            Tp fallback = null;
            for (Iterator<Tp> it = target.get(donor).descendingIterator(); it.hasNext(); ) {
                Tp tp = it.next();
                if (!receiverTopics.contains(tp.topicId())) {
                    continue;
                }
                if (!donorOwned.contains(tp)) {
                    return tp;
                }
                if (fallback == null) {
                    fallback = tp;
                }
            }
            return fallback;
        }
    }
}
