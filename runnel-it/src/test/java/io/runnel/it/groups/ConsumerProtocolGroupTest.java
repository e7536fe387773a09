package io.runnel.it.groups;

import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerConfig;

/**
 * Consumer groups with kafka-clients' KIP-848 consumer protocol (ConsumerGroupHeartbeat, server-side assignor);
 * the session and heartbeat timeouts are the broker's.
 */
class ConsumerProtocolGroupTest extends GroupContract {
    @Override
    List<String> brokerSettings() {
        return List.of(
                "group.consumer.min.session.timeout.ms",
                "1000",
                "group.consumer.session.timeout.ms",
                "6000",
                "group.consumer.min.heartbeat.interval.ms",
                "100",
                "group.consumer.heartbeat.interval.ms",
                "500");
    }

    @Override
    List<Object> consumerSettings() {
        return List.of(ConsumerConfig.GROUP_PROTOCOL_CONFIG, "consumer");
    }

    /** The consumer protocol is incremental whatever the server-side assignor. */
    @Override
    List<Object> incrementalSettings() {
        return List.of();
    }

    @Override
    boolean acceptsClientTimeouts() {
        return false;
    }
}
