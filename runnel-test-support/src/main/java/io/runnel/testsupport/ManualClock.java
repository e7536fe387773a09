package io.runnel.testsupport;

import java.time.Instant;
import java.time.InstantSource;

/** A clock the test moves by hand; safe to read from the threads of the code under test. */
public final class ManualClock implements InstantSource {
    private volatile long millis;

    public ManualClock(final long millis) {
        this.millis = millis;
    }

    /** Moves the clock forward (or back, for a negative {@code ms}); only the test thread calls this. */
    public void advance(final long ms) {
        millis += ms;
    }

    @Override
    public Instant instant() {
        return Instant.ofEpochMilli(millis);
    }

    @Override
    public long millis() {
        return millis;
    }
}
