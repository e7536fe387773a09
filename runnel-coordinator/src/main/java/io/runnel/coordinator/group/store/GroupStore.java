package io.runnel.coordinator.group.store;

import io.runnel.coordinator.runtime.CoordinatorStore;

/**
 * Durable storage of the group coordinator's records, keyed by group id. The implementation writes them to the
 * partition of {@code __consumer_offsets} that owns the group ({@code abs(groupId.hashCode()) %
 * offsets.topic.num.partitions}, as in Kafka), so they share the log's durability and, later, its replication.
 */
public interface GroupStore extends CoordinatorStore<GroupRecord> {}
