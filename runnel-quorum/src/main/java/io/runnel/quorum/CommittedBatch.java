package io.runnel.quorum;

import io.runnel.metadata.record.MetadataRecord;
import java.util.List;

/** A committed batch and the Runnel offset of its last record. */
public record CommittedBatch(List<MetadataRecord> records, long lastOffset) {
    public CommittedBatch {
        records = List.copyOf(records);
    }

    public long baseOffset() {
        return lastOffset - records.size() + 1;
    }
}
