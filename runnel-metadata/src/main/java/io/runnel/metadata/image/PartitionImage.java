package io.runnel.metadata.image;

import java.util.List;

/** One partition's replica set and leadership. */
public record PartitionImage(
        List<Integer> replicas, List<Integer> isr, int leader, int leaderEpoch, int partitionEpoch) {
    public PartitionImage {
        replicas = List.copyOf(replicas);
        isr = List.copyOf(isr);
    }
}
