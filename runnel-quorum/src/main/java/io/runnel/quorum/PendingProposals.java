package io.runnel.quorum;

import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The proposals made on this node that have not completed yet, so none waits forever: each fails once its timeout
 * passes, and all fail at once when this node stops leading ({@link #failAll}). A proposal that fails here may
 * still commit (a new leader commits what the old one replicated), so callers follow the commit listener, as the
 * {@link io.runnel.metadata.log.MetadataLog} contract says. Thread-safe.
 */
final class PendingProposals {
    private final Set<CompletableFuture<Long>> pending = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService timer;

    PendingProposals(final ScheduledExecutorService timer) {
        this.timer = timer;
    }

    /**
     * A future that completes as {@code proposal} does, or with {@code onTimeout}'s exception after {@code
     * timeoutMs}, or with {@link #failAll}'s.
     */
    CompletableFuture<Long> track(
            final CompletableFuture<Long> proposal,
            final long timeoutMs,
            final Supplier<? extends RuntimeException> onTimeout) {
        final CompletableFuture<Long> result = new CompletableFuture<>();
        pending.add(result);
        final ScheduledFuture<?> timeout =
                timer.schedule(() -> result.completeExceptionally(onTimeout.get()), timeoutMs, TimeUnit.MILLISECONDS);
        result.whenComplete((offset, error) -> {
            pending.remove(result);
            timeout.cancel(false);
        });
        proposal.whenComplete((offset, error) -> {
            if (error == null) {
                result.complete(offset);
            } else {
                result.completeExceptionally(error);
            }
        });
        return result;
    }

    void failAll(final Supplier<? extends RuntimeException> failure) {
        for (final CompletableFuture<Long> proposal : pending) {
            proposal.completeExceptionally(failure.get());
        }
    }

    int size() {
        return pending.size();
    }
}
