package io.runnel.coordinator.runtime;

/**
 * What a coordinator hears of the partitions of its internal topic that this broker leads (Kafka's
 * {@code onElection}/{@code onResignation}): it coordinates the keys of a partition while it leads it. Told by a
 * {@link CoordinatorPublisher}; the implementation hands the work to its own thread.
 */
public interface PartitionLeadership {
    /** This broker leads {@code partition} at {@code leaderEpoch}: newly, or still at a later epoch. */
    void onElection(int partition, int leaderEpoch);

    /**
     * This broker no longer leads {@code partition}.
     *
     * @param leaderEpoch the partition's new leader epoch, or -1 when the partition is gone with its topic
     */
    void onResignation(int partition, int leaderEpoch);
}
