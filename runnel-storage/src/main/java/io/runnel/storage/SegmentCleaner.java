package io.runnel.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.MemoryRecordsBuilder;
import org.apache.kafka.common.record.MutableRecordBatch;
import org.apache.kafka.common.record.Record;
import org.apache.kafka.common.record.RecordBatch;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.utils.BufferSupplier;
import org.apache.kafka.common.utils.CloseableIterator;

import io.runnel.storage.log.LogSegment;
import io.runnel.storage.log.SegmentBatches;
import io.runnel.storage.log.SegmentSwap;
import io.runnel.storage.record.RecordBatchFlyweight;

/**
 * Rewrites a group of consecutive closed segments ({@link SegmentGroups}) without the records the cleaner may drop
 * (Kafka's {@code Cleaner.cleanSegments}), into one {@code <first base>.log.cleaned} with freshly built indexes. A
 * record goes when a later record of its key is in the offset map, or when it is a tombstone (null value) that an
 * earlier pass already saw (its offset is below the log's first dirty offset) whose timestamp is older than
 * {@code delete.retention.ms}. Every kept record keeps its offset; batches whose records all stay are copied byte
 * for byte, the others are rebuilt with their base offset, producer fields, compression and timestamp type, and a
 * batch left with no records disappears.
 */
final class SegmentCleaner {

    /** What became of a group: whether anything changed (else the cleaned files are discarded). */
    record Outcome(boolean changed, int recordsRead, int recordsKept) {
    }

    private SegmentCleaner() {
    }

    /**
     * @param cleanedBefore    the log's first dirty offset: tombstones below it were seen by an earlier pass
     * @param tombstoneHorizon such tombstones with a timestamp below this are dropped
     */
    static Outcome rewrite(final List<LogSegment> group, final CleanerOffsetMap map, final long cleanedBefore,
                           final long tombstoneHorizon, final LogConfig config, final long nowMs) throws IOException {
        final LogSegment first = group.get(0);
        final LogSegment target = LogSegment.createReplacement(first.dir(), first.baseOffset(),
                config.segmentIndexBytes(), SegmentSwap.CLEANED_SUFFIX);
        final RecordBatchFlyweight flyweight = new RecordBatchFlyweight();
        final int[] start = {0};
        final int[] counts = new int[2];
        // several segments merged into one is a change even when no record goes
        final boolean[] changed = {group.size() > 1};
        try {
            for (final LogSegment source : group) {
                SegmentBatches.forEach(source, (batch, bytes) -> {
                    final List<Record> kept = new ArrayList<>();
                    int read = 0;
                    try (CloseableIterator<Record> records = batch.streamingIterator(BufferSupplier.NO_CACHING)) {
                        while (records.hasNext()) {
                            final Record record = records.next();
                            read++;
                            if (batch.isControlBatch() || keep(record, map, cleanedBefore, tombstoneHorizon)) {
                                kept.add(record);
                            }
                        }
                    }
                    counts[0] += read;
                    counts[1] += kept.size();
                    if (kept.isEmpty()) {
                        changed[0] = true;
                        return;
                    }
                    final ByteBuffer out = kept.size() == read ? bytes : rebuild(batch, kept);
                    changed[0] |= out != bytes;
                    target.append(out, start, 1, flyweight, config.indexIntervalBytes(), nowMs);
                });
            }
            target.close();
        } catch (final IOException | RuntimeException e) {
            target.closeAndDelete();
            throw e;
        }
        if (!changed[0]) {
            SegmentSwap.discard(first.dir(), first.baseOffset());
        }
        return new Outcome(changed[0], counts[0], counts[1]);
    }

    private static boolean keep(final Record record, final CleanerOffsetMap map, final long cleanedBefore,
                                final long tombstoneHorizon) {
        if (!record.hasKey()) {
            // written before the topic became compacted; Kafka keeps such records too
            return true;
        }
        if (map.isSuperseded(record)) {
            return false;
        }
        // tombstones survive the pass that first sees them, so consumers get delete.retention.ms to see them
        return record.hasValue() || record.offset() >= cleanedBefore || record.timestamp() >= tombstoneHorizon;
    }

    private static ByteBuffer rebuild(final MutableRecordBatch batch, final List<Record> kept) {
        final boolean logAppendTime = batch.timestampType() == TimestampType.LOG_APPEND_TIME;
        final MemoryRecordsBuilder builder = MemoryRecords.builder(ByteBuffer.allocate(batch.sizeInBytes()),
                RecordBatch.MAGIC_VALUE_V2, Compression.of(batch.compressionType()).build(), batch.timestampType(),
                batch.baseOffset(), logAppendTime ? batch.maxTimestamp() : RecordBatch.NO_TIMESTAMP,
                batch.producerId(), batch.producerEpoch(), batch.baseSequence(), batch.isTransactional(),
                batch.partitionLeaderEpoch());
        for (final Record record : kept) {
            builder.appendWithOffset(record.offset(), record.timestamp(), record.key(), record.value(),
                    record.headers());
        }
        return builder.build().buffer();
    }
}
