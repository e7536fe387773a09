package io.runnel.coordinator.runtime;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * Durable storage of a coordinator's records, keyed by what the coordinator coordinates (a group id, later a
 * transactional id). The records of one key go to one partition of the coordinator's internal topic, so they share
 * the log's durability and, later, its replication; see {@link PartitionBackedStore}.
 *
 * @param <R> the coordinator's record type
 */
public interface CoordinatorStore<R> {
    /**
     * Appends {@code records}, all of one key, in order; completes once they are in the log, or exceptionally with a
     * kafka-clients {@code ApiException} (e.g. COORDINATOR_NOT_AVAILABLE while the topic does not exist,
     * KAFKA_STORAGE_ERROR).
     */
    CompletableFuture<Void> append(String key, List<R> records);

    /** Every record written so far, partition by partition in offset order, for loading at start-up. */
    void replay(Consumer<R> consumer);
}
