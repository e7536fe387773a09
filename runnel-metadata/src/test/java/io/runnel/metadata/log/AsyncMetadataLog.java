package io.runnel.metadata.log;

import io.runnel.metadata.Nullable;
import io.runnel.metadata.record.MetadataRecord;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A {@link MetadataLog} in memory that commits on its own thread, {@value #THREAD_NAME}, the way a replicated
 * log does: {@link #propose} returns at once and the listener runs later, on that thread. It stands in for
 * the Ratis log in tests of what the contract allows but {@link LocalMetadataLog} never does. The batches live
 * in the list given, so a log opened again on the same list replays them. Methods are {@code synchronized};
 * the commit thread takes the same monitor, so the listener is called one batch at a time, in offset order.
 * {@link #holdCommits()} keeps proposals pending, to show what a caller does before its batch commits.
 */
public final class AsyncMetadataLog implements MetadataLog {
    public static final String THREAD_NAME = "test-metadata-commit";

    private final List<List<MetadataRecord>> batches;
    private final ExecutorService committer = Executors.newSingleThreadExecutor(runnable -> {
        final Thread thread = new Thread(runnable, THREAD_NAME);
        thread.setDaemon(true);
        return thread;
    });
    private @Nullable CommitListener listener;
    private long lastOffset;
    private int pending;
    private boolean held;
    private boolean closed;

    /** @param batches the committed batches, shared with later logs opened on the same list */
    public AsyncMetadataLog(final List<List<MetadataRecord>> batches) {
        this.batches = batches;
        this.lastOffset = batches.stream().mapToLong(List::size).sum() - 1;
    }

    @Override
    public synchronized void replay(final CommitListener listener) {
        ensureOpen();
        if (this.listener != null) {
            throw new IllegalStateException("Metadata log already has a commit listener");
        }
        long offset = -1;
        for (final List<MetadataRecord> batch : batches) {
            offset += batch.size();
            listener.onCommit(batch, offset);
        }
        this.listener = listener;
    }

    @Override
    public synchronized CompletableFuture<Long> propose(final List<MetadataRecord> batch) {
        ensureOpen();
        if (batch.isEmpty()) {
            throw new IllegalArgumentException("Cannot append an empty batch");
        }
        final List<MetadataRecord> records = List.copyOf(batch);
        pending++;
        return CompletableFuture.supplyAsync(() -> commit(records), committer);
    }

    /**
     * Hands the listener a snapshot on the commit thread, as a replicated log does when a lagging node is
     * sent the leader's snapshot: the listener replaces its state, and later batches continue from
     * {@code lastOffset}. (The batch list is left alone: a log opened on it again replays the batches.)
     */
    public CompletableFuture<Void> installSnapshot(final List<MetadataRecord> records, final long lastOffset) {
        final List<MetadataRecord> copy = List.copyOf(records);
        return CompletableFuture.runAsync(
                () -> {
                    synchronized (this) {
                        this.lastOffset = lastOffset;
                        if (listener != null) {
                            listener.onSnapshot(copy, lastOffset);
                        }
                    }
                },
                committer);
    }

    /** The listener's state as records, read on the commit thread between two batches, as a snapshot is. */
    public CompletableFuture<List<MetadataRecord>> takeSnapshot() {
        return CompletableFuture.supplyAsync(
                () -> {
                    synchronized (this) {
                        if (listener == null) {
                            throw new IllegalStateException("No listener to take a snapshot of");
                        }
                        return listener.currentState();
                    }
                },
                committer);
    }

    /** Proposals stay pending until {@link #releaseCommits()}. */
    public synchronized void holdCommits() {
        held = true;
    }

    public synchronized void releaseCommits() {
        held = false;
        notifyAll();
    }

    /** Proposals made but not committed yet. */
    public synchronized int pendingProposals() {
        return pending;
    }

    private synchronized long commit(final List<MetadataRecord> batch) {
        while (held) {
            try {
                wait();
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while commits were held", e);
            }
        }
        pending--;
        batches.add(batch);
        lastOffset += batch.size();
        if (listener != null) {
            listener.onCommit(batch, lastOffset);
        }
        return lastOffset;
    }

    @Override
    public synchronized long lastOffset() {
        return lastOffset;
    }

    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            held = false;
            notifyAll();
        }
        committer.shutdown();
        try {
            committer.awaitTermination(10, TimeUnit.SECONDS);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("Metadata log is closed");
        }
    }
}
