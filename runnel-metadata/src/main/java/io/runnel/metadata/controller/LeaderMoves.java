package io.runnel.metadata.controller;

import io.runnel.metadata.image.MetadataImage;
import io.runnel.metadata.image.PartitionImage;
import io.runnel.metadata.image.TopicImage;
import io.runnel.metadata.record.PartitionRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.IntPredicate;

/**
 * The partition changes a broker's lifecycle causes, as KRaft's {@code PartitionChangeBuilder} makes them: a broker
 * that is fenced, shuts down or is unregistered leaves every ISR it is in (never emptying one: the last member stays,
 * leaderless) and every leadership it holds; a broker that is unfenced takes the leadership of the leaderless
 * partitions whose ISR it is in. A new leader is the first replica, in replica order, that is in the ISR and may
 * lead. Each change bumps the partition epoch, and the leader epoch when the leader changes.
 */
final class LeaderMoves {
    static final int NO_LEADER = -1;

    private LeaderMoves() {}

    /**
     * Takes {@code brokerId} out of every ISR and leadership.
     *
     * @param mayLead which brokers may lead once the change is made (active ones, never {@code brokerId})
     */
    static List<PartitionRecord> awayFrom(final MetadataImage image, final int brokerId, final IntPredicate mayLead) {
        final List<PartitionRecord> records = new ArrayList<>();
        forEachPartition(image, (topic, index, p) -> {
            if (!p.isr().contains(brokerId) && p.leader() != brokerId) {
                return;
            }
            final List<Integer> isr = new ArrayList<>(p.isr());
            if (isr.size() > 1) {
                isr.remove(Integer.valueOf(brokerId));
            }
            final int leader = p.leader() == brokerId || p.leader() == NO_LEADER
                    ? electLeader(p.replicas(), isr, id -> id != brokerId && mayLead.test(id))
                    : p.leader();
            change(records, topic, index, p, isr, leader);
        });
        return records;
    }

    /**
     * Gives {@code brokerId} the leadership of the leaderless partitions whose ISR it is in, where it is the first
     * in replica order of those that may lead.
     */
    static List<PartitionRecord> toward(final MetadataImage image, final int brokerId, final IntPredicate mayLead) {
        final List<PartitionRecord> records = new ArrayList<>();
        forEachPartition(image, (topic, index, p) -> {
            if (p.leader() != NO_LEADER || !p.isr().contains(brokerId)) {
                return;
            }
            final int leader = electLeader(p.replicas(), p.isr(), mayLead);
            if (leader != NO_LEADER) {
                change(records, topic, index, p, p.isr(), leader);
            }
        });
        return records;
    }

    /** True if {@code brokerId} leads any partition. */
    static boolean leadsAny(final MetadataImage image, final int brokerId) {
        for (final TopicImage topic : image.topicsByName().values()) {
            for (final PartitionImage p : topic.partitions().values()) {
                if (p.leader() == brokerId) {
                    return true;
                }
            }
        }
        return false;
    }

    private static int electLeader(final List<Integer> replicas, final List<Integer> isr, final IntPredicate mayLead) {
        for (final int replica : replicas) {
            if (isr.contains(replica) && mayLead.test(replica)) {
                return replica;
            }
        }
        return NO_LEADER;
    }

    private static void change(
            final List<PartitionRecord> records,
            final TopicImage topic,
            final int index,
            final PartitionImage p,
            final List<Integer> isr,
            final int leader) {
        if (leader == p.leader() && isr.equals(p.isr())) {
            return;
        }
        records.add(new PartitionRecord(
                topic.id(),
                index,
                p.replicas(),
                isr,
                leader,
                leader == p.leader() ? p.leaderEpoch() : p.leaderEpoch() + 1,
                p.partitionEpoch() + 1));
    }

    @FunctionalInterface
    private interface PartitionVisitor {
        void visit(TopicImage topic, int index, PartitionImage partition);
    }

    private static void forEachPartition(final MetadataImage image, final PartitionVisitor visitor) {
        for (final TopicImage topic : image.topicsByName().values()) {
            for (final Map.Entry<Integer, PartitionImage> entry :
                    topic.partitions().entrySet()) {
                visitor.visit(topic, entry.getKey(), entry.getValue());
            }
        }
    }
}
