package io.runnel.metadata.controller;

import io.runnel.metadata.Nullable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One topic of a CreateTopics request. {@code numPartitions} and {@code replicationFactor} are -1
 * for the broker defaults, and must be -1 when {@code assignments} (partition -> replica broker
 * ids) is not empty. Config values may be null only to be rejected, as Kafka does.
 */
public record CreateTopicSpec(
        String name,
        int numPartitions,
        short replicationFactor,
        Map<Integer, List<Integer>> assignments,
        Map<String, @Nullable String> configs) {

    public CreateTopicSpec {
        Objects.requireNonNull(name, "name");
        final Map<Integer, List<Integer>> copy = new TreeMap<>();
        assignments.forEach((partition, replicas) -> copy.put(
                partition, replicas == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(replicas))));
        assignments = Collections.unmodifiableMap(copy);
        configs = Collections.unmodifiableMap(new LinkedHashMap<>(configs));
    }

    /** A topic with the given partition count and replication factor and no configs. */
    public static CreateTopicSpec of(final String name, final int numPartitions, final short replicationFactor) {
        return new CreateTopicSpec(name, numPartitions, replicationFactor, Map.of(), Map.of());
    }
}
