package io.runnel.replication;

import static org.assertj.core.api.Assertions.assertThat;

import io.runnel.metadata.config.TopicConfigs;
import io.runnel.storage.LogConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Retention settings of a topic's log: its own configs first, then the broker's defaults in Kafka's precedence. */
class TopicLogConfigTest {

    private static LogConfig config(final Map<String, String> topic, final Map<String, String> broker) {
        return TopicLogConfig.of(TopicConfigs.resolve(topic, broker));
    }

    @Test
    void shouldUseKafkasRetentionDefaultsWhenNothingIsSet() {
        final LogConfig config = config(Map.of(), Map.of());

        assertThat(config.retentionMs()).isEqualTo(7L * 24 * 3_600_000);
        assertThat(config.retentionBytes()).isEqualTo(-1);
        assertThat(config.fileDeleteDelayMs()).isEqualTo(60_000);
        assertThat(config.cleanupPolicyDelete()).isTrue();
    }

    @Test
    void shouldNeitherDeleteNorCompactWhenTheCleanupPolicyIsEmpty() {
        // Kafka 4.2+: an empty cleanup.policy keeps every segment forever, whatever retention.ms says
        final LogConfig config = config(Map.of("cleanup.policy", "", "retention.ms", "1"), Map.of());

        assertThat(config.cleanupPolicyDelete()).isFalse();
        assertThat(config.compacted()).isFalse();
        assertThat(config(Map.of(), Map.of("log.cleanup.policy", "")).cleanupPolicyDelete())
                .isFalse();
    }

    @Test
    void shouldPreferLogRetentionMsOverMinutesOverHours() {
        assertThat(config(Map.of(), Map.of("log.retention.hours", "2")).retentionMs())
                .isEqualTo(7_200_000);
        assertThat(config(Map.of(), Map.of("log.retention.hours", "2", "log.retention.minutes", "3"))
                        .retentionMs())
                .isEqualTo(180_000);
        assertThat(config(
                                Map.of(),
                                Map.of(
                                        "log.retention.hours",
                                        "2",
                                        "log.retention.minutes",
                                        "3",
                                        "log.retention.ms",
                                        "4000"))
                        .retentionMs())
                .isEqualTo(4_000);
        assertThat(config(Map.of(), Map.of("log.retention.hours", "-1")).retentionMs())
                .isEqualTo(-1);
    }

    @Test
    void shouldPreferTheTopicsOwnRetentionOverTheBrokerDefaults() {
        final LogConfig config = config(
                Map.of("retention.ms", "1000", "retention.bytes", "2048", "file.delete.delay.ms", "5"),
                Map.of(
                        "log.retention.ms",
                        "4000",
                        "log.retention.bytes",
                        "1000000",
                        "log.segment.delete.delay.ms",
                        "7"));

        assertThat(config.retentionMs()).isEqualTo(1_000);
        assertThat(config.retentionBytes()).isEqualTo(2_048);
        assertThat(config.fileDeleteDelayMs()).isEqualTo(5);
    }

    @Test
    void shouldTakeRetentionBytesAndTheFileDeleteDelayFromTheBroker() {
        final LogConfig config =
                config(Map.of(), Map.of("log.retention.bytes", "1000000", "log.segment.delete.delay.ms", "7"));

        assertThat(config.retentionBytes()).isEqualTo(1_000_000);
        assertThat(config.fileDeleteDelayMs()).isEqualTo(7);
    }

    @Test
    void shouldDeleteByRetentionOnlyWhenTheCleanupPolicyContainsDelete() {
        assertThat(config(Map.of("cleanup.policy", "compact"), Map.of()).cleanupPolicyDelete())
                .isFalse();
        assertThat(config(Map.of("cleanup.policy", "compact, delete"), Map.of()).cleanupPolicyDelete())
                .isTrue();
        assertThat(config(Map.of("cleanup.policy", "delete"), Map.of("log.cleanup.policy", "compact"))
                        .cleanupPolicyDelete())
                .isTrue();
        assertThat(config(Map.of(), Map.of("log.cleanup.policy", "compact")).cleanupPolicyDelete())
                .isFalse();
    }

    @Test
    void shouldCompactWithKafkasCleanerDefaultsWhenTheCleanupPolicyContainsCompact() {
        final LogConfig config = config(Map.of("cleanup.policy", "compact,delete"), Map.of());

        assertThat(config.compacted()).isTrue();
        assertThat(config.compaction().minCleanableDirtyRatio()).isEqualTo(0.5);
        assertThat(config.compaction().deleteRetentionMs()).isEqualTo(86_400_000L);
        assertThat(config.compaction().minCompactionLagMs()).isZero();
        assertThat(config.compaction().maxCompactionLagMs()).isEqualTo(Long.MAX_VALUE);
        assertThat(config(Map.of(), Map.of()).compacted()).isFalse();
    }

    @Test
    void shouldTakeTheCleanerSettingsFromTheTopicThenTheBroker() {
        final LogConfig config = config(
                Map.of("cleanup.policy", "compact", "min.cleanable.dirty.ratio", "0.01", "delete.retention.ms", "5"),
                Map.of(
                        "log.cleaner.min.compaction.lag.ms",
                        "7",
                        "log.cleaner.max.compaction.lag.ms",
                        "9",
                        "log.cleaner.delete.retention.ms",
                        "11"));

        assertThat(config.compaction().minCleanableDirtyRatio()).isEqualTo(0.01);
        assertThat(config.compaction().deleteRetentionMs()).isEqualTo(5);
        assertThat(config.compaction().minCompactionLagMs()).isEqualTo(7);
        assertThat(config.compaction().maxCompactionLagMs()).isEqualTo(9);
    }
}
