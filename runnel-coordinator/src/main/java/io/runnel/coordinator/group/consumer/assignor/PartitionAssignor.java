package io.runnel.coordinator.group.consumer.assignor;

import java.util.Map;
import org.apache.kafka.common.Uuid;

/**
 * A server-side partition assignor for the KIP-848 consumer group protocol.
 *
 * <p>Implementations are pure functions: given the group's members (their subscriptions and the
 * partitions they currently own) and the partition count of every known topic, they compute the
 * target assignment. Topics that are subscribed to but absent from {@code partitionsPerTopic}
 * are ignored.
 */
public interface PartitionAssignor {

    /** The name clients use to select this assignor (e.g. {@code "uniform"}). */
    String name();

    /**
     * Computes the target assignment.
     *
     * @param group the members of the group
     * @param partitionsPerTopic number of partitions of every known topic, keyed by topic id
     * @return an assignment containing an entry (possibly empty) for every member of the group
     */
    GroupAssignment assign(GroupSpec group, Map<Uuid, Integer> partitionsPerTopic);
}
