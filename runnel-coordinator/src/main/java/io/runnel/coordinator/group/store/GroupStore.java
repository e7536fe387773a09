package io.runnel.coordinator.group.store;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * Durable storage of the group coordinator's records. The implementation writes them to the partition of
 * {@code __consumer_offsets} that owns the group ({@code abs(groupId.hashCode()) % offsets.topic.num.partitions},
 * as in Kafka), so they share the log's durability and, later, its replication.
 */
public interface GroupStore {
    /**
     * Appends {@code records}, all of one group, in order; completes once they are in the log, or
     * exceptionally with a kafka-clients {@code ApiException} (e.g. COORDINATOR_NOT_AVAILABLE while the offsets
     * topic does not exist, KAFKA_STORAGE_ERROR).
     */
    CompletableFuture<Void> append(String groupId, List<GroupRecord> records);

    /** Every record written so far, partition by partition in offset order, for loading at start-up. */
    void replay(Consumer<GroupRecord> consumer);
}
