package io.runnel.coordinator.runtime;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import org.apache.kafka.common.errors.NotCoordinatorException;

/**
 * Appends a coordinator's records to its {@link CoordinatorStore} and brings the outcome back to the coordinator's
 * owner thread, so that what follows an append runs where the state lives. A log is {@link #fence fenced} when the
 * state that writes through it is unloaded (this broker stopped leading its partition): a timer or callback of that
 * state that fires later cannot write over what the partition's next owner loaded.
 *
 * @param <R> the coordinator's record type
 */
public class CoordinatorLog<R> {
    private final CoordinatorStore<R> store;
    private final Scheduler scheduler;
    // Owner thread only.
    private boolean fenced;

    public CoordinatorLog(final CoordinatorStore<R> store, final Scheduler scheduler) {
        this.store = store;
        this.scheduler = scheduler;
    }

    /**
     * Appends the records of one key; the returned future completes on the owner thread once the store has
     * them (or exceptionally with the store's error, unwrapped).
     */
    public final CompletableFuture<Void> append(final String key, final List<R> records) {
        if (fenced) {
            return CompletableFuture.failedFuture(
                    new NotCoordinatorException("The coordinator of " + key + " was unloaded from this broker"));
        }
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

    /** From now on every append fails with NOT_COORDINATOR. Call on the owner thread. */
    public final void fence() {
        fenced = true;
    }

    @Override
    public final String toString() {
        return store.toString();
    }
}
