package io.runnel.coordinator.group;

import io.runnel.coordinator.group.store.GroupRecord;
import io.runnel.coordinator.group.store.GroupStore;
import io.runnel.coordinator.runtime.Scheduler;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;

/**
 * Appends a group's records to the {@link GroupStore} and brings the outcome back to the group coordinator's
 * thread, so that what follows an append runs where the state lives.
 */
public final class GroupLog {
    private final GroupStore store;
    private final Scheduler scheduler;

    public GroupLog(final GroupStore store, final Scheduler scheduler) {
        this.store = store;
        this.scheduler = scheduler;
    }

    /**
     * Appends the records of one group; the returned future completes on the owner thread once the store has
     * them (or exceptionally with the store's error).
     */
    public CompletableFuture<Void> append(final String groupId, final List<GroupRecord> records) {
        final CompletableFuture<Void> onOwner = new CompletableFuture<>();
        CompletableFuture<Void> appended;
        try {
            appended = store.append(groupId, records);
        } catch (final RuntimeException e) {
            appended = CompletableFuture.failedFuture(e);
        }
        appended.whenComplete((ignored, failure) -> {
            try {
                scheduler.execute(() -> {
                    if (failure != null) {
                        onOwner.completeExceptionally(GroupErrors.unwrap(failure));
                    } else {
                        onOwner.complete(null);
                    }
                });
            } catch (final RejectedExecutionException closed) {
                onOwner.completeExceptionally(closed);
            }
        });
        return onOwner;
    }

    @Override
    public String toString() {
        return store.toString();
    }
}
