package io.runnel.metadata.controller;

import io.runnel.metadata.Nullable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * One topic of a CreatePartitions request: grow {@code topic} to {@code totalCount} partitions,
 * placing the new ones on {@code assignments} (one replica list per new partition) or, when null,
 * on the controller's choice of brokers.
 */
public record CreatePartitionsSpec(
        String topic, int totalCount, @Nullable List<List<Integer>> assignments) {
    public CreatePartitionsSpec {
        Objects.requireNonNull(topic, "topic");
        if (assignments != null) {
            final List<List<Integer>> copy = new ArrayList<>(assignments.size());
            for (final List<Integer> replicas : assignments) {
                copy.add(replicas == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(replicas)));
            }
            assignments = Collections.unmodifiableList(copy);
        }
    }
}
