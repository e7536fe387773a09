package io.runnel.coordinator.runtime;

import io.runnel.metadata.image.MetadataImage;
import io.runnel.metadata.image.PartitionImage;
import io.runnel.metadata.image.TopicImage;
import io.runnel.metadata.loader.MetadataListener;
import java.util.Map;

/**
 * Tells a coordinator which partitions of its internal topic ({@code __consumer_offsets} for groups) this broker
 * leads, from each new metadata image, as Kafka's metadata publisher drives its coordinators: a partition whose
 * leader became this broker, or whose leader epoch moved on while it stayed here, is an
 * {@link PartitionLeadership#onElection election}; one that another broker or no broker leads now, or that is gone
 * with its topic, a {@link PartitionLeadership#onResignation resignation}. Resignations come before elections, so a
 * topic deleted and created again unloads before it loads.
 *
 * <p>Register it after the {@code PartitionsPublisher}, which opens a partition's log on the same image, before the
 * coordinator reads it. Runs on the thread that applies the metadata; the coordinator only enqueues work there.
 */
public final class CoordinatorPublisher implements MetadataListener {
    private final String topic;
    private final int nodeId;
    private final PartitionLeadership coordinator;

    public CoordinatorPublisher(final String topic, final int nodeId, final PartitionLeadership coordinator) {
        this.topic = topic;
        this.nodeId = nodeId;
        this.coordinator = coordinator;
    }

    @Override
    public void onImage(final MetadataImage previous, final MetadataImage next) {
        final TopicImage before = previous.topic(topic);
        final TopicImage after = next.topic(topic);
        if (before == null && after == null) {
            return;
        }
        final boolean sameTopic = before != null && after != null && before.id().equals(after.id());
        if (before != null) {
            for (final Map.Entry<Integer, PartitionImage> entry :
                    before.partitions().entrySet()) {
                if (entry.getValue().leader() != nodeId) {
                    continue;
                }
                final PartitionImage now = sameTopic ? after.partitions().get(entry.getKey()) : null;
                if (now == null) {
                    coordinator.onResignation(entry.getKey(), -1);
                } else if (now.leader() != nodeId) {
                    coordinator.onResignation(entry.getKey(), now.leaderEpoch());
                }
            }
        }
        if (after != null) {
            for (final Map.Entry<Integer, PartitionImage> entry :
                    after.partitions().entrySet()) {
                final PartitionImage now = entry.getValue();
                if (now.leader() != nodeId) {
                    continue;
                }
                final PartitionImage then = sameTopic ? before.partitions().get(entry.getKey()) : null;
                if (then == null || then.leader() != nodeId || then.leaderEpoch() != now.leaderEpoch()) {
                    coordinator.onElection(entry.getKey(), now.leaderEpoch());
                }
            }
        }
    }

    @Override
    public String toString() {
        return "CoordinatorPublisher(" + topic + ", node " + nodeId + ")";
    }
}
