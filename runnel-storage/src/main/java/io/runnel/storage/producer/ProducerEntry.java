package io.runnel.storage.producer;

/**
 * What the log remembers about one idempotent producer: its current epoch and the metadata of its last
 * {@link #MAX_BATCHES} batches (oldest first), enough to recognise a retried batch and answer it with the
 * offsets it got the first time. Kept in primitive ring arrays so that appends do not allocate.
 *
 * <p>Not thread-safe: owned by the partition's append lock.
 */
public final class ProducerEntry {

    public static final int MAX_BATCHES = 5;

    private final long producerId;
    private short epoch;
    private int count;
    private int head;
    private final int[] firstSeq = new int[MAX_BATCHES];
    private final int[] lastSeq = new int[MAX_BATCHES];
    private final long[] firstOffset = new long[MAX_BATCHES];
    private final long[] lastOffset = new long[MAX_BATCHES];
    private final long[] timestamp = new long[MAX_BATCHES];

    public ProducerEntry(final long producerId, final short epoch) {
        this.producerId = producerId;
        this.epoch = epoch;
    }

    public long producerId() {
        return producerId;
    }

    public short epoch() {
        return epoch;
    }

    public int batchCount() {
        return count;
    }

    /** Moves to a new epoch, forgetting the batches of the old one. */
    public void bumpEpoch(final short newEpoch) {
        epoch = newEpoch;
        count = 0;
        head = 0;
    }

    /** Records a batch; the oldest is evicted beyond {@link #MAX_BATCHES}. */
    public void addBatch(
            final int batchFirstSeq,
            final int batchLastSeq,
            final long batchFirstOffset,
            final long batchLastOffset,
            final long batchTimestamp) {
        final int slot = (head + count) % MAX_BATCHES;
        firstSeq[slot] = batchFirstSeq;
        lastSeq[slot] = batchLastSeq;
        firstOffset[slot] = batchFirstOffset;
        lastOffset[slot] = batchLastOffset;
        timestamp[slot] = batchTimestamp;
        if (count < MAX_BATCHES) {
            count++;
        } else {
            head = (head + 1) % MAX_BATCHES;
        }
    }

    /** Last sequence of the newest batch, or -1 when no batch is known. */
    public int lastSeq() {
        return count == 0 ? -1 : lastSeq[slot(count - 1)];
    }

    /** Index (0 = oldest) of the batch with this epoch and sequence range, or -1. */
    public int findDuplicate(final short batchEpoch, final int batchFirstSeq, final int batchLastSeq) {
        if (batchEpoch != epoch) {
            return -1;
        }
        for (int i = 0; i < count; i++) {
            final int s = slot(i);
            if (firstSeq[s] == batchFirstSeq && lastSeq[s] == batchLastSeq) {
                return i;
            }
        }
        return -1;
    }

    public int firstSeqAt(final int i) {
        return firstSeq[slot(i)];
    }

    public int lastSeqAt(final int i) {
        return lastSeq[slot(i)];
    }

    public long firstOffsetAt(final int i) {
        return firstOffset[slot(i)];
    }

    public long lastOffsetAt(final int i) {
        return lastOffset[slot(i)];
    }

    public long timestampAt(final int i) {
        return timestamp[slot(i)];
    }

    private int slot(final int i) {
        return (head + i) % MAX_BATCHES;
    }

    @Override
    public String toString() {
        return "ProducerEntry(id=" + producerId + ", epoch=" + epoch + ", batches=" + count + ", lastSeq=" + lastSeq()
                + ")";
    }
}
