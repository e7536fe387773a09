package io.runnel.quorum;

import io.runnel.metadata.image.MetadataImage;
import io.runnel.metadata.log.MetadataLog;
import io.runnel.metadata.record.MetadataRecord;
import java.util.ArrayList;
import java.util.List;

/**
 * A commit listener that builds the {@link MetadataImage}, as the controller does, and records what it was handed:
 * every batch with its last offset, and every snapshot load. Thread-safe (the log calls it on its apply thread,
 * tests read it on theirs).
 */
final class RecordingListener implements MetadataLog.CommitListener {
    private MetadataImage image = MetadataImage.EMPTY;
    private final List<CommittedBatch> batches = new ArrayList<>();
    private final List<Long> snapshotsLoaded = new ArrayList<>();

    @Override
    public synchronized void onCommit(final List<MetadataRecord> batch, final long lastOffset) {
        MetadataImage next = image;
        for (final MetadataRecord record : batch) {
            next = next.apply(record);
        }
        if (next.lastOffset() != lastOffset) {
            throw new IllegalStateException(
                    "Batch ends at " + lastOffset + " but the image is at " + next.lastOffset());
        }
        image = next;
        batches.add(new CommittedBatch(batch, lastOffset));
    }

    @Override
    public synchronized void onSnapshot(final List<MetadataRecord> records, final long lastOffset) {
        image = MetadataImage.fromSnapshot(records, lastOffset);
        snapshotsLoaded.add(lastOffset);
    }

    @Override
    public synchronized List<MetadataRecord> currentState() {
        return image.toRecords();
    }

    synchronized MetadataImage image() {
        return image;
    }

    synchronized List<CommittedBatch> batches() {
        return List.copyOf(batches);
    }

    synchronized List<Long> snapshotsLoaded() {
        return List.copyOf(snapshotsLoaded);
    }

    synchronized long lastOffset() {
        return image.lastOffset();
    }
}
