package io.runnel.coordinator.group;

import io.runnel.coordinator.group.store.GroupRecord;
import io.runnel.coordinator.group.store.GroupStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/** A {@link GroupStore} in memory that records every append; appends complete at once unless told to fail. */
final class RecordingGroupStore implements GroupStore {
    private final List<GroupRecord> records = new ArrayList<>();
    private RuntimeException failure;

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
    public void replay(final Consumer<GroupRecord> consumer) {
        List.copyOf(records).forEach(consumer);
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
