package io.runnel.it.clients;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.runnel.it.TestBrokerExtension;
import io.runnel.testsupport.Await;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.DescribeConfigsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Dynamic broker configs from kafka-clients' Admin, as {@code kafka-configs --entity-type brokers} sets them: the
 * cluster default ({@code --entity-default}, resource name "") and this broker's own id; topics without an
 * override inherit them at once.
 */
@Timeout(60)
class DynamicBrokerConfigsTest {
    private static final long HOUR_MS = 3_600_000L;
    private static final ConfigResource CLUSTER_DEFAULT = new ConfigResource(ConfigResource.Type.BROKER, "");
    private static final ConfigResource THIS_BROKER = new ConfigResource(ConfigResource.Type.BROKER, "1");

    @RegisterExtension
    static final TestBrokerExtension BROKER = new TestBrokerExtension(
            "node.id", "1", "log.retention.check.interval.ms", "100", "log.segment.delete.delay.ms", "100");

    @Test
    void shouldDescribeEveryBrokerConfigRunnelReadsWithItsValueAndSourceWhenAskedForAll() throws Exception {
        try (Admin admin = BROKER.broker().admin()) {
            final Config config =
                    admin.describeConfigs(List.of(THIS_BROKER)).all().get().get(THIS_BROKER);

            assertThat(config.get("num.partitions"))
                    .extracting(ConfigEntry::value, ConfigEntry::source, ConfigEntry::isReadOnly)
                    .containsExactly("1", ConfigEntry.ConfigSource.DEFAULT_CONFIG, true);
            assertThat(config.get("log.retention.check.interval.ms"))
                    .extracting(ConfigEntry::value, ConfigEntry::source)
                    .containsExactly("100", ConfigEntry.ConfigSource.STATIC_BROKER_CONFIG);
            assertThat(config.get("node.id"))
                    .extracting(ConfigEntry::value, ConfigEntry::source, ConfigEntry::type)
                    .containsExactly("1", ConfigEntry.ConfigSource.STATIC_BROKER_CONFIG, ConfigEntry.ConfigType.INT);
            assertThat(config.get("max.decompressed.message.bytes"))
                    .extracting(ConfigEntry::value, ConfigEntry::source, ConfigEntry::isReadOnly)
                    .containsExactly("2147483639", ConfigEntry.ConfigSource.DEFAULT_CONFIG, false);
            assertThat(config.get("log.retention.ms"))
                    .as("a higher-priority synonym nothing sets has no value, as in Kafka")
                    .extracting(ConfigEntry::value, ConfigEntry::source)
                    .containsExactly(null, ConfigEntry.ConfigSource.DEFAULT_CONFIG);
            assertThat(config.get("auto.create.topics.enable").type()).isEqualTo(ConfigEntry.ConfigType.BOOLEAN);
            // every row of the README's configuration table
            assertThat(config.entries())
                    .extracting(ConfigEntry::name)
                    .contains(
                            "listeners",
                            "advertised.listeners",
                            "log.dirs",
                            "default.replication.factor",
                            "auto.create.topics.enable",
                            "create.topic.policy.class.name",
                            "alter.config.policy.class.name",
                            "socket.request.max.bytes",
                            "connections.max.idle.ms",
                            "num.network.threads",
                            "num.io.threads",
                            "max.incremental.fetch.session.cache.slots",
                            "offsets.topic.num.partitions",
                            "offsets.topic.segment.bytes",
                            "group.initial.rebalance.delay.ms",
                            "group.min.session.timeout.ms",
                            "group.max.session.timeout.ms",
                            "group.max.size",
                            "group.consumer.session.timeout.ms",
                            "group.consumer.heartbeat.interval.ms",
                            "group.consumer.max.size",
                            "group.consumer.assignors",
                            "group.consumer.migration.policy",
                            "offsets.retention.minutes",
                            "offsets.retention.check.interval.ms",
                            "offset.metadata.max.bytes",
                            "message.max.bytes",
                            "log.segment.bytes",
                            "log.roll.hours",
                            "log.index.interval.bytes",
                            "log.index.size.max.bytes",
                            "log.message.timestamp.type",
                            "log.flush.interval.messages",
                            "log.flush.interval.ms",
                            "log.retention.hours",
                            "log.retention.bytes",
                            "log.cleanup.policy",
                            "log.segment.delete.delay.ms",
                            "log.cleaner.backoff.ms",
                            "log.cleaner.io.max.bytes.per.second",
                            "log.cleaner.threads",
                            "log.flush.scheduler.interval.ms",
                            "num.recovery.threads.per.data.dir",
                            "log.flush.offset.checkpoint.interval.ms",
                            "log.cleaner.dedupe.buffer.size",
                            "log.cleaner.io.buffer.load.factor");
        }
    }

