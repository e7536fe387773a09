package io.runnel.quorum;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * The batches applied since the newest snapshot, in offset order. Together with that snapshot they are the whole
 * state, which is what a listener set late ({@code replay}) and a broker following the metadata are handed. A
 * snapshot every {@code snapshotThresholdEntries} Raft entries bounds it: {@link #dropThrough} forgets what the new
 * snapshot covers. Not thread-safe: the state machine guards it.
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

    List<CommittedBatch> all() {
        return List.copyOf(batches);
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

    int size() {
        return batches.size();
    }
}
