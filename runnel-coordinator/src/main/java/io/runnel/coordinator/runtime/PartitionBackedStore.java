package io.runnel.coordinator.runtime;

import io.runnel.replication.Partition;
import io.runnel.replication.Partitions;
import io.runnel.storage.LogSlice;
import io.runnel.storage.log.StorageIo;
import java.io.EOFException;
import java.nio.ByteBuffer;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.errors.CoordinatorNotAvailableException;
import org.apache.kafka.common.errors.CorruptRecordException;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.record.internal.SimpleRecord;

/**
 * A {@link CoordinatorStore} on the partitions of a coordinator's internal topic ({@code __consumer_offsets} for
 * groups): the records of one key go to partition {@link #partitionFor(String, int) partitionFor(key, partitions)}
 * as one uncompressed magic v2 batch (CreateTime = now, no producer id), one Kafka record per coordinator record in
 * the format of the coordinator's {@link CoordinatorRecordSerde}. The batch is appended like a produce request,
 * through {@link Partition#appendAsLeader}, so it is checked, indexed, recovered and (later) replicated like any
 * other.
 *
 * <p>Threading: no state of its own besides the final fields. {@link #append} runs on the calling thread (the
 * log's lock serialises it with other appends to that partition; like a produce it is a write into the page
 * cache, not an fsync) and returns a completed future. A {@link Replay} reads on the calling thread without
 * taking the log's lock, up to the high watermark it saw when it started its partition.
 *
 * @param <R> the coordinator's record type
 */
public final class PartitionBackedStore<R> implements CoordinatorStore<R> {
    /** Bytes asked of the log per read; a larger batch still comes whole. */
    private static final int READ_BYTES = 1024 * 1024;

    private final String topic;
    private final Partitions partitions;
    private final int numPartitions;
    private final CoordinatorRecordSerde<R> serde;
    private final InstantSource clock;
    private final String reader;

    /**
     * @param topic         the coordinator's internal topic
     * @param partitions    the partitions this broker leads, where {@code topic} appears once created
     * @param numPartitions the topic's partition count ({@code offsets.topic.num.partitions} for groups)
     * @param serde         the records' format in the topic
     * @param clock         the records' CreateTime
     * @param reader        who reads at load, for error messages ("the group coordinator")
     */
    public PartitionBackedStore(
            final String topic,
            final Partitions partitions,
            final int numPartitions,
            final CoordinatorRecordSerde<R> serde,
            final InstantSource clock,
            final String reader) {
        if (numPartitions < 1) {
            throw new IllegalArgumentException(
                    "The partition count of " + topic + " must be at least 1, was " + numPartitions);
        }
        this.topic = Objects.requireNonNull(topic, "topic");
        this.partitions = Objects.requireNonNull(partitions, "partitions");
        this.numPartitions = numPartitions;
        this.serde = Objects.requireNonNull(serde, "serde");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.reader = Objects.requireNonNull(reader, "reader");
    }

    /**
     * The partition of the topic that holds {@code key}: {@code Utils.abs(key.hashCode()) % numPartitions}, exactly as
     * Kafka computes it for groups and transactional ids, so a key keeps its partition when a cluster moves between
     * Kafka and Runnel.
     */
    public static int partitionFor(final String key, final int numPartitions) {
        return abs(key.hashCode()) % numPartitions;
    }

    /** Kafka's {@code Utils.abs}: {@link Math#abs} except that {@link Integer#MIN_VALUE} maps to 0. */
    static int abs(final int n) {
        return n == Integer.MIN_VALUE ? 0 : Math.abs(n);
    }

