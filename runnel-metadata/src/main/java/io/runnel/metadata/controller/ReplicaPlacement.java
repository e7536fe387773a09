package io.runnel.metadata.controller;

import io.runnel.metadata.image.BrokerRegistration;
import io.runnel.metadata.image.MetadataImage;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.common.errors.InvalidReplicaAssignmentException;
import org.apache.kafka.common.errors.InvalidReplicationFactorException;

/**
 * Where new partitions' replicas go, and the checks on a replica list a request gives, shared by
 * {@link TopicCreations} and {@link PartitionCreations}. Stateless.
 */
final class ReplicaPlacement {
    private ReplicaPlacement() {}

    /**
     * The brokers new replicas may go to: the registered ones that are unfenced and not shutting down (KRaft places
     * replicas on fenced brokers only when it must, and never a leader), racks first: one broker of each rack in
     * turn (racks by name, brokers of a rack by id, brokers without a rack as one more rack), so consecutive
     * partitions, and the replicas of one partition, land on different racks while racks last, as Kafka's striped
     * placement does.
     */
    static List<Integer> usableBrokers(final MetadataImage image) {
        final Map<String, List<Integer>> byRack = new TreeMap<>();
        for (final BrokerRegistration broker : image.brokers().values()) {
            if (broker.isActive()) {
                byRack.computeIfAbsent(broker.rack() == null ? "" : broker.rack(), r -> new ArrayList<>())
                        .add(broker.brokerId());
            }
        }
        final List<Integer> ordered = new ArrayList<>();
        for (int i = 0;
                ordered.size() < byRack.values().stream().mapToInt(List::size).sum();
                i++) {
            for (final List<Integer> rack : byRack.values()) {
                if (i < rack.size()) {
                    ordered.add(rack.get(i));
                }
            }
        }
        return ordered;
    }

    /**
     * Round-robin placement over the usable brokers in the order given: partition p's replicas start
     * at broker index (start + p), where start depends on the topic name, so leaders spread.
     */
    static List<List<Integer>> place(
            final List<Integer> brokerIds,
            final String topic,
            final int firstPartition,
            final int count,
            final int replicationFactor) {
        if (brokerIds.isEmpty()) {
            throw new InvalidReplicationFactorException("Unable to replicate the partition " + replicationFactor
                    + " time(s): All brokers are currently fenced.");
        }
        if (replicationFactor > brokerIds.size()) {
            throw new InvalidReplicationFactorException("Unable to replicate the partition " + replicationFactor
                    + " time(s): The target replication factor of " + replicationFactor
                    + " cannot be reached because only "
                    + brokerIds.size() + " broker(s) are registered.");
        }
        requireUnreplicated(replicationFactor);
        final int n = brokerIds.size();
        final int start = Math.floorMod(topic.hashCode(), n);
        final List<List<Integer>> assignment = new ArrayList<>(count);
        for (int p = firstPartition; p < firstPartition + count; p++) {
            final List<Integer> replicas = new ArrayList<>(replicationFactor);
            for (int r = 0; r < replicationFactor; r++) {
                replicas.add(brokerIds.get(Math.floorMod(start + p + r, n)));
            }
            assignment.add(List.copyOf(replicas));
        }
        return assignment;
    }

    /**
     * Until partitions are replicated, a partition's data lives on its leader only: a second replica would be
     * listed in the ISR without holding the data, and elected leader with none of it. So a replication factor above
     * one is refused rather than recorded.
     */
    static void requireUnreplicated(final int replicationFactor) {
        if (replicationFactor > 1) {
            throw new InvalidReplicationFactorException("Unable to replicate the partition " + replicationFactor
                    + " time(s): Runnel does not replicate partitions yet; use a replication factor of 1.");
        }
    }

    static void validateReplicas(final MetadataImage current, final List<Integer> replicas) {
        if (replicas.isEmpty()) {
            throw new InvalidReplicaAssignmentException(
                    "The manual partition assignment includes an empty replica list.");
        }
        final Set<Integer> distinct = new HashSet<>();
        for (final Integer broker : replicas) {
            if (broker == null) {
                throw new InvalidReplicaAssignmentException(
                        "The manual partition assignment includes a null broker id.");
            }
            if (!distinct.add(broker)) {
                throw new InvalidReplicaAssignmentException(
                        "The manual partition assignment includes the partition with duplicate replicas " + replicas
                                + ".");
            }
            if (!current.brokers().containsKey(broker)) {
                throw new InvalidReplicaAssignmentException("The manual partition assignment includes broker " + broker
                        + ", but no such broker is registered.");
            }
        }
    }
}
