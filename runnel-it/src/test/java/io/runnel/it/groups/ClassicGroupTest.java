package io.runnel.it.groups;

import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;

/** Consumer groups with kafka-clients' classic protocol (JoinGroup and SyncGroup, client-side assignors). */
class ClassicGroupTest extends GroupContract {
    @Override
    List<String> brokerSettings() {
        return List.of();
    }

    @Override
    List<Object> consumerSettings() {
        return List.of(
                ConsumerConfig.GROUP_PROTOCOL_CONFIG,
                "classic",
                ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG,
                6000,
                ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG,
                500);
    }

    @Override
    List<Object> incrementalSettings() {
        return List.of(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName());
    }

    @Override
    boolean acceptsClientTimeouts() {
        return true;
    }
}
