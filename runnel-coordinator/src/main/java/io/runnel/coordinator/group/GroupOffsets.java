package io.runnel.coordinator.group;

import java.util.Map;
import java.util.TreeMap;

/**
 * The committed offsets of one group, by topic and partition, whatever protocol the group speaks. Owned by the
 * group coordinator's thread; not thread-safe.
 */
public final class GroupOffsets {
    private final Map<String, TreeMap<Integer, CommittedOffset>> byTopic = new TreeMap<>();

    /** Every offset, topic by topic in name order, partitions in index order. */
    public Map<String, TreeMap<Integer, CommittedOffset>> all() {
        return byTopic;
    }

    public CommittedOffset get(final String topic, final int partition) {
        final TreeMap<Integer, CommittedOffset> byPartition = byTopic.get(topic);
        return byPartition == null ? null : byPartition.get(partition);
    }

    public void put(final String topic, final int partition, final CommittedOffset offset) {
        byTopic.computeIfAbsent(topic, t -> new TreeMap<>()).put(partition, offset);
    }

    public void remove(final String topic, final int partition) {
        final TreeMap<Integer, CommittedOffset> byPartition = byTopic.get(topic);
        if (byPartition != null) {
            byPartition.remove(partition);
            if (byPartition.isEmpty()) {
                byTopic.remove(topic);
            }
        }
    }

    public boolean isEmpty() {
        return byTopic.isEmpty();
    }

    /** Moves every offset of {@code other} here, leaving it empty (a group changing protocol keeps its offsets). */
    public void takeOver(final GroupOffsets other) {
        other.byTopic.forEach((topic, partitions) ->
                byTopic.computeIfAbsent(topic, t -> new TreeMap<>()).putAll(partitions));
        other.byTopic.clear();
    }
}
