package io.runnel.coordinator.group.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The consumer group settings take Kafka's defaults and are held to Kafka's bounds. */
class ConsumerGroupConfigTest {
    @Test
    void shouldTakeKafkasDefaults() {
        final ConsumerGroupConfig config = ConsumerGroupConfig.defaults();
        assertThat(config.sessionTimeoutMs()).isEqualTo(45_000);
        assertThat(config.heartbeatIntervalMs()).isEqualTo(5_000);
        assertThat(config.rebalanceHeartbeatIntervalMs()).isEqualTo(500);
        assertThat(config.assignors()).extracting(a -> a.name()).containsExactly("uniform", "range");
    }

    @Test
    void shouldRefuseTimeoutsOutsideTheirMinAndMax() {
        assertThatThrownBy(() -> ConsumerGroupConfig.from(Map.of(ConsumerGroupConfig.SESSION_TIMEOUT_MS, "6000")))
                .hasMessageContaining("group.consumer.session.timeout.ms (6000) must be between 45000 and 60000");
        assertThatThrownBy(() -> ConsumerGroupConfig.from(Map.of(ConsumerGroupConfig.HEARTBEAT_INTERVAL_MS, "16000")))
                .hasMessageContaining("group.consumer.heartbeat.interval.ms (16000) must be between 5000 and 15000");
    }

    @Test
    void shouldTakeShortTimeoutsWhenTheBoundsAreLowered() {
        final ConsumerGroupConfig config = ConsumerGroupConfig.from(Map.of(
                ConsumerGroupConfig.MIN_SESSION_TIMEOUT_MS,
                "1000",
                ConsumerGroupConfig.SESSION_TIMEOUT_MS,
                "6000",
                ConsumerGroupConfig.MIN_HEARTBEAT_INTERVAL_MS,
                "100",
                ConsumerGroupConfig.HEARTBEAT_INTERVAL_MS,
                "300"));
        assertThat(config.sessionTimeoutMs()).isEqualTo(6000);
        assertThat(config.heartbeatIntervalMs()).isEqualTo(300);
        assertThat(config.rebalanceHeartbeatIntervalMs())
                .as("never longer than the heartbeat interval")
                .isEqualTo(300);
    }

    @Test
    void shouldRefuseAHeartbeatIntervalThatIsNotBelowTheSessionTimeout() {
        assertThatThrownBy(() -> ConsumerGroupConfig.from(Map.of(
                        ConsumerGroupConfig.MIN_SESSION_TIMEOUT_MS,
                        "1000",
                        ConsumerGroupConfig.SESSION_TIMEOUT_MS,
                        "5000")))
                .hasMessageContaining("must be less than group.consumer.session.timeout.ms");
    }

    @Test
    void shouldRefuseAnUnknownAssignor() {
        assertThatThrownBy(() -> ConsumerGroupConfig.from(Map.of(ConsumerGroupConfig.ASSIGNORS, "uniform,sticky")))
                .hasMessageContaining("unknown assignor sticky");
    }
}
