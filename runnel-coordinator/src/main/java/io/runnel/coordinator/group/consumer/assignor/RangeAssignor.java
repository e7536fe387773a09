package io.runnel.coordinator.group.consumer.assignor;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.common.Uuid;

/**
 * The {@code "range"} server-side assignor.
 *
 * <p>Each topic is handled independently: its partitions are split into contiguous ranges over the
 * members subscribed to it, taken in member-id order; when the partitions do not divide evenly the
 * first members get one extra partition each. Topics with the same partition count and the same
 * subscribers are therefore laid out identically (co-partitioning), like the client-side
 * {@code RangeAssignor}. Current assignments are not taken into account.
 */
public final class RangeAssignor implements PartitionAssignor {

    public static final String NAME = "range";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public GroupAssignment assign(GroupSpec group, Map<Uuid, Integer> partitionsPerTopic) {
        Map<String, MemberSpec> members = new TreeMap<>(group.members());
        Map<String, Map<Uuid, Set<Integer>>> result = new HashMap<>();
        members.keySet().forEach(memberId -> result.put(memberId, new HashMap<>()));

        partitionsPerTopic.forEach((topicId, partitionCount) -> {
            if (partitionCount == null || partitionCount <= 0) {
                return;
            }
            List<String> subscribers = new ArrayList<>();
            members.forEach((memberId, spec) -> {
                if (spec.subscribedTopicIds().contains(topicId)) {
                    subscribers.add(memberId); // TreeMap iteration: already sorted by member id
                }
            });
            if (subscribers.isEmpty()) {
                return;
            }
            int base = partitionCount / subscribers.size();
            int extra = partitionCount % subscribers.size();
            int start = 0;
            for (int i = 0; i < subscribers.size(); i++) {
                int length = base + (i < extra ? 1 : 0);
                if (length > 0) {
                    Set<Integer> range = new TreeSet<>();
                    for (int p = start; p < start + length; p++) {
                        range.add(p);
                    }
                    result.get(subscribers.get(i)).put(topicId, range);
                }
                start += length;
            }
        });
        return new GroupAssignment(result);
    }
}
