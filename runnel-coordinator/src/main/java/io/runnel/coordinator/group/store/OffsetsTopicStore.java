package io.runnel.coordinator.group.store;

import io.runnel.coordinator.runtime.CoordinatorRecordSerde;
import io.runnel.coordinator.runtime.PartitionBackedStore;
import io.runnel.metadata.Nullable;
import io.runnel.replication.Partitions;
import java.nio.ByteBuffer;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * The {@link GroupStore} on {@code __consumer_offsets}: the runtime's {@link PartitionBackedStore} with the group
 * records of {@link GroupRecordSerde}, placed by group id as Kafka places them.
 */
public final class OffsetsTopicStore implements GroupStore {
    private static final CoordinatorRecordSerde<GroupRecord> SERDE = new CoordinatorRecordSerde<>() {
        @Override
        public String coordinatorKey(final GroupRecord record) {
            return record.groupId();
        }

        @Override
        public String keyKind() {
            return "group";
        }

        @Override
        public byte[] key(final GroupRecord record) {
            return GroupRecordSerde.key(record);
        }

        @Override
        public byte @Nullable [] value(final GroupRecord record) {
            return GroupRecordSerde.value(record);
        }

        @Override
        public GroupRecord decode(final @Nullable ByteBuffer key, final @Nullable ByteBuffer value) {
            return GroupRecordSerde.decode(key, value);
        }
    };

    private final PartitionBackedStore<GroupRecord> store;

    /**
     * @param partitions    the partitions this broker leads, where {@code __consumer_offsets} appears once created
     * @param numPartitions {@code offsets.topic.num.partitions}, see {@link OffsetsTopic#numPartitions}
     * @param clock         the records' CreateTime
     */
    public OffsetsTopicStore(final Partitions partitions, final int numPartitions, final InstantSource clock) {
        this.store = new PartitionBackedStore<>(
                OffsetsTopic.NAME, partitions, numPartitions, SERDE, clock, "the group coordinator");
    }

    /** The partition of {@code __consumer_offsets} that holds {@code groupId}, as Kafka computes it. */
    public static int partitionFor(final String groupId, final int numPartitions) {
        return PartitionBackedStore.partitionFor(groupId, numPartitions);
    }

    @Override
    public CompletableFuture<Void> append(final String groupId, final List<GroupRecord> records) {
        return store.append(groupId, records);
    }

    @Override
    public int numPartitions() {
        return store.numPartitions();
    }

    @Override
    public int partitionFor(final String groupId) {
        return store.partitionFor(groupId);
    }

    @Override
    public Replay<GroupRecord> replay(final int partition) {
        return store.replay(partition);
    }

    /** Every record of every partition of {@code __consumer_offsets} this broker has, partition by partition. */
    public void replay(final Consumer<GroupRecord> consumer) {
        store.replay(consumer);
    }

    @Override
    public String toString() {
        return store.toString();
    }
}
