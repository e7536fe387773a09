package io.runnel.coordinator.group.consumer.assignor;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.common.Uuid;

/** Shared helpers and invariant checks for the assignor tests. */
final class AssignmentChecks {

    private AssignmentChecks() {}

    static Uuid topic(int n) {
        return new Uuid(0L, n + 1L);
    }

    static Set<Integer> range(int fromInclusive, int toExclusive) {
        Set<Integer> result = new TreeSet<>();
        for (int p = fromInclusive; p < toExclusive; p++) {
            result.add(p);
        }
        return result;
    }

    static int count(Map<Uuid, Set<Integer>> assignment) {
        return assignment.values().stream().mapToInt(Set::size).sum();
    }

    /** Members that subscribe to the topic. */
    static Set<String> subscribersOf(GroupSpec group, Uuid topicId) {
        Set<String> result = new HashSet<>();
        group.members().forEach((id, spec) -> {
            if (spec.subscribedTopicIds().contains(topicId)) {
                result.add(id);
            }
        });
        return result;
    }

    /**
     * Every member has an entry; every partition of a topic with at least one subscriber is
     * assigned exactly once, to a subscriber; nothing else is assigned.
     */
    static void assertValid(GroupSpec group, Map<Uuid, Integer> partitionsPerTopic, GroupAssignment assignment) {
        assertThat(assignment.members().keySet()).isEqualTo(group.members().keySet());
        Map<Uuid, Map<Integer, Integer>> seen = new HashMap<>();
        assignment
                .members()
                .forEach((memberId, byTopic) -> byTopic.forEach((topicId, partitions) -> {
                    assertThat(group.members().get(memberId).subscribedTopicIds())
                            .as("member %s must subscribe to topic %s", memberId, topicId)
                            .contains(topicId);
                    assertThat(partitionsPerTopic).containsKey(topicId);
                    for (int p : partitions) {
                        assertThat(p).isBetween(0, partitionsPerTopic.get(topicId) - 1);
                        seen.computeIfAbsent(topicId, t -> new HashMap<>()).merge(p, 1, Integer::sum);
                    }
                }));
        partitionsPerTopic.forEach((topicId, partitionCount) -> {
            Map<Integer, Integer> counts = seen.getOrDefault(topicId, Map.of());
            if (subscribersOf(group, topicId).isEmpty()) {
                assertThat(counts).as("topic %s has no subscriber", topicId).isEmpty();
            } else {
                for (int p = 0; p < partitionCount; p++) {
                    assertThat(counts.get(p))
                            .as("assignments of %s-%d", topicId, p)
                            .isEqualTo(1);
                }
            }
        });
    }

    static int spread(GroupAssignment assignment) {
        int max = assignment.members().values().stream()
                .mapToInt(AssignmentChecks::count)
                .max()
                .orElse(0);
        int min = assignment.members().values().stream()
                .mapToInt(AssignmentChecks::count)
                .min()
                .orElse(0);
        return max - min;
    }

    /** Number of partitions a member now holds that it did not hold before. */
    static int moved(GroupSpec before, GroupAssignment after) {
        int moved = 0;
        for (var entry : after.members().entrySet()) {
            MemberSpec spec = before.members().get(entry.getKey());
            Map<Uuid, Set<Integer>> previous = spec == null ? Map.of() : spec.currentAssignment();
            for (var topic : entry.getValue().entrySet()) {
                Set<Integer> had = previous.getOrDefault(topic.getKey(), Set.of());
                moved += (int)
                        topic.getValue().stream().filter(p -> !had.contains(p)).count();
            }
        }
        return moved;
    }
}
