package io.runnel.testsupport;

import java.time.Duration;
import java.util.function.Supplier;

/**
 * Polling with a deadline, for tests that wait for something another thread or process does: the condition is
 * checked at once and then every few milliseconds, and the test fails with the description (and the last
 * exception the condition threw, if any) once the deadline passes. Use it instead of a bare {@code Thread.sleep}
 * that hopes the condition holds by then.
 */
public final class Await {
    private static final long FIRST_PAUSE_MS = 1;
    private static final long MAX_PAUSE_MS = 50;

    private Await() {}

    /** A condition that may throw (reading a file, asking a broker); a throw counts as "not yet". */
    @FunctionalInterface
    public interface Condition {
        boolean holds() throws Exception;
    }

    /**
     * Returns as soon as {@code condition} holds; fails with an {@link AssertionError} naming {@code description}
     * when it still does not after {@code timeout}.
     */
    public static void until(final Duration timeout, final Condition condition, final String description) {
        until(timeout, condition, () -> description);
    }

    /**
     * {@link #until(Duration, Condition, String)} with a description made only if the deadline passes (to show
     * state as it is then: a log, a count). A condition that throws an {@link Error} (an {@link AssertionError}
     * when waiting is already hopeless, say) ends the wait at once with that error.
     */
    public static void until(final Duration timeout, final Condition condition, final Supplier<String> description) {
        final long deadline = System.nanoTime() + timeout.toNanos();
        long pauseMs = FIRST_PAUSE_MS;
        Exception last = null;
        while (true) {
            try {
                if (condition.holds()) {
                    return;
                }
                last = null;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting until " + description.get(), e);
            } catch (Exception e) {
                last = e;
            }
            if (System.nanoTime() - deadline >= 0) {
                throw new AssertionError("not within " + timeout + ": " + description.get(), last);
            }
            pause(pauseMs, description);
            pauseMs = Math.min(MAX_PAUSE_MS, pauseMs * 2);
        }
    }

    private static void pause(final long ms, final Supplier<String> description) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting until " + description.get(), e);
        }
    }
}
