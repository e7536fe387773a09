package io.runnel.metadata.record;

/**
 * Reserves the producer ids below {@code nextProducerId} for {@code brokerId}: the next block
 * starts at {@code nextProducerId}, so no id is handed out twice, even across restarts.
 */
public record ProducerIdsRecord(int brokerId, long nextProducerId) implements MetadataRecord {}
