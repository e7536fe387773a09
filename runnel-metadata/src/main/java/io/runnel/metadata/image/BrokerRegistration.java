package io.runnel.metadata.image;

import io.runnel.metadata.Nullable;
import java.util.Objects;
import org.apache.kafka.common.Uuid;

/**
 * A registered broker: the endpoint clients reach it on, and its lifecycle as the controller sees it.
 *
 * @param epoch the offset of its registration; -1 for a registration not yet written
 * @param incarnationId the registering process's id; {@link Uuid#ZERO_UUID} when unknown
 * @param fenced a fenced broker leads nothing and clients are not told of it
 * @param inControlledShutdown it asked to shut down and leadership is moving off it
 */
public record BrokerRegistration(
        int brokerId,
        String host,
        int port,
        String listenerName,
        @Nullable String rack,
        long epoch,
        Uuid incarnationId,
        boolean fenced,
        boolean inControlledShutdown) {
    public BrokerRegistration {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(listenerName, "listenerName");
        Objects.requireNonNull(incarnationId, "incarnationId");
    }

    /** An unfenced broker whose registration is not written yet: the quick-start node's own. */
    public BrokerRegistration(
            final int brokerId,
            final String host,
            final int port,
            final String listenerName,
            final @Nullable String rack) {
        this(brokerId, host, port, listenerName, rack, -1, Uuid.ZERO_UUID, false, false);
    }

    /** Whether {@code other} is reached the same way: id, endpoint and rack, whatever the lifecycle. */
    public boolean sameEndpoint(final @Nullable BrokerRegistration other) {
        return other != null
                && brokerId == other.brokerId
                && port == other.port
                && host.equals(other.host)
                && listenerName.equals(other.listenerName)
                && Objects.equals(rack, other.rack);
    }

    /** Serves clients and may lead: unfenced and not shutting down. */
    public boolean isActive() {
        return !fenced && !inControlledShutdown;
    }

    public BrokerRegistration withFencing(final boolean fenced, final boolean inControlledShutdown) {
        return new BrokerRegistration(
                brokerId, host, port, listenerName, rack, epoch, incarnationId, fenced, inControlledShutdown);
    }
}
