package io.runnel.coordinator.group.consumer.assignor;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.apache.kafka.common.Uuid;

/** The target assignment computed by a {@link PartitionAssignor}: member id to topic id to partitions. */
public record GroupAssignment(Map<String, Map<Uuid, Set<Integer>>> members) {

    public GroupAssignment {
        Objects.requireNonNull(members, "members");
        Map<String, Map<Uuid, Set<Integer>>> copy = new HashMap<>();
        members.forEach((memberId, assignment) ->
                copy.put(Objects.requireNonNull(memberId, "member id"), MemberSpec.deepCopy(assignment)));
        members = Map.copyOf(copy);
    }

    /** The partitions assigned to {@code memberId}; empty if the member is unknown. */
    public Map<Uuid, Set<Integer>> assignmentOf(String memberId) {
        return members.getOrDefault(memberId, Map.of());
    }
}
