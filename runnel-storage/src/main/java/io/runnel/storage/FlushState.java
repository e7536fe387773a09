package io.runnel.storage;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * What a {@link PartitionLog} knows of its flushing: the recovery point (below it everything is fsync'd), when it
 * last flushed (for {@code flush.ms}), the records appended since a flush was last asked for by count (for
 * {@code flush.messages}), whether a flush is asked for and not started yet, and the appends waiting for one.
 *
 * <p>Thread safety: changed only under the owning log's append lock; the recovery point and the last flush time are
 * volatile for the lock-free readers (checkpoints, the flusher's {@code flush.ms} pass). The futures it hands back
 * are completed by the log outside its locks, since completing runs the waiters' continuations.
 */
final class FlushState {

    /** An append waiting for the recovery point to pass its last offset. */
    private record Waiter(long lastOffset, CompletableFuture<Void> flushed) {}

    /** Offset below which everything is fsync'd. */
    private volatile long recoveryPoint;

    private volatile long lastFlushMs;
    /** Records appended since the last flush was asked for by count. */
    private long unflushedMessages;
    /** A flush was asked for and has not started yet: the next one will cover every append until it starts. */
    private boolean flushRequested;
    /** In offset order, as appends are. */
    private final ArrayDeque<Waiter> waiters = new ArrayDeque<>();

    FlushState(final long recoveryPoint, final long nowMs) {
        this.recoveryPoint = recoveryPoint;
        this.lastFlushMs = nowMs;
    }

    long recoveryPoint() {
        return recoveryPoint;
    }

    long lastFlushMs() {
        return lastFlushMs;
    }

    /**
     * Counts the appended records against {@code flush.messages}; when they reach it (Kafka flushes inline then),
     * the append waits for a flush: returns its future, else {@link AppendResult#NOTHING_TO_AWAIT}.
     */
    CompletableFuture<Void> awaitIfDue(final int appendedRecords, final long lastOffset, final LogConfig cfg) {
        unflushedMessages += appendedRecords;
        if (cfg.flushIntervalMessages() == Long.MAX_VALUE || unflushedMessages < cfg.flushIntervalMessages()) {
            return AppendResult.NOTHING_TO_AWAIT;
        }
        // the flush this asks for covers these records, so the count starts again now
        unflushedMessages = 0;
        final CompletableFuture<Void> flushed = new CompletableFuture<>();
        waiters.addLast(new Waiter(lastOffset, flushed));
        return flushed;
    }

    /** Notes whether an append wants a flush; true when the flusher must be asked (none asked for is pending). */
    boolean request(final boolean wanted) {
        final boolean ask = wanted && !flushRequested;
        flushRequested |= wanted;
        return ask;
    }

    /** A flush begins: appends from here on ask for another, which will cover them. */
    void flushStarting() {
        flushRequested = false;
    }

    /** A flush found nothing to fsync. */
    void flushedNothing(final long nowMs) {
        lastFlushMs = nowMs;
    }

    /** A flush fsync'd everything below {@code end}: returns the appends it satisfied, for completing. */
    List<CompletableFuture<Void>> flushedTo(final long end, final long nowMs) {
        recoveryPoint = Math.max(recoveryPoint, end);
        lastFlushMs = nowMs;
        final List<CompletableFuture<Void>> done = new ArrayList<>();
        while (!waiters.isEmpty() && waiters.peekFirst().lastOffset() < end) {
            done.add(waiters.pollFirst().flushed());
        }
        return done;
    }

    /** Truncation took the log below the recovery point. */
    void lowerRecoveryPointTo(final long end) {
        recoveryPoint = Math.min(recoveryPoint, end);
    }

    /** Closing fsync'd the whole log, up to {@code end}. */
    void closedAt(final long end) {
        recoveryPoint = end;
    }

    /** Every waiting append (the log closed, went offline, or was closed before its flush), for completing. */
    List<CompletableFuture<Void>> takeWaiters() {
        final List<CompletableFuture<Void>> all = new ArrayList<>(waiters.size());
        for (final Waiter waiter : waiters) {
            all.add(waiter.flushed());
        }
        waiters.clear();
        return all;
    }
}
