package io.runnel.coordinator.group;

import io.runnel.coordinator.group.store.GroupRecord;
import io.runnel.coordinator.group.store.GroupStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * A {@link GroupStore} in memory that records every append; appends complete at once unless told to fail. Groups are
 * placed over {@code numPartitions} partitions as Kafka places them, and a replay hands over {@code recordsPerStep}
 * records per step.
 */
class RecordingGroupStore implements GroupStore {
    private final List<GroupRecord> records = new ArrayList<>();
    private final int numPartitions;
    private final int recordsPerStep;
    private RuntimeException failure;

    /** One partition, replayed in one step. */
    RecordingGroupStore() {
        this(1, Integer.MAX_VALUE);
    }

    RecordingGroupStore(final int numPartitions, final int recordsPerStep) {
        this.numPartitions = numPartitions;
        this.recordsPerStep = recordsPerStep;
    }

    @Override
    public CompletableFuture<Void> append(final String groupId, final List<GroupRecord> appended) {
        if (failure != null) {
            return CompletableFuture.failedFuture(failure);
        }
        for (final GroupRecord record : appended) {
            if (!record.groupId().equals(groupId)) {
                throw new IllegalArgumentException("record of " + record.groupId() + " appended for " + groupId);
            }
        }
        records.addAll(appended);
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public int numPartitions() {
        return numPartitions;
    }

    @Override
    public Replay<GroupRecord> replay(final int partition) {
        final List<GroupRecord> ofPartition = records.stream()
                .filter(r -> partitionFor(r.groupId()) == partition)
                .toList();
        return new Replay<>() {
            private int next;

            @Override
            public boolean next(final Consumer<GroupRecord> consumer) {
                final int end = (int) Math.min(ofPartition.size(), (long) next + recordsPerStep);
                ofPartition.subList(next, end).forEach(consumer);
                next = end;
                return next < ofPartition.size();
            }
        };
    }

    List<GroupRecord> records() {
        return List.copyOf(records);
    }

    <T extends GroupRecord> List<T> records(final Class<T> type) {
        return records.stream().filter(type::isInstance).map(type::cast).toList();
    }

    void failAppendsWith(final RuntimeException e) {
        this.failure = e;
    }
}
