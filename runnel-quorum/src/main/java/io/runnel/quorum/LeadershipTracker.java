package io.runnel.quorum;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns Ratis' leader events into "ready leader" and "resigned" for a {@link LeadershipListener}.
 *
 * <p>Ratis' {@code notifyLeaderReady} says the leader's first entry of its term is being applied; entries
 * committed by then may still be waiting to apply. This node counts as the ready leader only once the applied
 * index has also reached the commit index as it was at that moment, so a controller activated here validates
 * against an image that holds everything committed before its term. Any sign of another leader (Ratis'
 * {@code notifyNotLeader}, {@code notifyLeaderChanged} to another peer or to none) or closing ends the term.
 *
 * <h2>Threading</h2>
 * The state machine calls in from Ratis' threads; the state is guarded by this object's monitor. The listener is
 * called on one thread of its own, {@code runnel-quorum-<node>-leadership}, in the order the events happened, so a
 * slow listener never holds up Ratis. {@link #isLeader()} is a volatile read for the proposing thread.
 */
final class LeadershipTracker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LeadershipTracker.class);
    private static final long NONE = -1;

    private final int nodeId;
    private final Runnable onResign;
    private final ExecutorService events;

    // Guarded by this.
    private @Nullable LeadershipListener listener;
    private long awaitedTerm = NONE;
    private long awaitedIndex;
    private boolean closed;
    // Written under this.
    private volatile long leaderTerm = NONE;

    /**
     * @param onResign run whenever a ready term ends, before the listener hears of it; it runs under this
     *     tracker's monitor, so it must only fail futures, never block
     */
    LeadershipTracker(final int nodeId, final Runnable onResign) {
        this.nodeId = nodeId;
        this.onResign = onResign;
        this.events = Executors.newSingleThreadExecutor(runnable -> {
            final Thread thread = new Thread(runnable, "runnel-quorum-" + nodeId + "-leadership");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Sets the one listener; if this node leads already, the listener hears so at once. */
    synchronized void setListener(final LeadershipListener listener) {
        if (this.listener != null) {
            throw new IllegalStateException("The metadata log already has a leadership listener");
        }
        this.listener = listener;
        final long term = leaderTerm;
        if (term != NONE) {
            post(() -> listener.onBecameLeader(term));
        }
    }

    /** Ratis' {@code notifyLeaderReady}: ready once {@code appliedIndex} reaches {@code commitIndex}. */
    synchronized void onLeaderReady(final long term, final long commitIndex, final long appliedIndex) {
        if (closed) {
            return;
        }
        awaitedTerm = term;
        awaitedIndex = commitIndex;
        onApplied(appliedIndex);
    }

    /** The state machine applied everything up to {@code appliedIndex}. */
    synchronized void onApplied(final long appliedIndex) {
        if (awaitedTerm == NONE || appliedIndex < awaitedIndex) {
            return;
        }
        final long term = awaitedTerm;
        awaitedTerm = NONE;
        leaderTerm = term;
        notifyAll();
        LOG.info("Node {} is the ready leader of the metadata quorum in term {}", nodeId, term);
        final LeadershipListener current = listener;
        if (current != null) {
            post(() -> current.onBecameLeader(term));
        }
    }

    /** This node does not lead (any more). */
    synchronized void onNotLeader() {
        awaitedTerm = NONE;
        final long term = leaderTerm;
        if (term == NONE) {
            return;
        }
        leaderTerm = NONE;
        LOG.info("Node {} no longer leads the metadata quorum (term {})", nodeId, term);
        onResign.run();
        final LeadershipListener current = listener;
        if (current != null) {
            post(() -> current.onResigned(term));
        }
    }

    /**
     * Waits until this node is the ready leader.
     *
     * @return false if it still is not after {@code timeoutMs}
     */
    synchronized boolean awaitLeader(final long timeoutMs) throws InterruptedException {
        final long deadline = System.nanoTime() + timeoutMs * 1_000_000;
        while (leaderTerm == NONE) {
            final long leftMs = (deadline - System.nanoTime()) / 1_000_000;
            if (leftMs <= 0 || closed) {
                return false;
            }
            wait(leftMs);
        }
        return true;
    }

    boolean isLeader() {
        return leaderTerm != NONE;
    }

    /** The term this node is the ready leader of, or -1. */
    long leaderTerm() {
        return leaderTerm;
    }

    private void post(final Runnable event) {
        if (events.isShutdown()) {
            return;
        }
        events.execute(() -> {
            try {
                event.run();
            } catch (final RuntimeException e) {
                LOG.error("Leadership listener of node {} failed", nodeId, e);
            }
        });
    }

    /** Ends the term if this node leads (the listener hears it), then stops the listener's thread. */
    @Override
    public void close() {
        onNotLeader();
        synchronized (this) {
            closed = true;
        }
        events.shutdown();
        try {
            if (!events.awaitTermination(10, TimeUnit.SECONDS)) {
                LOG.warn("Leadership listener of node {} did not finish within 10 s", nodeId);
            }
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
