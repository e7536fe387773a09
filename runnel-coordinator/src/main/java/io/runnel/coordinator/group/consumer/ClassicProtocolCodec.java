package io.runnel.coordinator.group.consumer;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor;
import org.apache.kafka.clients.consumer.internals.ConsumerProtocol;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;

/**
 * The classic consumer protocol's subscription and assignment bytes (kafka-clients' ConsumerProtocol) as a
 * consumer group sees them: partitions by topic id, looked up in the metadata through {@link Subscriptions}.
 */
final class ClassicProtocolCodec {
    private ClassicProtocolCodec() {}

    /** @throws IllegalArgumentException when the bytes are not a ConsumerProtocol subscription */
    static ConsumerPartitionAssignor.Subscription subscription(final byte[] metadata) {
        try {
            return ConsumerProtocol.deserializeSubscription(ByteBuffer.wrap(metadata));
        } catch (final RuntimeException e) {
            throw new IllegalArgumentException("not a consumer protocol subscription: " + e.getMessage(), e);
        }
    }

    /** The partitions by topic id; those of topics that no longer exist count for nothing. */
    static Map<Uuid, Set<Integer>> byTopicId(final List<TopicPartition> partitions, final Subscriptions topics) {
        final Map<Uuid, Set<Integer>> result = new HashMap<>();
        for (final TopicPartition tp : partitions) {
            final Uuid id = topics.topicId(tp.topic());
            if (id != null) {
                result.computeIfAbsent(id, t -> new HashSet<>()).add(tp.partition());
            }
        }
        return result;
    }

    /**
     * An assignment written by a client-side assignor, by topic id.
     *
     * @throws IllegalArgumentException when the bytes are not a ConsumerProtocol assignment, or carry user data
     *                                  (a custom assignor's, which the server-side assignor cannot keep)
     */
    static Map<Uuid, Set<Integer>> assignment(final byte[] bytes, final Subscriptions topics) {
        if (bytes == null || bytes.length == 0) {
            return Map.of();
        }
        final ConsumerPartitionAssignor.Assignment assignment;
        try {
            assignment = ConsumerProtocol.deserializeAssignment(ByteBuffer.wrap(bytes));
        } catch (final RuntimeException e) {
            throw new IllegalArgumentException("not a consumer protocol assignment: " + e.getMessage(), e);
        }
        if (assignment.userData() != null && assignment.userData().hasRemaining()) {
            throw new IllegalArgumentException("the assignment carries user data of a custom assignor");
        }
        return byTopicId(assignment.partitions(), topics);
    }

    /** The partitions as an assignment in the ConsumerProtocol version {@code subscription} was written in. */
    static byte[] encodeAssignment(
            final Map<Uuid, Set<Integer>> partitions, final byte[] subscription, final Subscriptions topics) {
        final List<TopicPartition> list = new ArrayList<>();
        partitions.forEach((topicId, ps) -> {
            final String name = topics.topicName(topicId);
            if (name != null) {
                Partitions.sorted(ps).forEach(p -> list.add(new TopicPartition(name, p)));
            }
        });
        final short version = ConsumerProtocol.deserializeVersion(ByteBuffer.wrap(subscription));
        final ByteBuffer encoded =
                ConsumerProtocol.serializeAssignment(new ConsumerPartitionAssignor.Assignment(list), version);
        final byte[] bytes = new byte[encoded.remaining()];
        encoded.get(bytes);
        return bytes;
    }
}
