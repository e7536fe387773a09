package io.runnel.quorum;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fetch requests waiting for a batch after their offset: each is answered at the first apply that gives it
 * something ({@link #wake}), or empty once its wait passes.
 *
 * <p>The state machine adds a waiter under its own lock, right after finding nothing to answer, and wakes the
 * waiters after every apply with that lock released; so no apply is missed, and the lock order is always the
 * state machine's lock, then this object's monitor, never the reverse.
 */
final class LongPolls {
    private static final Logger LOG = LoggerFactory.getLogger(LongPolls.class);

    private record Waiter(FetchRequest request, CompletableFuture<FetchResponse> reply) {}

    private final ScheduledExecutorService timer;
    private final List<Waiter> waiters = new ArrayList<>();

    LongPolls(final ScheduledExecutorService timer) {
        this.timer = timer;
    }

    /**
     * A reply that completes when {@link #wake} finds an answer for {@code request}, or with {@code empty} after
     * the request's wait.
     */
    CompletableFuture<FetchResponse> await(final FetchRequest request, final Supplier<FetchResponse> empty) {
        final Waiter waiter = new Waiter(request, new CompletableFuture<>());
        synchronized (this) {
            waiters.add(waiter);
        }
        final ScheduledFuture<?> timeout =
                timer.schedule(() -> waiter.reply().complete(empty.get()), request.maxWaitMs(), TimeUnit.MILLISECONDS);
        waiter.reply().whenComplete((response, error) -> {
            remove(waiter);
            timeout.cancel(false);
        });
        return waiter.reply();
    }

    /** Answers every waiter {@code answer} has something for (null: still nothing). */
    void wake(final Function<FetchRequest, FetchResponse> answer) {
        final List<Waiter> waiting;
        synchronized (this) {
            if (waiters.isEmpty()) {
                return;
            }
            waiting = List.copyOf(waiters);
        }
        for (final Waiter waiter : waiting) {
            try {
                final FetchResponse response = answer.apply(waiter.request());
                if (response != null) {
                    waiter.reply().complete(response);
                }
            } catch (final RuntimeException e) {
                LOG.warn(
                        "Cannot answer a metadata fetch from offset {}",
                        waiter.request().fromOffset(),
                        e);
                waiter.reply().completeExceptionally(e);
            }
        }
    }

    /** Answers every waiter with {@code empty} at once, for a closing server. */
    void release(final Supplier<FetchResponse> empty) {
        final List<Waiter> waiting;
        synchronized (this) {
            waiting = List.copyOf(waiters);
        }
        for (final Waiter waiter : waiting) {
            waiter.reply().complete(empty.get());
        }
    }

    private synchronized void remove(final Waiter waiter) {
        waiters.remove(waiter);
    }
}
