package io.runnel.metadata.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.requests.DescribeConfigsResponse.ConfigSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TopicConfigsTest {
    @Test
    void shouldKnowEveryTopicConfigNamedInKafkaClientsTopicConfig() throws IllegalAccessException {
        for (final java.lang.reflect.Field field : TopicConfig.class.getFields()) {
            if (field.getName().endsWith("_CONFIG")) {
                final String name = (String) field.get(null);
                assertThat(TopicConfigs.get(name)).as(name).isNotNull();
            }
        }
        assertThat(TopicConfigs.all())
                .containsKeys("leader.replication.throttled.replicas", "follower.replication.throttled.replicas");
    }

    @Test
    void shouldAcceptEveryDefaultWhenValidated() {
        final Map<String, String> defaults = new HashMap<>();
        TopicConfigs.all().values().forEach(def -> defaults.put(def.name(), def.defaultValue()));

        assertThat(TopicConfigs.validate(defaults)).isEmpty();
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "cleanup.policy|compact,delete",
                "cleanup.policy| delete ",
                "compression.type|zstd",
                "compression.gzip.level|-1",
                "compression.gzip.level|9",
                "message.timestamp.type|LogAppendTime",
                "min.cleanable.dirty.ratio|0.01",
                "retention.ms|-1",
                "retention.bytes|-1",
                "segment.bytes|1048576",
                "unclean.leader.election.enable|TRUE",
                "leader.replication.throttled.replicas|*",
                "leader.replication.throttled.replicas|0:1,1:2",
                "message.downconversion.enable|false",
                "max.decompressed.message.bytes|1",
                "cleanup.policy|''",
                "cleanup.policy|delete,compact,delete",
                "max.decompressed.message.bytes|2147483639",
            })
    void shouldAcceptValidValue(final String name, final String value) {
        assertThat(TopicConfigs.validate(Map.of(name, value))).isEmpty();
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "cleanup.policy|remove|String must be one of: compact, delete",
                "compression.type|brotli|String must be one of",
                "compression.type|ZSTD|String must be one of",
                "compression.gzip.level|0|Value must be at least 1",
                "compression.lz4.level|18|Value must be no more than 17",
                "message.timestamp.type|createtime|String must be one of: CreateTime, LogAppendTime",
                "min.cleanable.dirty.ratio|1.5|Value must be no more than 1",
                "retention.ms|-2|Value must be at least -1",
                "segment.bytes|1000|Value must be at least 1048576",
                "segment.bytes|3000000000|32-bit integer",
                "segment.ms|abc|64-bit integer",
                "preallocate|yes|either true or false",
                "min.insync.replicas|0|Value must be at least 1",
                "leader.replication.throttled.replicas|0-1|partitionId:brokerId",
                "max.decompressed.message.bytes|0|Value must be at least 1",
                "max.decompressed.message.bytes|2147483640|Value must be no more than 2147483639",
            })
    void shouldRejectInvalidValue(final String name, final String value, final String reason) {
        assertThat(TopicConfigs.validate(Map.of(name, value)))
                .containsOnlyKeys(name)
                .hasEntrySatisfying(
                        name,
                        message -> assertThat(message)
                                .startsWith("Invalid value " + value + " for configuration " + name)
                                .contains(reason));
    }

    @Test
    void shouldResolveMaxDecompressedMessageBytesAsKafka44DoesWhenTheBrokerSetsItUnderTheSameName() {
        assertThat(TopicConfigs.resolve(Map.of(), Map.of()).get("max.decompressed.message.bytes"))
                .satisfies(config -> {
                    assertThat(config.value()).isEqualTo("2147483639");
                    assertThat(config.source()).isEqualTo(ConfigSource.DEFAULT_CONFIG);
                });
        assertThat(TopicConfigs.resolve(Map.of(), Map.of("max.decompressed.message.bytes", "1048576"))
                        .get("max.decompressed.message.bytes"))
                .satisfies(config -> {
                    assertThat(config.value()).isEqualTo("1048576");
                    assertThat(config.source()).isEqualTo(ConfigSource.STATIC_BROKER_CONFIG);
                });
    }

    @Test
    void shouldRejectAnEmptyElementOfCleanupPolicyWithKafkasMessageWhenTheListHasOne() {
        assertThat(TopicConfigs.validate(Map.of("cleanup.policy", "delete,,compact")))
                .containsExactly(
                        Map.entry("cleanup.policy", "Configuration 'cleanup.policy' values must not be empty."));
        assertThat(TopicConfigs.validate(Map.of("cleanup.policy", " , ")))
                .containsExactly(
                        Map.entry("cleanup.policy", "Configuration 'cleanup.policy' values must not be empty."));
    }

    @Test
    void shouldRejectUnknownNameAndNullValue() {
        final Map<String, String> proposed = new HashMap<>();
        proposed.put("retention.mss", "1");
        proposed.put("retention.ms", null);

        assertThat(TopicConfigs.validate(proposed))
                .containsEntry("retention.mss", "Unknown topic config name: retention.mss")
                .containsEntry("retention.ms", "Null value not supported for topic config retention.ms");
    }

    @Test
    void shouldRejectMinCompactionLagAboveMaxWhenBothGiven() {
        assertThat(TopicConfigs.validate(Map.of("min.compaction.lag.ms", "10", "max.compaction.lag.ms", "5")))
                .containsOnlyKeys("min.compaction.lag.ms");
    }

    @Test
    void shouldRejectRemoteStorageWhenTieredStorageIsUnsupported() {
        assertThat(TopicConfigs.validate(Map.of("remote.storage.enable", "true")))
                .containsOnlyKeys("remote.storage.enable");
        assertThat(TopicConfigs.validate(Map.of("remote.storage.enable", "false")))
                .isEmpty();
    }

    @Test
    void shouldResolveDefaultWhenNeitherTopicNorBrokerSetsIt() {
        final ResolvedConfig retention =
                TopicConfigs.resolve(Map.of(), Map.of()).get("retention.ms");

        assertThat(retention.value()).isEqualTo("604800000");
        assertThat(retention.source()).isEqualTo(ConfigSource.DEFAULT_CONFIG);
        assertThat(retention.synonyms())
                .containsExactly(new ConfigSynonym("log.retention.hours", "168", ConfigSource.DEFAULT_CONFIG));
        assertThat(retention.readOnly()).isFalse();
        assertThat(retention.sensitive()).isFalse();
    }

    @Test
    void shouldResolveConvertedBrokerValueWhenOnlyHoursAreSet() {
        final ResolvedConfig retention = TopicConfigs.resolve(Map.of(), Map.of("log.retention.hours", "2"))
                .get("retention.ms");

        assertThat(retention.value()).isEqualTo("7200000");
        assertThat(retention.source()).isEqualTo(ConfigSource.STATIC_BROKER_CONFIG);
        assertThat(retention.synonyms())
                .containsExactly(
                        new ConfigSynonym("log.retention.hours", "2", ConfigSource.STATIC_BROKER_CONFIG),
                        new ConfigSynonym("log.retention.hours", "168", ConfigSource.DEFAULT_CONFIG));
    }

    @Test
    void shouldPreferMillisOverMinutesOverHoursWhenSeveralBrokerSynonymsAreSet() {
        final Map<String, String> broker = Map.of("log.retention.hours", "2", "log.retention.minutes", "3");
        assertThat(TopicConfigs.resolve(Map.of(), broker).get("retention.ms").value())
                .isEqualTo("180000");

        final Map<String, String> withMillis = Map.of("log.retention.hours", "2", "log.retention.ms", "5");
        assertThat(TopicConfigs.resolve(Map.of(), withMillis)
                        .get("retention.ms")
                        .value())
                .isEqualTo("5");
    }

    @Test
    void shouldMapNegativeBrokerRetentionToUnlimited() {
        assertThat(TopicConfigs.resolve(Map.of(), Map.of("log.retention.hours", "-5"))
                        .get("retention.ms")
                        .value())
                .isEqualTo("-1");
    }

    @Test
    void shouldResolveTopicOverrideFirstWithFullSynonymChain() {
        final ResolvedConfig segment = TopicConfigs.resolve(
                        Map.of("segment.bytes", "2097152"), Map.of("log.segment.bytes", "4194304"))
                .get("segment.bytes");

        assertThat(segment.value()).isEqualTo("2097152");
        assertThat(segment.source()).isEqualTo(ConfigSource.TOPIC_CONFIG);
        assertThat(segment.synonyms())
                .containsExactly(
                        new ConfigSynonym("segment.bytes", "2097152", ConfigSource.TOPIC_CONFIG),
                        new ConfigSynonym("log.segment.bytes", "4194304", ConfigSource.STATIC_BROKER_CONFIG),
                        new ConfigSynonym("log.segment.bytes", "1073741824", ConfigSource.DEFAULT_CONFIG));
    }

    @Test
    void shouldPreferThisBrokersDynamicValueOverTheClusterDefaultOverStaticProperties() {
        final BrokerConfigLayers layers = new BrokerConfigLayers(
                Map.of("log.retention.ms", "1000"),
                Map.of("log.retention.ms", "2000"),
                Map.of("log.retention.ms", "3000", "log.retention.hours", "4"));

        final ResolvedConfig retention = TopicConfigs.resolve(Map.of(), layers).get("retention.ms");

        assertThat(retention.value()).isEqualTo("1000");
        assertThat(retention.source()).isEqualTo(ConfigSource.DYNAMIC_BROKER_CONFIG);
        assertThat(retention.synonyms())
                .containsExactly(
                        new ConfigSynonym("log.retention.ms", "1000", ConfigSource.DYNAMIC_BROKER_CONFIG),
                        new ConfigSynonym("log.retention.ms", "2000", ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG),
                        new ConfigSynonym("log.retention.ms", "3000", ConfigSource.STATIC_BROKER_CONFIG),
                        new ConfigSynonym("log.retention.hours", "4", ConfigSource.STATIC_BROKER_CONFIG),
                        new ConfigSynonym("log.retention.hours", "168", ConfigSource.DEFAULT_CONFIG));
    }

    @Test
    void shouldResolveTheClusterDefaultBelowATopicOverride() {
        final BrokerConfigLayers layers =
                BrokerConfigLayers.of(Map.of("", Map.of("message.max.bytes", "5000")), 1, Map.of());

        assertThat(TopicConfigs.resolve(Map.of(), layers)
                        .get("max.message.bytes")
                        .source())
                .isEqualTo(ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG);
        assertThat(TopicConfigs.resolve(Map.of("max.message.bytes", "100"), layers)
                        .get("max.message.bytes")
                        .value())
                .isEqualTo("100");
    }

    @Test
    void shouldUseKafkaBrokerNamesForSynonyms() {
        assertThat(synonymNames("max.message.bytes")).containsExactly("message.max.bytes");
        assertThat(synonymNames("cleanup.policy")).containsExactly("log.cleanup.policy");
        assertThat(synonymNames("segment.ms")).containsExactly("log.roll.ms", "log.roll.hours");
        assertThat(synonymNames("min.cleanable.dirty.ratio")).containsExactly("log.cleaner.min.cleanable.ratio");
        assertThat(synonymNames("segment.index.bytes")).containsExactly("log.index.size.max.bytes");
        assertThat(synonymNames("flush.ms"))
                .containsExactly("log.flush.interval.ms", "log.flush.scheduler.interval.ms");
        assertThat(synonymNames("remote.storage.enable")).isEmpty();
    }

    @Test
    void shouldResolveConfigWithoutBrokerSynonymToItsDefault() {
        final ResolvedConfig throttled =
                TopicConfigs.resolve(Map.of(), Map.of()).get("leader.replication.throttled.replicas");

        assertThat(throttled.value()).isEmpty();
        assertThat(throttled.synonyms())
                .containsExactly(
                        new ConfigSynonym("leader.replication.throttled.replicas", "", ConfigSource.DEFAULT_CONFIG));
    }

    @Test
    void shouldResolveEveryConfigInNameOrder() {
        final List<String> names =
                List.copyOf(TopicConfigs.resolve(Map.of(), Map.of()).keySet());
        assertThat(names).containsExactlyElementsOf(TopicConfigs.all().keySet()).isSorted();
    }

    private static List<String> synonymNames(final String topicConfig) {
        return TopicConfigs.get(topicConfig).synonyms().stream()
                .map(BrokerSynonym::name)
                .toList();
    }
}
