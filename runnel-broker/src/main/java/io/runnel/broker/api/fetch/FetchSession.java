package io.runnel.broker.api.fetch;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * An incremental fetch session (KIP-227): the partitions a client fetches, kept between requests so each
 * request names only what changed. Guarded by its own monitor; a client uses a session from one request at a
 * time, which the epoch check enforces.
 */
final class FetchSession {
    final int id;
    private int nextEpoch = 1;
    private final LinkedHashMap<FetchKey, FetchTarget> targets = new LinkedHashMap<>();

    FetchSession(final int id, final List<FetchTarget> initial) {
        this.id = id;
        for (final FetchTarget target : initial) {
            targets.put(target.key, target);
        }
    }

    /** Checks the epoch and applies an incremental request; false when the epoch is not the expected one. */
    synchronized boolean update(final int epoch, final List<FetchTarget> changed, final List<FetchKey> forgotten) {
        if (epoch != nextEpoch) {
            return false;
        }
        nextEpoch = epoch == Integer.MAX_VALUE ? 1 : epoch + 1;
        for (final FetchKey key : forgotten) {
            targets.remove(key);
        }
        for (final FetchTarget target : changed) {
            final FetchTarget existing = targets.get(target.key);
            if (existing == null) {
                targets.put(target.key, target);
            } else {
                existing.fetchOffset = target.fetchOffset;
                existing.maxBytes = target.maxBytes;
                existing.currentLeaderEpoch = target.currentLeaderEpoch;
            }
        }
        return true;
    }

    synchronized List<FetchTarget> targets() {
        return new ArrayList<>(targets.values());
    }

    /** Moves partitions that just returned data to the back, so a response byte limit cannot starve the rest. */
    synchronized void rotate(final List<FetchKey> served) {
        for (final FetchKey key : served) {
            final FetchTarget target = targets.remove(key);
            if (target != null) {
                targets.put(key, target);
            }
        }
    }
}
