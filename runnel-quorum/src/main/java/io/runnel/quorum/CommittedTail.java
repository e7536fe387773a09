package io.runnel.quorum;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Committed batches in offset order, for {@link AppliedState}: it adds each applied batch and, at each snapshot,
 * forgets what the snapshot before it covered ({@link #dropThrough}). Not thread-safe.
 */
final class CommittedTail {
    private final Deque<CommittedBatch> batches = new ArrayDeque<>();

    void add(final CommittedBatch batch) {
        batches.addLast(batch);
    }

    /** Forgets every batch at or below {@code offset}. */
    void dropThrough(final long offset) {
        while (!batches.isEmpty() && batches.peekFirst().lastOffset() <= offset) {
            batches.removeFirst();
        }
    }

    void clear() {
        batches.clear();
    }

    /**
     * The batches after {@code offset}, oldest first, until their records' encoded size passes {@code maxBytes}
     * (at least one batch when there is any).
     */
    List<CommittedBatch> after(final long offset, final int maxBytes) {
        final List<CommittedBatch> after = new ArrayList<>();
        long bytes = 0;
        for (final CommittedBatch batch : batches) {
            if (batch.lastOffset() <= offset) {
                continue;
            }
            bytes += RecordsCodec.sizeOf(batch.records());
            if (!after.isEmpty() && bytes > maxBytes) {
                break;
            }
            after.add(batch);
        }
        return after;
    }
}
