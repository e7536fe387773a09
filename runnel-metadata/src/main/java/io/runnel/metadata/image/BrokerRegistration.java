package io.runnel.metadata.image;

import io.runnel.metadata.Nullable;
import java.util.Objects;

/** A registered broker and the endpoint clients reach it on. */
public record BrokerRegistration(
        int brokerId,
        String host,
        int port,
        String listenerName,
        @Nullable String rack) {
    public BrokerRegistration {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(listenerName, "listenerName");
    }
}
