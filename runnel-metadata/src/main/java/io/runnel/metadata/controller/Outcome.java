package io.runnel.metadata.controller;

import io.runnel.metadata.record.MetadataRecord;
import java.util.List;

/** A command's answer and the records that make it true (empty: nothing to write). */
record Outcome<T>(T result, List<? extends MetadataRecord> records) {
    Outcome {
        records = List.copyOf(records);
    }
}
