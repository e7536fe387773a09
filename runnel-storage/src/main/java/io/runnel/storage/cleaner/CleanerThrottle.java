package io.runnel.storage.cleaner;

import java.util.function.LongSupplier;

/**
 * Holds the log cleaner's disk IO to {@code log.cleaner.io.max.bytes.per.second}, read and written together, over
 * all cleaner threads (Kafka's cleaner {@code Throttler}): the threads report the bytes they move, and once a check
 * interval has passed, a thread that finds the rate over the limit sleeps until it is back at it. So a cleaning of a
 * large log leaves the disk to appends and fetches, at the price of taking longer.
 *
 * <p>Thread safety: the cleaner threads share one instance; a sleeping thread holds the others back too, as in
 * Kafka, since they share the one budget.
 */
final class CleanerThrottle {
    /** Kafka's default: no limit. */
    static final double UNLIMITED = Double.MAX_VALUE;
    /** No throttling, for a cleaner without a limit. */
    static final CleanerThrottle NONE = new CleanerThrottle(UNLIMITED);

    private static final long CHECK_INTERVAL_NS = 300_000_000L;

    /** Sleeps; a parameter so the pacing can be checked without waiting for it. */
    @FunctionalInterface
    interface Sleeper {
        void sleep(long ms) throws InterruptedException;
    }

    private final double maxBytesPerSecond;
    private final LongSupplier nanoTime;
    private final Sleeper sleeper;
    private long periodStartNs;
    private long bytesInPeriod;

    CleanerThrottle(final double maxBytesPerSecond) {
        this(maxBytesPerSecond, System::nanoTime, Thread::sleep);
    }

    CleanerThrottle(final double maxBytesPerSecond, final LongSupplier nanoTime, final Sleeper sleeper) {
        if (!(maxBytesPerSecond > 0)) {
            throw new IllegalArgumentException(
                    "log.cleaner.io.max.bytes.per.second must be positive, was " + maxBytesPerSecond);
        }
        this.maxBytesPerSecond = maxBytesPerSecond;
        this.nanoTime = nanoTime;
        this.sleeper = sleeper;
        this.periodStartNs = nanoTime.getAsLong();
    }

    /** Counts {@code bytes} read or written by the cleaner, sleeping if the rate since the last check is too high. */
    void maybeThrottle(final long bytes) {
        if (maxBytesPerSecond != UNLIMITED) {
            throttle(bytes);
        }
    }

    private synchronized void throttle(final long bytes) {
        bytesInPeriod += bytes;
        final long now = nanoTime.getAsLong();
        final long elapsedNs = now - periodStartNs;
        if (elapsedNs < CHECK_INTERVAL_NS) {
            return;
        }
        final double allowedNs = bytesInPeriod / maxBytesPerSecond * 1e9;
        final long sleepMs = Math.round((allowedNs - elapsedNs) / 1e6);
        if (sleepMs > 0) {
            try {
                sleeper.sleep(sleepMs);
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        periodStartNs = nanoTime.getAsLong();
        bytesInPeriod = 0;
    }
}
