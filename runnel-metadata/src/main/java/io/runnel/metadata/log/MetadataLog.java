package io.runnel.metadata.log;

import io.runnel.metadata.record.MetadataRecord;

import java.util.List;
import java.util.function.Consumer;

/**
 * The durable, ordered sequence of metadata records. Every record has an offset: the first record
 * ever appended is offset 0, and offsets are dense, so a record's offset is the number of records
 * before it.
 *
 * <p>Single node, this is {@link LocalMetadataLog}, one file. Clustered, a Ratis-replicated log
 * implements the same contract: {@link #append} returns once the batch is committed by the quorum.
 * The controller is the only writer; it calls these methods from its own thread.
 */
public interface MetadataLog extends AutoCloseable {
    /**
     * Appends a batch atomically and durably: when this returns, every record of the batch
     * survives a crash; after a crash during the call, either all of them or none are replayed.
     *
     * @param batch one or more records
     * @return the offset of the last record of the batch
     * @throws IllegalArgumentException if the batch is empty
     * @throws org.apache.kafka.common.errors.KafkaStorageException if the log cannot be written;
     *         the batch was not appended
     */
    long append(List<MetadataRecord> batch);

    /** Feeds every record appended so far to {@code consumer}, in offset order. */
    void replay(Consumer<MetadataRecord> consumer);

    /** The offset of the last record appended, or -1 while the log is empty. */
    long lastOffset();

    @Override
    void close();
}
