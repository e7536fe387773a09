package io.runnel.metadata.image;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.apache.kafka.common.Uuid;

/**
 * A topic: its partitions by index (iterated in index order) and its dynamic config overrides
 * (iterated in name order). Only overrides are here; defaults come from
 * {@link io.runnel.metadata.config.TopicConfigs#resolve}.
 */
public record TopicImage(String name, Uuid id, Map<Integer, PartitionImage> partitions, Map<String, String> configs) {
    public TopicImage {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(id, "id");
        partitions = Collections.unmodifiableMap(new TreeMap<>(partitions));
        configs = Collections.unmodifiableMap(new TreeMap<>(configs));
    }

    public int numPartitions() {
        return partitions.size();
    }

    /** The number of replicas of partition 0, or 0 for a topic without partitions. */
    public int replicationFactor() {
        final PartitionImage first = partitions.get(0);
        return first == null ? 0 : first.replicas().size();
    }
}
