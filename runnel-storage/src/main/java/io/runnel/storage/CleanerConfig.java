package io.runnel.storage;

/**
 * The broker-wide settings of the log cleaner, named after Kafka's broker configs.
 *
 * @param backoffMs        {@code log.cleaner.backoff.ms}: the pause between passes over the compacted logs
 * @param dedupeBufferSize {@code log.cleaner.dedupe.buffer.size}: the memory the offset map of one pass may take
 *                         (Runnel has one cleaner thread, so the whole of it; see {@link CleanerOffsetMap} for
 *                         what an entry costs)
 * @param loadFactor       {@code log.cleaner.io.buffer.load.factor}: the share of that memory a pass fills before
 *                         it stops reading the dirty part and leaves the rest for the next pass
 */
public record CleanerConfig(long backoffMs, long dedupeBufferSize, double loadFactor) {

    /** Kafka's default {@code log.cleaner.backoff.ms}. */
    public static final long DEFAULT_BACKOFF_MS = 15_000L;
    /** Kafka's default {@code log.cleaner.dedupe.buffer.size}, 128 MiB. */
    public static final long DEFAULT_DEDUPE_BUFFER_SIZE = 128L * 1024 * 1024;
    /** Kafka's default {@code log.cleaner.io.buffer.load.factor}. */
    public static final double DEFAULT_LOAD_FACTOR = 0.9;

    public CleanerConfig {
        if (backoffMs < 1) {
            throw new IllegalArgumentException("log.cleaner.backoff.ms must be positive, was " + backoffMs);
        }
        if (dedupeBufferSize < 0) {
            throw new IllegalArgumentException("log.cleaner.dedupe.buffer.size must not be negative, was "
                    + dedupeBufferSize);
        }
        if (!(loadFactor > 0 && loadFactor <= 1)) {
            throw new IllegalArgumentException("log.cleaner.io.buffer.load.factor must be within (0, 1], was "
                    + loadFactor);
        }
    }

    public static CleanerConfig defaults() {
        return new CleanerConfig(DEFAULT_BACKOFF_MS, DEFAULT_DEDUPE_BUFFER_SIZE, DEFAULT_LOAD_FACTOR);
    }

    public CleanerConfig withBackoffMs(final long ms) {
        return new CleanerConfig(ms, dedupeBufferSize, loadFactor);
    }

    /** The bytes of offset map entries one pass may hold: the buffer times the load factor. */
    long mapCapacityBytes() {
        return (long) (dedupeBufferSize * loadFactor);
    }
}
