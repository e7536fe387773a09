package io.runnel.metadata.record;

import io.runnel.metadata.Nullable;
import java.util.Objects;
import org.apache.kafka.common.Uuid;

/**
 * Registers a broker, or replaces its previous registration, with its advertised endpoint: Kafka's
 * RegisterBrokerRecord.
 *
 * @param brokerEpoch the offset of this record, which the controller knows when it writes it (one command at a
 *     time); -1 in records written before epochs existed, whose epoch is then their offset
 * @param incarnationId the broker process's own id, fresh at each start; {@link Uuid#ZERO_UUID} when unknown
 * @param fenced a broker registers fenced and is unfenced once it has caught up with the metadata; the quick-start
 *     node registers itself unfenced
 */
public record RegisterBrokerRecord(
        int brokerId,
        long brokerEpoch,
        Uuid incarnationId,
        String host,
        int port,
        String listenerName,
        @Nullable String rack,
        boolean fenced)
        implements MetadataRecord {
    public RegisterBrokerRecord {
        Objects.requireNonNull(incarnationId, "incarnationId");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(listenerName, "listenerName");
    }

    /** An unfenced registration whose epoch is its offset, as the quick-start node writes for itself. */
    public RegisterBrokerRecord(
            final int brokerId,
            final String host,
            final int port,
            final String listenerName,
            final @Nullable String rack) {
        this(brokerId, -1, Uuid.ZERO_UUID, host, port, listenerName, rack, false);
    }
}
