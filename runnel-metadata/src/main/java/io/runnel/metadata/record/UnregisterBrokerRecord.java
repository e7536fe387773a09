package io.runnel.metadata.record;

/** Removes a broker's registration (Kafka's UnregisterBrokerRecord, written for {@code kafka-cluster unregister}). */
public record UnregisterBrokerRecord(int brokerId, long brokerEpoch) implements MetadataRecord {}
