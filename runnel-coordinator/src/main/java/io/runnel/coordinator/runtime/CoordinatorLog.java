package io.runnel.coordinator.runtime;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;

/**
 * Appends a coordinator's records to its {@link CoordinatorStore} and brings the outcome back to the coordinator's
 * owner thread, so that what follows an append runs where the state lives.
 *
 * @param <R> the coordinator's record type
 */
public class CoordinatorLog<R> {
    private final CoordinatorStore<R> store;
    private final Scheduler scheduler;

    public CoordinatorLog(final CoordinatorStore<R> store, final Scheduler scheduler) {
        this.store = store;
        this.scheduler = scheduler;
    }

    /**
     * Appends the records of one key; the returned future completes on the owner thread once the store has
     * them (or exceptionally with the store's error, unwrapped).
     */
    public final CompletableFuture<Void> append(final String key, final List<R> records) {
        final CompletableFuture<Void> onOwner = new CompletableFuture<>();
        CompletableFuture<Void> appended;
        try {
            appended = store.append(key, records);
        } catch (final RuntimeException e) {
            appended = CompletableFuture.failedFuture(e);
        }
        appended.whenComplete((ignored, failure) -> {
            try {
                scheduler.execute(() -> {
                    if (failure != null) {
                        onOwner.completeExceptionally(Failures.unwrap(failure));
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
    public final String toString() {
        return store.toString();
    }
}
