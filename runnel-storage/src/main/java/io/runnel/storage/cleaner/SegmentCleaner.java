package io.runnel.storage.cleaner;

import io.runnel.storage.LogConfig;
import io.runnel.storage.log.LogSegment;
import io.runnel.storage.log.SegmentBatches;
import io.runnel.storage.log.SegmentFiles;
import io.runnel.storage.log.SegmentSwap;
import io.runnel.storage.record.BoundedRecords;
import io.runnel.storage.record.RecordBatchFlyweight;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.MemoryRecordsBuilder;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.utils.internals.ByteBufferOutputStream;
import org.apache.kafka.common.utils.internals.CloseableIterator;

/**
 * Rewrites a group of consecutive closed segments ({@link SegmentGroups}) without the records the cleaner may drop
 * (Kafka's {@code Cleaner.cleanSegments}), into one {@code <first base>.log.cleaned} with freshly built indexes.
 * Below the end of what the offset map covers, a record goes when a later record of its key is in the map, when it
 * has no key (written before the topic became compacted; Kafka drops those too), or when it is a tombstone (null
 * value) whose batch's delete horizon has passed.
 *
 * <p>Tombstones follow Kafka's KIP-534: the first pass that keeps a tombstone in a batch without a delete horizon
 * stamps one, the pass's time plus {@code delete.retention.ms}, into the batch (attribute bit 6, the base timestamp
 * field; the records keep their own timestamps), and a later pass at or after that time drops the tombstone. So a
 * consumer gets {@code delete.retention.ms} from the first cleaning to see a delete, whatever the timestamp the
 * producer gave it. Every kept record keeps its offset; batches whose records all stay and need no stamp are copied
 * byte for byte, the others are rebuilt with their base offset, producer fields, compression and timestamp type,
 * and a batch left with no records disappears. Control batches are kept as they are.
 */
final class SegmentCleaner {

    /** What became of a group: whether anything changed (else the cleaned files are discarded). */
    record Outcome(boolean changed, int recordsRead, int recordsKept) {}

    private SegmentCleaner() {}

    /**
     * @param mapEnd the first offset the offset map does not cover: records at or past it are kept as they are
     *               (but a tombstone among them still gets its delete horizon)
     * @param throttle paces the bytes read and written
     */
    static Outcome rewrite(
            final List<LogSegment> group,
            final CleanerOffsetMap map,
            final long mapEnd,
            final LogConfig config,
            final long nowMs,
            final CleanerThrottle throttle)
            throws IOException {
        final long newHorizon = saturatedAdd(nowMs, config.compaction().deleteRetentionMs());
        final LogSegment first = group.get(0);
        final LogSegment target = SegmentFiles.createReplacement(
                first.dir(), first.baseOffset(), config.segmentIndexBytes(), SegmentSwap.CLEANED_SUFFIX);
        final RecordBatchFlyweight flyweight = new RecordBatchFlyweight();
        final int[] start = {0};
        final int[] counts = new int[2];
        // several segments merged into one is a change even when no record goes
        final boolean[] changed = {group.size() > 1};
        try {
            for (final LogSegment source : group) {
                SegmentBatches.forEach(source, (batch, bytes) -> {
                    throttle.maybeThrottle(bytes.remaining());
                    final List<Record> kept = new ArrayList<>();
                    final OptionalLong horizon = batch.deleteHorizonMs();
                    boolean keptTombstone = false;
                    int read = 0;
                    try (CloseableIterator<Record> records =
                            BoundedRecords.iterator(bytes, config.maxDecompressedMessageBytes())) {
                        while (records.hasNext()) {
                            final Record record = records.next();
                            read++;
                            if (batch.isControlBatch()) {
                                kept.add(record);
                            } else if (keep(record, map, mapEnd, horizon, nowMs)) {
                                kept.add(record);
                                keptTombstone |= record.hasKey() && !record.hasValue();
                            }
                        }
                    }
                    counts[0] += read;
                    counts[1] += kept.size();
                    if (kept.isEmpty()) {
                        changed[0] = true;
                        return;
                    }
                    final boolean stamp = keptTombstone && horizon.isEmpty();
                    final ByteBuffer out = kept.size() == read && !stamp
                            ? bytes
                            : rebuild(batch, kept, stamp ? newHorizon : horizon.orElse(RecordBatch.NO_TIMESTAMP));
                    changed[0] |= out != bytes;
                    throttle.maybeThrottle(out.remaining());
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

    private static boolean keep(
            final Record record,
            final CleanerOffsetMap map,
            final long mapEnd,
            final OptionalLong horizon,
            final long nowMs) {
        if (record.offset() >= mapEnd) {
            return true;
        }
        if (!record.hasKey() || map.isSuperseded(record)) {
            return false;
        }
        return record.hasValue() || horizon.isEmpty() || nowMs < horizon.getAsLong();
    }

    private static long saturatedAdd(final long a, final long b) {
        final long sum = a + b;
        return ((a ^ sum) & (b ^ sum)) < 0 ? Long.MAX_VALUE : sum;
    }

    /** The batch with only {@code kept}, and {@code deleteHorizonMs} unless it is {@code NO_TIMESTAMP}. */
    private static ByteBuffer rebuild(
            final MutableRecordBatch batch, final List<Record> kept, final long deleteHorizonMs) {
        final boolean logAppendTime = batch.timestampType() == TimestampType.LOG_APPEND_TIME;
        // grows if need be: relative to a delete horizon, timestamp deltas take more bytes than before
        final ByteBufferOutputStream out = new ByteBufferOutputStream(batch.sizeInBytes());
        final MemoryRecordsBuilder builder = new MemoryRecordsBuilder(
                out,
                RecordBatch.MAGIC_VALUE_V2,
                Compression.of(batch.compressionType()).build(),
                batch.timestampType(),
                batch.baseOffset(),
                logAppendTime ? batch.maxTimestamp() : RecordBatch.NO_TIMESTAMP,
                batch.producerId(),
                batch.producerEpoch(),
                batch.baseSequence(),
                batch.isTransactional(),
                false,
                batch.partitionLeaderEpoch(),
                Integer.MAX_VALUE,
                deleteHorizonMs);
        for (final Record record : kept) {
            builder.appendWithOffset(
                    record.offset(), record.timestamp(), record.key(), record.value(), record.headers());
        }
        return builder.build().buffer();
    }
}
