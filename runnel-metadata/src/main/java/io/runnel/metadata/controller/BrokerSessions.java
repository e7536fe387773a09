package io.runnel.metadata.controller;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The active controller's memory of each broker's heartbeats: KRaft's {@code BrokerHeartbeatManager}. Heartbeats
 * are never written to the metadata log; a controller that becomes active starts every broker's session afresh, so
 * it never fences the whole cluster for the time it was not active. Owned by the controller thread.
 */
final class BrokerSessions {
    private static final class Session {
        long lastContactNs;
        long metadataOffset = -1;
        long controlledShutdownOffset = -1;
    }

    private final long timeoutNs;
    private final LongSupplier nanoClock;
    private final Map<Integer, Session> sessions = new HashMap<>();

    BrokerSessions(final long sessionTimeoutMs, final LongSupplier nanoClock) {
        this.timeoutNs = TimeUnit.MILLISECONDS.toNanos(sessionTimeoutMs);
        this.nanoClock = nanoClock;
    }

    /** Every broker in {@code brokerIds} has just been heard from; sessions of others are dropped. */
    void resetAll(final Iterable<Integer> brokerIds) {
        sessions.clear();
        for (final int id : brokerIds) {
            touch(id, -1);
        }
    }

    void touch(final int brokerId, final long metadataOffset) {
        final Session session = sessions.computeIfAbsent(brokerId, id -> new Session());
        session.lastContactNs = nanoClock.getAsLong();
        session.metadataOffset = Math.max(session.metadataOffset, metadataOffset);
    }

    /** True while the broker has a session that has not timed out. */
    boolean hasValidSession(final int brokerId) {
        final Session session = sessions.get(brokerId);
        return session != null && nanoClock.getAsLong() - session.lastContactNs < timeoutNs;
    }

    void remove(final int brokerId) {
        sessions.remove(brokerId);
    }

    /** The brokers among {@code unfenced} whose sessions have timed out. */
    List<Integer> expired(final Iterable<Integer> unfenced) {
        final List<Integer> expired = new ArrayList<>();
        for (final int id : unfenced) {
            if (!hasValidSession(id)) {
                expired.add(id);
            }
        }
        return expired;
    }

    void startControlledShutdown(final int brokerId, final long offset) {
        sessions.computeIfAbsent(brokerId, id -> new Session()).controlledShutdownOffset = offset;
    }

    /** The metadata offset the broker was at when its controlled shutdown records were written; -1 if none. */
    long controlledShutdownOffset(final int brokerId) {
        final Session session = sessions.get(brokerId);
        return session == null ? -1 : session.controlledShutdownOffset;
    }

    /** The lowest metadata offset the given active brokers have reported; {@link Long#MAX_VALUE} if none. */
    long lowestOffset(final Iterable<Integer> activeBrokers) {
        long lowest = Long.MAX_VALUE;
        for (final int id : activeBrokers) {
            final Session session = sessions.get(id);
            lowest = Math.min(lowest, session == null ? -1 : session.metadataOffset);
        }
        return lowest;
    }
}
