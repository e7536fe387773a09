package io.runnel.broker.api;

import io.runnel.metadata.image.BrokerRegistration;
import io.runnel.metadata.image.MetadataImage;
import io.runnel.metadata.image.PartitionImage;
import io.runnel.metadata.image.TopicImage;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Who leads a partition this broker does not (KIP-951): a Produce or Fetch answered NOT_LEADER_OR_FOLLOWER names
 * the current leader and its endpoint, so the client goes there without refreshing its metadata first.
 */
public final class LeaderHints {
    /** A partition's leader as the image says, with where clients reach it. */
    public record Leader(int id, int epoch, BrokerRegistration broker) {}

    private final Supplier<MetadataImage> image;

    public LeaderHints(final Supplier<MetadataImage> image) {
        this.image = image;
    }

    /** The partition's current leader, when it has one that clients can reach. */
    public Optional<Leader> leaderOf(final String topic, final int partition) {
        final MetadataImage current = image.get();
        final TopicImage t = current.topic(topic);
        final PartitionImage p = t == null ? null : t.partitions().get(partition);
        if (p == null || p.leader() < 0) {
            return Optional.empty();
        }
        final BrokerRegistration broker = current.brokers().get(p.leader());
        return broker == null || broker.fenced()
                ? Optional.empty()
                : Optional.of(new Leader(p.leader(), p.leaderEpoch(), broker));
    }
}
