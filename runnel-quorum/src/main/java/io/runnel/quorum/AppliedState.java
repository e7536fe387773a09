package io.runnel.quorum;

import io.runnel.metadata.record.MetadataRecord;
import java.io.IOException;
import java.util.List;
import org.apache.ratis.statemachine.impl.SingleFileSnapshotInfo;

/**
 * What the state machine keeps besides the listener's state: the Runnel offset of the last applied record, the
 * newest snapshot, and the batches applied since the snapshot before it ({@link CommittedTail}).
 *
 * <p>The tail reaches back to the previous snapshot, not just the newest, so a broker a few batches behind when a
 * snapshot is taken still gets batches rather than the whole state; two snapshot intervals bound it. Together with
 * the newest snapshot it is the whole state, which is what a listener set late ({@code replay}) and a broker
 * following the metadata ({@link #answer}) are handed.
 *
 * <p>Not thread-safe: the state machine's lock guards it.
 */
final class AppliedState {
    private final CommittedTail tail = new CommittedTail();
    private long lastOffset = -1;
    private @Nullable SingleFileSnapshotInfo snapshot;
    private long snapshotOffset = -1;
    /** The offset the tail continues from: its first batch starts right after it. */
    private long tailStart = -1;

    /** Counts a committed batch in and keeps it in the tail. */
    CommittedBatch apply(final List<MetadataRecord> records) {
        lastOffset += records.size();
        final CommittedBatch batch = new CommittedBatch(records, lastOffset);
        tail.add(batch);
        return batch;
    }

    /** The state is now {@code info}'s, which ends at {@code offset}: at start, or installed from the leader. */
    void loaded(final SingleFileSnapshotInfo info, final long offset) {
        snapshot = info;
        snapshotOffset = offset;
        lastOffset = offset;
        tailStart = offset;
        tail.clear();
    }

    /** A snapshot of the state at {@link #lastOffset()} was written to {@code info}. */
    void snapshotTaken(final SingleFileSnapshotInfo info) {
        tail.dropThrough(snapshotOffset);
        tailStart = snapshotOffset;
        snapshot = info;
        snapshotOffset = lastOffset;
    }

    long lastOffset() {
        return lastOffset;
    }

    long snapshotOffset() {
        return snapshotOffset;
    }

    @Nullable
    SingleFileSnapshotInfo snapshot() {
        return snapshot;
    }

    /** The newest snapshot's content, or null if there is none. */
    @Nullable
    SnapshotFile readSnapshot() throws IOException {
        return snapshot == null
                ? null
                : SnapshotFile.readFrom(snapshot.getFile().getPath());
    }

    /** The batches after the newest snapshot (all of them when there is none), in offset order. */
    List<CommittedBatch> batchesAfterSnapshot() {
        return tail.after(snapshotOffset, Integer.MAX_VALUE);
    }

    /**
     * What a broker that applied up to {@code request.fromOffset()} should get: the batches after it, or, when it
     * is older than the tail (or not a batch boundary), the newest snapshot and the batches after that.
     *
     * @return null when nothing is newer than the request's offset (the broker is caught up, or ahead of this
     *     node, which a new leader may briefly be behind)
     */
    @Nullable
    FetchResponse answer(final FetchRequest request) throws IOException {
        final long from = request.fromOffset();
        if (from >= lastOffset) {
            return null;
        }
        if (from >= tailStart) {
            final List<CommittedBatch> batches = tail.after(from, request.maxBytes());
            if (!batches.isEmpty() && batches.get(0).baseOffset() == from + 1) {
                return new FetchResponse(lastOffset, null, batches);
            }
        }
        final SnapshotFile file = readSnapshot();
        final CommittedBatch state = file == null
                ? new CommittedBatch(List.of(), -1)
                : new CommittedBatch(file.records(), file.lastOffset());
        return new FetchResponse(lastOffset, state, tail.after(state.lastOffset(), request.maxBytes()));
    }
}
