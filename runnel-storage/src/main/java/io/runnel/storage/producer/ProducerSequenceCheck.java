package io.runnel.storage.producer;

import io.runnel.storage.record.RecordBatchFlyweight;
import java.nio.ByteBuffer;

/**
 * The idempotent-producer side of one append: before anything is written, {@link #check} finds a retried batch
 * (answered with the original's offsets) and enforces the sequence and epoch rules of {@link ProducerStateManager}
 * on every batch that carries a producer id, the earlier batches of the same request counting as already appended;
 * after the write, {@link #recordAppended} adds the batches, their offsets now assigned, to the producer state.
 *
 * <p>Not thread-safe: owned by the partition's append lock, like the {@link ProducerStateManager} it works on (its
 * two flyweights are reused by every append).
 */
public final class ProducerSequenceCheck {

    /** The original append of a batch that a producer sent again: its offsets and its stored timestamp. */
    public record Duplicate(long firstOffset, long lastOffset, long timestamp) {
        public int recordCount() {
            return (int) (lastOffset - firstOffset + 1);
        }
    }

    private final ProducerStateManager producers;
    private final RecordBatchFlyweight batch = new RecordBatchFlyweight();
    private final RecordBatchFlyweight earlier = new RecordBatchFlyweight();

    public ProducerSequenceCheck(final ProducerStateManager producers) {
        this.producers = producers;
    }

    /**
     * Duplicate detection and sequence/epoch checks of the validated batches at {@code batchStarts[0..count)}.
     *
     * @return the original append of the first retried batch, or null when there is none
     * @throws org.apache.kafka.common.errors.OutOfOrderSequenceException   idempotent sequence gap
     * @throws org.apache.kafka.common.errors.InvalidProducerEpochException fenced producer epoch
     */
    public Duplicate check(final ByteBuffer buffer, final int[] batchStarts, final int count) {
        for (int i = 0; i < count; i++) {
            batch.wrap(buffer, batchStarts[i]);
            final long producerId = batch.producerId();
            if (producerId < 0) {
                continue;
            }
            final short epoch = batch.producerEpoch();
            final int firstSeq = batch.baseSequence();
            int previous = -1;
            for (int j = i - 1; j >= 0 && previous < 0; j--) {
                if (earlier.wrap(buffer, batchStarts[j]).producerId() == producerId) {
                    previous = j;
                }
            }
            if (previous >= 0) {
                ProducerStateManager.checkSequence(
                        producerId, true, earlier.producerEpoch(), earlier.lastSequence(), epoch, firstSeq);
                continue;
            }
            final ProducerEntry entry = producers.get(producerId);
            if (entry == null) {
                ProducerStateManager.checkSequence(producerId, false, (short) -1, -1, epoch, firstSeq);
                continue;
            }
            final int duplicate = entry.findDuplicate(epoch, firstSeq, batch.lastSequence());
            if (duplicate >= 0) {
                return new Duplicate(
                        entry.firstOffsetAt(duplicate), entry.lastOffsetAt(duplicate), entry.timestampAt(duplicate));
            }
            ProducerStateManager.checkSequence(
                    producerId, entry.batchCount() > 0, entry.epoch(), entry.lastSeq(), epoch, firstSeq);
        }
        return null;
    }

    /** Adds each batch that carries a producer id (written, its offsets assigned) to the producer state. */
    public void recordAppended(final ByteBuffer buffer, final int[] batchStarts, final int count) {
        for (int i = 0; i < count; i++) {
            batch.wrap(buffer, batchStarts[i]);
            final long producerId = batch.producerId();
            if (producerId >= 0) {
                producers.update(
                        producerId,
                        batch.producerEpoch(),
                        batch.baseSequence(),
                        batch.lastSequence(),
                        batch.baseOffset(),
                        batch.lastOffset(),
                        batch.maxTimestamp());
            }
        }
    }
}
