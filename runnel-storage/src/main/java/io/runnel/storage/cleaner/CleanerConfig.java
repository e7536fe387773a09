package io.runnel.storage.cleaner;

/**
 * The broker-wide settings of the log cleaner, named after Kafka's broker configs.
 *
 * @param backoffMs        {@code log.cleaner.backoff.ms}: the pause between passes over the compacted logs (0, which
 *                         Kafka allows, is taken as 1 ms)
 * @param dedupeBufferSize {@code log.cleaner.dedupe.buffer.size}: the memory of the offset maps of all cleaner
 *                         threads, shared equally as in Kafka (see {@link CleanerOffsetMap} for what an entry
 *                         costs)
 * @param loadFactor       {@code log.cleaner.io.buffer.load.factor}: the share of that memory a pass fills before
 *                         it stops reading the dirty part and leaves the rest for the next pass
 * @param threads          {@code log.cleaner.threads}: how many logs are cleaned at once (0: none, compaction off)
 * @param ioMaxBytesPerSecond {@code log.cleaner.io.max.bytes.per.second}: the cleaner threads' disk IO, read and
 *                         written together, at most ({@link CleanerThrottle}; Kafka's default, no limit:
 *                         {@link Double#MAX_VALUE})
 */
public record CleanerConfig(
        long backoffMs, long dedupeBufferSize, double loadFactor, int threads, double ioMaxBytesPerSecond) {

    /** Kafka's default {@code log.cleaner.backoff.ms}. */
    public static final long DEFAULT_BACKOFF_MS = 15_000L;
    /** Kafka's default {@code log.cleaner.dedupe.buffer.size}, 128 MiB. */
    public static final long DEFAULT_DEDUPE_BUFFER_SIZE = 128L * 1024 * 1024;
    /** Kafka's default {@code log.cleaner.io.buffer.load.factor}. */
    public static final double DEFAULT_LOAD_FACTOR = 0.9;
    /** Kafka's default {@code log.cleaner.threads}. */
    public static final int DEFAULT_THREADS = 1;

    public CleanerConfig {
        if (backoffMs < 0) {
            throw new IllegalArgumentException("log.cleaner.backoff.ms must not be negative, was " + backoffMs);
        }
        if (dedupeBufferSize < 0) {
            throw new IllegalArgumentException(
                    "log.cleaner.dedupe.buffer.size must not be negative, was " + dedupeBufferSize);
        }
        if (!(loadFactor > 0 && loadFactor <= 1)) {
            throw new IllegalArgumentException(
                    "log.cleaner.io.buffer.load.factor must be within (0, 1], was " + loadFactor);
        }
        if (threads < 0) {
            throw new IllegalArgumentException("log.cleaner.threads must not be negative, was " + threads);
        }
        if (!(ioMaxBytesPerSecond > 0)) {
            throw new IllegalArgumentException(
                    "log.cleaner.io.max.bytes.per.second must be positive, was " + ioMaxBytesPerSecond);
        }
    }

    public static CleanerConfig defaults() {
        return new CleanerConfig(
                DEFAULT_BACKOFF_MS,
                DEFAULT_DEDUPE_BUFFER_SIZE,
                DEFAULT_LOAD_FACTOR,
                DEFAULT_THREADS,
                CleanerThrottle.UNLIMITED);
    }

    public CleanerConfig withBackoffMs(final long ms) {
        return new CleanerConfig(ms, dedupeBufferSize, loadFactor, threads, ioMaxBytesPerSecond);
    }

    public CleanerConfig withThreads(final int count) {
        return new CleanerConfig(backoffMs, dedupeBufferSize, loadFactor, count, ioMaxBytesPerSecond);
    }

    public CleanerConfig withIoMaxBytesPerSecond(final double bytesPerSecond) {
        return new CleanerConfig(backoffMs, dedupeBufferSize, loadFactor, threads, bytesPerSecond);
    }

    /** The bytes of offset map entries one thread's pass may hold: its share of the buffer times the load factor. */
    long mapCapacityBytes() {
        return (long) (dedupeBufferSize / Math.max(1, threads) * loadFactor);
    }
}
