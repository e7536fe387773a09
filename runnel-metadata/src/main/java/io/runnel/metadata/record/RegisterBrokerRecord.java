package io.runnel.metadata.record;

import io.runnel.metadata.Nullable;
import java.util.Objects;

/** Registers a broker, or replaces its previous registration, with its advertised endpoint. */
public record RegisterBrokerRecord(
        int brokerId,
        String host,
        int port,
        String listenerName,
        @Nullable String rack) implements MetadataRecord {
    public RegisterBrokerRecord {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(listenerName, "listenerName");
    }
}
