package io.runnel.storage;

import io.runnel.storage.flush.LogFlusher;
import io.runnel.storage.log.LogSegment;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.kafka.common.errors.KafkaStorageException;

/**
 * The flushes of one {@link PartitionLog}, and its close, which is the last of them. An append never fsyncs. When it
 * crosses {@code flush.messages}, or {@code flush.ms} has passed since the last flush, or it rolled a segment, the
 * log asks its {@link PartitionLog.Flusher} (the broker's {@link LogFlusher} thread) to call {@link #flushUnflushed},
 * which fsyncs every segment from the recovery point on without holding the append lock, then moves the recovery
 * point to the end offset it read before the fsync. An append that crossed {@code flush.messages} is durable only
 * then: its {@link AppendResult#flushed} completes on the flusher's thread (or fails with
 * {@link KafkaStorageException}, the log then offline).
 *
 * <p>Thread safety: a flush lock, held for a whole flush (the fsync included) and by close, serialises flushes with
 * each other and with close; it is always taken before the log's append lock, never while holding it. The waiting
 * appends ({@link FlushState}) are completed outside both locks, since completing runs their continuations.
 */
final class LogFlushing {

    private final PartitionLog log;
    private final ReentrantLock flushLock = new ReentrantLock();

    LogFlushing(final PartitionLog log) {
        this.log = log;
    }

    /**
     * One flush: reads the end offset, fsyncs every segment from the one holding the recovery point to the active
     * one without the append lock (appends go on meanwhile and wait for the next flush), then moves the recovery
     * point to that end offset and completes the appends waiting for it, on this thread. Does nothing on a closed
     * or offline log (closing completed or failed the waiters). A failed fsync takes the log offline and fails
     * every waiter with {@link KafkaStorageException}, which it then throws.
     *
     * @return whether anything was fsync'd
     */
    boolean flushUnflushed() {
        final List<CompletableFuture<Void>> done = new ArrayList<>();
        flushLock.lock();
        try {
            if (!flushLocked(done)) {
                return false;
            }
        } finally {
            flushLock.unlock();
        }
        // outside both locks: completing runs the waiters' continuations (the produce responses)
        done.forEach(flushed -> flushed.complete(null));
        return true;
    }

    /** The body of {@link #flushUnflushed}, under the flush lock; adds the waiters it satisfied to {@code done}. */
    private boolean flushLocked(final List<CompletableFuture<Void>> done) {
        final long end;
        final LogSegment[] toFlush;
        final boolean wasOffline;
        final FlushState flushState = log.flushState;
        log.lock.lock();
        try {
            flushState.flushStarting();
            if (log.closed) {
                return false;
            }
            wasOffline = log.isOffline();
            end = log.logEndOffset;
            toFlush = end > flushState.recoveryPoint() ? log.segments.from(flushState.recoveryPoint()) : null;
        } finally {
            log.lock.unlock();
        }
        if (wasOffline) {
            // an append failed after these waiters asked for their flush
            failWaiters(offlineFailure());
            return false;
        }
        if (toFlush == null) {
            flushState.flushedNothing(log.clock.millis());
            return false;
        }
        try {
            log.io.run("flushing " + log.topicPartition, () -> SegmentList.flush(toFlush));
        } catch (final KafkaStorageException failure) {
            failWaiters(failure);
            throw failure;
        }
        log.lock.lock();
        try {
            done.addAll(flushState.flushedTo(end, log.clock.millis()));
        } finally {
            log.lock.unlock();
        }
        return true;
    }

    /** See {@link PartitionLog#close}. */
    void close() {
        flushLock.lock();
        try {
            closeLocked();
        } catch (final KafkaStorageException e) {
            failWaiters(e);
            throw e;
        } finally {
            flushLock.unlock();
        }
        if (log.isOffline()) {
            failWaiters(offlineFailure());
        } else {
            takeWaiters().forEach(flushed -> flushed.complete(null));
        }
    }

    private void closeLocked() {
        log.lock.lock();
        try {
            if (log.closed) {
                return;
            }
            log.closed = true;
            if (log.isOffline()) {
                log.segments.closeWithoutWriting();
                return;
            }
            final long end = log.logEndOffset;
            try {
                log.io.run("closing log of " + log.topicPartition, () -> {
                    log.producers.writeSnapshot(end);
                    log.segments.close();
                });
            } catch (final KafkaStorageException e) {
                log.segments.closeWithoutWriting();
                throw e;
            }
            log.flushState.closedAt(end);
        } finally {
            log.lock.unlock();
        }
    }

    /** See {@link PartitionLog#closeForDelete}. */
    void closeForDelete() {
        flushLock.lock();
        try {
            log.lock.lock();
            try {
                if (log.closed) {
                    return;
                }
                log.closed = true;
                log.segments.closeWithoutWriting();
            } finally {
                log.lock.unlock();
            }
        } finally {
            flushLock.unlock();
        }
        failWaiters(new KafkaStorageException("Log of " + log.topicPartition + " was deleted before its flush"));
    }

    private KafkaStorageException offlineFailure() {
        return new KafkaStorageException("Log of " + log.topicPartition + " is offline after a disk error");
    }

    /** Fails every waiting append (the log went offline or was closed before its flush). */
    private void failWaiters(final KafkaStorageException failure) {
        takeWaiters().forEach(flushed -> flushed.completeExceptionally(failure));
    }

    private List<CompletableFuture<Void>> takeWaiters() {
        log.lock.lock();
        try {
            return log.flushState.takeWaiters();
        } finally {
            log.lock.unlock();
        }
    }
}
