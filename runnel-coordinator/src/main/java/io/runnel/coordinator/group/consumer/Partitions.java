package io.runnel.coordinator.group.consumer;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.common.Uuid;

/** Set operations on partitions by topic id, the shape of every assignment in KIP-848. Immutable results. */
final class Partitions {
    private Partitions() {}

    static Map<Uuid, Set<Integer>> copy(final Map<Uuid, Set<Integer>> partitions) {
        final Map<Uuid, Set<Integer>> copy = new HashMap<>();
        partitions.forEach((topic, ps) -> {
            if (!ps.isEmpty()) {
                copy.put(topic, Set.copyOf(ps));
            }
        });
        return Map.copyOf(copy);
    }

    /** {@code a} ∩ {@code b}. */
    static Map<Uuid, Set<Integer>> intersect(final Map<Uuid, Set<Integer>> a, final Map<Uuid, Set<Integer>> b) {
        final Map<Uuid, Set<Integer>> result = new HashMap<>();
        a.forEach((topic, ps) -> {
            final Set<Integer> other = b.get(topic);
            if (other != null) {
                final Set<Integer> both = new HashSet<>(ps);
                both.retainAll(other);
                result.put(topic, both);
            }
        });
        return copy(result);
    }

    /** {@code a} − {@code b}. */
    static Map<Uuid, Set<Integer>> minus(final Map<Uuid, Set<Integer>> a, final Map<Uuid, Set<Integer>> b) {
        final Map<Uuid, Set<Integer>> result = new HashMap<>();
        a.forEach((topic, ps) -> {
            final Set<Integer> rest = new HashSet<>(ps);
            final Set<Integer> other = b.get(topic);
            if (other != null) {
                rest.removeAll(other);
            }
            result.put(topic, rest);
        });
        return copy(result);
    }

    static boolean overlap(final Map<Uuid, Set<Integer>> a, final Map<Uuid, Set<Integer>> b) {
        for (final Map.Entry<Uuid, Set<Integer>> e : a.entrySet()) {
            final Set<Integer> other = b.get(e.getKey());
            if (other != null) {
                for (final Integer p : e.getValue()) {
                    if (other.contains(p)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /** Whether every partition of {@code a} is in {@code b}. */
    static boolean subset(final Map<Uuid, Set<Integer>> a, final Map<Uuid, Set<Integer>> b) {
        for (final Map.Entry<Uuid, Set<Integer>> e : a.entrySet()) {
            final Set<Integer> other = b.getOrDefault(e.getKey(), Set.of());
            if (!other.containsAll(e.getValue())) {
                return false;
            }
        }
        return true;
    }

    static Set<Integer> sorted(final Set<Integer> partitions) {
        return new TreeSet<>(partitions);
    }
}
