package io.runnel.metadata.log;

import io.runnel.metadata.record.MetadataRecord;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The durable, ordered sequence of metadata records. Every record has an offset: the first record
 * ever appended is offset 0, and offsets are dense, so a record's offset is the number of records
 * before it. Records arrive in batches, and a batch is committed whole or not at all.
 *
 * <p>Writing is split in two, as in a replicated state machine: {@link #propose} offers a batch,
 * and the log hands every committed batch, in offset order, to the one {@link CommitListener}
 * given to {@link #replay}, which applies it. Single node, this is {@link LocalMetadataLog}, one
 * file: a batch commits when it is forced to disk, and the listener runs on the proposing thread
 * before {@code propose} returns. Clustered, a Ratis-replicated log implements the same contract:
 * {@code replay} loads the snapshot and re-applies the log tail, the listener is driven from the
 * state machine's {@code applyTransaction} (on every node, for batches proposed by any leader), and
 * a proposal's future completes once the quorum has committed it and it has been applied locally.
 */
public interface MetadataLog extends AutoCloseable {
    /** Applies committed batches; the one place where the log's content becomes state. */
    @FunctionalInterface
    interface CommitListener {
        /**
         * Called once per committed batch, in offset order, one call at a time.
         *
         * @param batch the batch's records, in offset order
         * @param lastOffset the offset of the batch's last record
         */
        void onCommit(List<MetadataRecord> batch, long lastOffset);

        /**
         * Replaces all state with the state {@code records} build, applied in order from nothing; they
         * stand for the log up to {@code lastOffset}, and the next {@link #onCommit} continues from there.
         * A replicated log calls this instead of {@link #onCommit} for the batches a snapshot covers: in
         * {@link #replay} when it starts from a snapshot, and later when a lagging node is sent the
         * leader's snapshot. Called on the same terms as {@link #onCommit}; {@link LocalMetadataLog}
         * never calls it.
         *
         * @throws UnsupportedOperationException by default: such a listener suits only a log that never
         *     snapshots
         */
        default void onSnapshot(List<MetadataRecord> records, long lastOffset) {
            throw new UnsupportedOperationException(getClass().getName() + " cannot load a metadata snapshot");
        }

        /**
         * The state applied so far as records that rebuild it in order from nothing (for
         * {@link io.runnel.metadata.image.MetadataImage}, {@code toRecords()}), for a replicated log to
         * write a snapshot of. The log calls it between two {@link #onCommit} calls, never during one, so
         * the state is the one after the last batch applied.
         *
         * @throws UnsupportedOperationException by default, and the log then takes no snapshot
         */
        default List<MetadataRecord> currentState() {
            throw new UnsupportedOperationException(getClass().getName() + " cannot write a metadata snapshot");
        }
    }

    /**
     * Hands {@code listener} every batch committed so far, in offset order, before returning, and
     * from then on every batch committed later, each before its {@link #propose} future completes. A
     * log that keeps a snapshot instead of its oldest batches hands over the snapshot first
     * ({@link CommitListener#onSnapshot}) and then every batch after it.
     * A log has at most one listener, set here before the first proposal it must see; batches
     * committed while it has none are replayed to it here.
     *
     * @throws IllegalStateException if a listener was set already, or the log is closed
     * @throws org.apache.kafka.common.errors.KafkaStorageException if the log cannot be read
     */
    void replay(CommitListener listener);

    /**
     * Proposes a batch. The future completes with the offset of the batch's last record once the
     * batch is committed (it survives a crash; after a crash before that, either all of its records
     * or none are replayed) and has been handed to the {@link CommitListener}. It completes
     * exceptionally with {@link org.apache.kafka.common.errors.KafkaStorageException} if the log
     * cannot be written, or with what the listener threw (the batch is committed but not applied).
     * Single node, a storage failure means the batch was not appended; a replicated log may not know
     * (a timeout), so the state must follow the listener, never the future.
     *
     * @param batch one or more records
     * @throws IllegalArgumentException if the batch is empty, or larger than the log takes
     * @throws IllegalStateException if the log is closed
     */
    CompletableFuture<Long> propose(List<MetadataRecord> batch);

    /** The offset of the last record committed, or -1 while the log is empty. */
    long lastOffset();

    @Override
    void close();
}