    /**
     * Appends the records as one batch to the key's partition.
     *
     * @return completed once the batch is in the log (and fsync'd, when the partition's {@code flush.messages} asked
     *         for it); failed with {@link CoordinatorNotAvailableException} if this
     *         broker does not have that partition (the topic is not created yet, or its log is offline), with the
     *         log's exception if the append fails ({@code KafkaStorageException}, {@code RecordTooLargeException}),
     *         or with {@link IllegalArgumentException} if a record belongs to another key
     */
    @Override
    public CompletableFuture<Void> append(final String key, final List<R> records) {
        try {
            if (records.isEmpty()) {
                return CompletableFuture.completedFuture(null);
            }
            final int index = partitionFor(key, numPartitions);
            final Partition partition = partitions.get(topic, index);
            if (partition == null) {
                return CompletableFuture.failedFuture(new CoordinatorNotAvailableException("Partition " + index + " of "
                        + topic + " (" + serde.keyKind() + " " + key + ") is not available on this broker"));
            }
            // with flush.messages (log.flush.interval.messages=1: fsync before acknowledging) a commit waits for its
            // fsync like a produce does
            return partition.appendAsLeader(batch(key, records, clock.millis())).flushed();
        } catch (final RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** One uncompressed magic v2 batch holding {@code records} in order. */
    private ByteBuffer batch(final String key, final List<R> records, final long timestampMs) {
        final SimpleRecord[] simple = new SimpleRecord[records.size()];
        for (int i = 0; i < simple.length; i++) {
            final R record = records.get(i);
            final String recordKey = serde.coordinatorKey(record);
            if (!key.equals(recordKey)) {
                throw new IllegalArgumentException("Record of " + serde.keyKind() + " " + recordKey
                        + " in an append for " + serde.keyKind() + " " + key);
            }
            simple[i] = new SimpleRecord(timestampMs, serde.key(record), serde.value(record));
        }
        return MemoryRecords.withRecords(
                        RecordBatch.MAGIC_VALUE_V2, 0L, Compression.NONE, TimestampType.CREATE_TIME, simple)
                .buffer();
    }

    @Override
    public int numPartitions() {
        return numPartitions;
    }

    @Override
    public int partitionFor(final String key) {
        return partitionFor(key, numPartitions);
    }

    /**
     * Reads partition {@code index} from its log start offset to the high watermark it has now, one read of about
     * {@value #READ_BYTES} bytes (or one larger batch) per {@link Replay#next step}. Control batches are skipped.
     *
     * @throws CoordinatorNotAvailableException if this broker does not have the partition
     */
    @Override
    public Replay<R> replay(final int index) {
        final Partition partition = partitions.get(topic, index);
        if (partition == null) {
            throw new CoordinatorNotAvailableException(
                    "Partition " + index + " of " + topic + " is not available on this broker");
        }
        return new PartitionReplay(partition);
    }

    /**
     * Hands every record of every partition of the topic this broker has to {@code consumer}:
     * partitions in index order, each from its log start offset to its high watermark in offset order. Control
     * batches are skipped. Nothing is read if the topic does not exist.
     *
     * @throws CorruptRecordException if a batch fails its CRC or a record does not decode; the message names the
     *                                partition and offset
     * @throws org.apache.kafka.common.errors.KafkaStorageException if the log cannot be read
     */
    public void replay(final Consumer<R> consumer) {
        final List<Partition> owned = new ArrayList<>();
        for (final Partition partition : partitions.all()) {
            if (partition.topicPartition().topic().equals(topic)) {
                owned.add(partition);
            }
        }
        owned.sort(Comparator.comparingInt(p -> p.topicPartition().partition()));
        for (final Partition partition : owned) {
            final PartitionReplay replay = new PartitionReplay(partition);
            boolean more = true;
            while (more) {
                more = replay.next(consumer);
            }
        }
    }

    /** One partition read back up to the high watermark it had when the replay began. */
    private final class PartitionReplay implements Replay<R> {
        private final Partition partition;
        private final long end;
        private long next;
        private ByteBuffer buffer = ByteBuffer.allocate(0);

        PartitionReplay(final Partition partition) {
            this.partition = partition;
            this.end = partition.highWatermark();
            this.next = partition.logStartOffset();
        }

        @Override
        public boolean next(final Consumer<R> consumer) {
            if (next >= end) {
                return false;
            }
            final LogSlice slice = partition.read(next, READ_BYTES, end, true);
            if (slice.isEmpty()) {
                next = end;
                return false;
            }
            if (buffer.capacity() < slice.sizeInBytes()) {
                buffer = ByteBuffer.allocate(Math.max(slice.sizeInBytes(), READ_BYTES));
            }
            buffer.clear().limit(slice.sizeInBytes());
            readFully(partition, slice, buffer);
            buffer.flip();
            final long before = next;
            for (final MutableRecordBatch batch :
                    MemoryRecords.readableRecords(buffer).batches()) {
                next = replayBatch(partition, batch, consumer);
            }
            if (next <= before) {
                throw new CorruptRecordException(
                        "Reading " + partition.topicPartition() + " at offset " + before + " made no progress");
            }
            return next < end;
        }
    }

    private long replayBatch(final Partition partition, final MutableRecordBatch batch, final Consumer<R> consumer) {
        try {
            batch.ensureValid();
        } catch (final CorruptRecordException e) {
            throw new CorruptRecordException(
                    "Batch at offset " + batch.baseOffset() + " of " + partition.topicPartition() + " is corrupt: "
                            + e.getMessage(),
                    e);
        }
        if (!batch.isControlBatch()) {
            for (final Record record : batch) {
                final R decoded;
                try {
                    decoded = serde.decode(record.key(), record.value());
                } catch (final CorruptRecordException e) {
                    throw new CorruptRecordException(
                            "Record at offset " + record.offset() + " of " + partition.topicPartition()
                                    + " does not decode: " + e.getMessage(),
                            e);
                }
                consumer.accept(decoded);
            }
        }
        return batch.nextOffset();
    }

    private void readFully(final Partition partition, final LogSlice slice, final ByteBuffer buffer) {
        StorageIo.run("reading " + partition.topicPartition() + " for " + reader, () -> {
            long position = slice.position();
            while (buffer.hasRemaining()) {
                final int read = slice.channel().read(buffer, position);
                if (read < 0) {
                    throw new EOFException("Segment ended at byte " + position + " inside a slice of "
                            + slice.sizeInBytes() + " bytes from " + slice.position());
                }
                position += read;
            }
        });
    }

    @Override
    public String toString() {
        return topic;
    }
}
