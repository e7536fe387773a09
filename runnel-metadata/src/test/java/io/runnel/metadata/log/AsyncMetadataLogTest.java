package io.runnel.metadata.log;

import io.runnel.metadata.record.MetadataRecord;
import java.util.ArrayList;
import java.util.List;

/** The contract, met by a log whose proposals commit later on another thread. */
class AsyncMetadataLogTest extends MetadataLogContractTest {
    private final List<List<MetadataRecord>> batches = new ArrayList<>();

    @Override
    protected MetadataLog open() {
        return new AsyncMetadataLog(batches);
    }
}
