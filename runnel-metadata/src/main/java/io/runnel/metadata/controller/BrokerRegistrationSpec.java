package io.runnel.metadata.controller;

import io.runnel.metadata.Nullable;
import java.util.Objects;
import org.apache.kafka.common.Uuid;

/** What a broker sends to register (BrokerRegistration): who it is, which process, and where clients reach it. */
public record BrokerRegistrationSpec(
        int brokerId,
        String clusterId,
        Uuid incarnationId,
        String host,
        int port,
        String listenerName,
        @Nullable String rack) {
    public BrokerRegistrationSpec {
        Objects.requireNonNull(clusterId, "clusterId");
        Objects.requireNonNull(incarnationId, "incarnationId");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(listenerName, "listenerName");
    }
}