    @Test
    void shouldApplyAClusterDefaultRetentionToTopicsWithoutTheirOwn() throws Exception {
        final TopicPartition tp = new TopicPartition("inheriting", 0);
        try (Admin admin = BROKER.broker().admin()) {
            admin.createTopics(List.of(new NewTopic(tp.topic(), 1, (short) 1)))
                    .all()
                    .get();
            final long twoHoursAgo = System.currentTimeMillis() - 2 * HOUR_MS;
            try (KafkaProducer<byte[], byte[]> producer =
                    BROKER.broker().producer(ProducerConfig.LINGER_MS_CONFIG, 0)) {
                for (int i = 0; i < 3; i++) {
                    producer.send(new ProducerRecord<>(tp.topic(), 0, twoHoursAgo, null, new byte[100]))
                            .get();
                }
            }
            try {
                alter(admin, CLUSTER_DEFAULT, "log.retention.ms", Long.toString(HOUR_MS), AlterConfigOp.OpType.SET);

                final ConfigEntry retention = describe(admin, new ConfigResource(ConfigResource.Type.TOPIC, tp.topic()))
                        .get("retention.ms");
                assertThat(retention.value()).isEqualTo(Long.toString(HOUR_MS));
                assertThat(retention.source()).isEqualTo(ConfigEntry.ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG);
                Await.until(
                        Duration.ofSeconds(60),
                        () -> admin.listOffsets(Map.of(tp, OffsetSpec.earliest()))
                                        .partitionResult(tp)
                                        .get()
                                        .offset()
                                == 3,
                        "retention under the new cluster default deletes the three old records");
            } finally {
                alter(admin, CLUSTER_DEFAULT, "log.retention.ms", null, AlterConfigOp.OpType.DELETE);
            }
        }
    }

    @Test
    void shouldDescribeThisBrokersOwnValueAboveTheClusterDefaultAndKeepItAcrossARestart() throws Exception {
        try (Admin admin = BROKER.broker().admin()) {
            alter(admin, CLUSTER_DEFAULT, "log.segment.bytes", "2097152", AlterConfigOp.OpType.SET);
            alter(admin, THIS_BROKER, "log.segment.bytes", "4194304", AlterConfigOp.OpType.SET);
        }
        BROKER.broker().restart();
        try (Admin admin = BROKER.broker().admin()) {
            final ConfigEntry segment = describe(admin, THIS_BROKER).get("log.segment.bytes");
            assertThat(segment.value()).isEqualTo("4194304");
            assertThat(segment.source()).isEqualTo(ConfigEntry.ConfigSource.DYNAMIC_BROKER_CONFIG);
            assertThat(segment.isReadOnly()).isFalse();
            assertThat(segment.synonyms())
                    .extracting(ConfigEntry.ConfigSynonym::source)
                    .containsExactly(
                            ConfigEntry.ConfigSource.DYNAMIC_BROKER_CONFIG,
                            ConfigEntry.ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG,
                            ConfigEntry.ConfigSource.DEFAULT_CONFIG);

            alter(admin, THIS_BROKER, "log.segment.bytes", null, AlterConfigOp.OpType.DELETE);
            alter(admin, CLUSTER_DEFAULT, "log.segment.bytes", null, AlterConfigOp.OpType.DELETE);
            final ConfigEntry restored = describe(admin, THIS_BROKER).get("log.segment.bytes");
            assertThat(restored.value()).isEqualTo("1073741824");
            assertThat(restored.source()).isEqualTo(ConfigEntry.ConfigSource.DEFAULT_CONFIG);
        }
    }

    @Test
    void shouldRefuseStaticConfigsOtherBrokersAndBadValuesWithInvalidRequest() throws Exception {
        try (Admin admin = BROKER.broker().admin()) {
            assertThatThrownBy(() -> alter(admin, CLUSTER_DEFAULT, "log.dirs", "/tmp", AlterConfigOp.OpType.SET))
                    .hasCauseInstanceOf(InvalidRequestException.class)
                    .hasMessageContaining("Cannot update these configs dynamically: log.dirs");
            assertThatThrownBy(
                            () -> alter(admin, CLUSTER_DEFAULT, "log.retention.ms", "later", AlterConfigOp.OpType.SET))
                    .hasCauseInstanceOf(InvalidRequestException.class);
            assertThat(describe(admin, THIS_BROKER).get("log.dirs").isReadOnly())
                    .isTrue();
        }
    }

    private static void alter(
            final Admin admin,
            final ConfigResource resource,
            final String name,
            final String value,
            final AlterConfigOp.OpType op)
            throws Exception {
        admin.incrementalAlterConfigs(Map.of(resource, List.of(new AlterConfigOp(new ConfigEntry(name, value), op))))
                .all()
                .get();
    }

    private static Config describe(final Admin admin, final ConfigResource resource) throws Exception {
        return admin.describeConfigs(List.of(resource), new DescribeConfigsOptions().includeSynonyms(true))
                .all()
                .get()
                .get(resource);
    }
}
