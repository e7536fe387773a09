package io.runnel.coordinator.group;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Every group by id, classic and consumer alike, so that one id names one group. Owned by the group coordinator's
 * thread; not thread-safe.
 */
public final class GroupDirectory {
    private final Map<String, Group> groups = new TreeMap<>();

    public Group get(final String groupId) {
        return groups.get(groupId);
    }

    /** The group with this id if it is of {@code type}, else null. */
    public <G extends Group> G get(final String groupId, final Class<G> type) {
        final Group group = groups.get(groupId);
        return type.isInstance(group) ? type.cast(group) : null;
    }

    /** Adds or replaces the group of its id. */
    public void put(final Group group) {
        groups.put(group.groupId(), group);
    }

    public void remove(final Group group) {
        groups.remove(group.groupId(), group);
    }

    /** Every group in id order. */
    public List<Group> all() {
        return new ArrayList<>(groups.values());
    }

    /** Every group of {@code type} in id order. */
    public <G extends Group> List<G> all(final Class<G> type) {
        final List<G> result = new ArrayList<>();
        for (final Group group : groups.values()) {
            if (type.isInstance(group)) {
                result.add(type.cast(group));
            }
        }
        return result;
    }

    public void clear() {
        groups.clear();
    }
}
