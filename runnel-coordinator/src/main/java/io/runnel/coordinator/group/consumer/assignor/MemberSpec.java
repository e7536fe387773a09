package io.runnel.coordinator.group.consumer.assignor;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.apache.kafka.common.Uuid;

/**
 * One member of a consumer group: the topics it subscribes to and the partitions it currently
 * owns (topic id to partition indexes).
 */
public record MemberSpec(Set<Uuid> subscribedTopicIds, Map<Uuid, Set<Integer>> currentAssignment) {

    public MemberSpec {
        subscribedTopicIds = Set.copyOf(Objects.requireNonNull(subscribedTopicIds, "subscribedTopicIds"));
        currentAssignment = deepCopy(Objects.requireNonNull(currentAssignment, "currentAssignment"));
    }

    /** A member with the given subscriptions and no partitions. */
    public static MemberSpec subscribedTo(Set<Uuid> subscribedTopicIds) {
        return new MemberSpec(subscribedTopicIds, Map.of());
    }

    static Map<Uuid, Set<Integer>> deepCopy(Map<Uuid, Set<Integer>> assignment) {
        Map<Uuid, Set<Integer>> copy = new HashMap<>();
        assignment.forEach((topic, partitions) -> copy.put(
                Objects.requireNonNull(topic, "topic id"),
                Set.copyOf(Objects.requireNonNull(partitions, "partitions"))));
        return Map.copyOf(copy);
    }
}
