package io.runnel.coordinator.runtime;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * Durable storage of a coordinator's records, keyed by what the coordinator coordinates (a group id, later a
 * transactional id). The records of one key go to one partition of the coordinator's internal topic, so they share
 * the log's durability and, later, its replication; the coordinator of a key is the leader of that partition. See
 * {@link PartitionBackedStore}.
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

    /** The number of partitions the keys are spread over. */
    int numPartitions();

    /** The partition that holds {@code key}'s records, as Kafka computes it. */
    default int partitionFor(final String key) {
        return PartitionBackedStore.partitionFor(key, numPartitions());
    }

    /**
     * The records of one partition in offset order, from its log start to the end it has now, read a bounded step at
     * a time so that loading a large partition does not hold the coordinator's thread.
     *
     * @throws org.apache.kafka.common.errors.CoordinatorNotAvailableException if this broker does not have the
     *     partition
     */
    Replay<R> replay(int partition);

    /** A partition being read back, step by step. Used by one thread at a time; not thread-safe. */
    interface Replay<R> {
        /**
         * Hands the records of the next step (about one read's worth) to {@code consumer}, in offset order.
         *
         * @return true while records remain after this step
         * @throws org.apache.kafka.common.errors.CorruptRecordException if a batch or record is corrupt
         * @throws org.apache.kafka.common.errors.KafkaStorageException if the log cannot be read
         */
        boolean next(Consumer<R> consumer);
    }
}
