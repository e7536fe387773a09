package io.runnel.coordinator.group.consumer.assignor;

import java.util.Map;
import java.util.Objects;

/** The members of a consumer group, keyed by member id, as seen by a {@link PartitionAssignor}. */
public record GroupSpec(Map<String, MemberSpec> members) {

    public GroupSpec {
        members = Map.copyOf(Objects.requireNonNull(members, "members"));
    }
}
