package io.runnel.broker.api.fetch;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Random;

/**
 * The broker's fetch sessions, at most {@code max.incremental.fetch.session.cache.slots} of them; when full, the
 * least recently used session makes room (its client gets FETCH_SESSION_ID_NOT_FOUND and starts a new one).
 */
final class FetchSessionCache {
    private final int maxSlots;
    private final Random random;
    private final LinkedHashMap<Integer, FetchSession> sessions = new LinkedHashMap<>(16, 0.75f, true);

    FetchSessionCache(final int maxSlots, final Random random) {
        this.maxSlots = maxSlots;
        this.random = random;
    }

    /** A new session, or null when sessions are disabled (zero slots). */
    synchronized FetchSession create(final List<FetchTarget> targets) {
        if (maxSlots == 0) {
            return null;
        }
        if (sessions.size() >= maxSlots) {
            final Iterator<Integer> eldest = sessions.keySet().iterator();
            eldest.next();
            eldest.remove();
        }
        int id;
        do {
            id = random.nextInt(Integer.MAX_VALUE - 1) + 1;
        } while (sessions.containsKey(id));
        final FetchSession session = new FetchSession(id, targets);
        sessions.put(id, session);
        return session;
    }

    synchronized FetchSession get(final int id) {
        return sessions.get(id);
    }

    synchronized void remove(final int id) {
        sessions.remove(id);
    }

    synchronized int size() {
        return sessions.size();
    }
}
