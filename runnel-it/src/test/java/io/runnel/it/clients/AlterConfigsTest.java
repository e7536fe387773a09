package io.runnel.it.clients;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.runnel.it.TestBrokerExtension;
import io.runnel.testsupport.Await;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.AlterConfigsOptions;
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
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * kafka-configs-style round trips from kafka-clients' Admin: topic configs changed at run time are validated,
 * described back with their source, applied to the open logs while clients produce, and kept across a restart.
 * (kafka-clients 4 no longer sends the legacy AlterConfigs; {@code LegacyAlterConfigsTest} covers it on the wire.)
 */
@Timeout(60)
class AlterConfigsTest {
    private static final long HOUR_MS = 3_600_000L;

    @RegisterExtension
    static final TestBrokerExtension BROKER =
            new TestBrokerExtension("log.retention.check.interval.ms", "100", "log.segment.delete.delay.ms", "100");

    @Test
    void shouldRejectRecordsOverANewMaxMessageBytesWhileTheProducerKeepsRunning() throws Exception {
        final String topic = "shrinking";
        try (Admin admin = BROKER.broker().admin();
                KafkaProducer<byte[], byte[]> producer = BROKER.broker()
                        .producer(ProducerConfig.LINGER_MS_CONFIG, 0, ProducerConfig.RETRIES_CONFIG, 0)) {
            create(admin, topic);
            producer.send(new ProducerRecord<>(topic, new byte[5000])).get();

            set(admin, topic, "max.message.bytes", "2000");

            assertThatThrownBy(() -> producer.send(new ProducerRecord<>(topic, new byte[5000]))
                            .get())
                    .hasCauseInstanceOf(RecordTooLargeException.class);
            producer.send(new ProducerRecord<>(topic, new byte[500])).get();
        }
    }

    @Test
    void shouldDescribeAChangedRetentionAsDynamicAndTheDefaultAgainOnceDeleted() throws Exception {
        final String topic = "described";
        try (Admin admin = BROKER.broker().admin()) {
            create(admin, topic);

            set(admin, topic, "retention.ms", "60000");
            final ConfigEntry changed = describe(admin, topic).get("retention.ms");
            assertThat(changed.value()).isEqualTo("60000");
            assertThat(changed.source()).isEqualTo(ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG);
            assertThat(changed.synonyms())
                    .extracting(ConfigEntry.ConfigSynonym::name, ConfigEntry.ConfigSynonym::source)
                    .startsWith(tuple("retention.ms", ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG));

            alter(admin, topic, new AlterConfigOp(new ConfigEntry("retention.ms", null), AlterConfigOp.OpType.DELETE));
            final ConfigEntry restored = describe(admin, topic).get("retention.ms");
            assertThat(restored.value()).isEqualTo("604800000");
            assertThat(restored.source()).isEqualTo(ConfigEntry.ConfigSource.DEFAULT_CONFIG);
        }
    }

    @Test
    void shouldDeleteOldSegmentsOnceRetentionIsShortenedAtRunTime() throws Exception {
        final TopicPartition tp = new TopicPartition("shortened", 0);
        try (Admin admin = BROKER.broker().admin()) {
            create(admin, tp.topic());
            final long twoHoursAgo = System.currentTimeMillis() - 2 * HOUR_MS;
            try (KafkaProducer<byte[], byte[]> producer =
                    BROKER.broker().producer(ProducerConfig.LINGER_MS_CONFIG, 0)) {
                for (int i = 0; i < 3; i++) {
                    producer.send(new ProducerRecord<>(tp.topic(), 0, twoHoursAgo, null, new byte[100]))
                            .get();
                }
            }
            Thread.sleep(
                    300); // deliberate: a few retention passes (every 100 ms) under the default must delete nothing
            assertThat(offset(admin, tp, OffsetSpec.earliest()))
                    .as("kept under the default 7 days")
                    .isZero();

            set(admin, tp.topic(), "retention.ms", Long.toString(HOUR_MS));

            Await.until(
                    Duration.ofSeconds(60),
                    () -> offset(admin, tp, OffsetSpec.earliest()) == 3,
                    "retention under the shortened retention.ms deletes the three old records");
        }
    }

    @Test
    void shouldEditListConfigsWithAppendAndSubtract() throws Exception {
        final String topic = "listed";
        try (Admin admin = BROKER.broker().admin()) {
            create(admin, topic);

            alter(
                    admin,
                    topic,
                    new AlterConfigOp(new ConfigEntry("cleanup.policy", "compact"), AlterConfigOp.OpType.APPEND));
            assertThat(describe(admin, topic).get("cleanup.policy").value()).isEqualTo("delete,compact");

            alter(
                    admin,
                    topic,
                    new AlterConfigOp(new ConfigEntry("cleanup.policy", "delete"), AlterConfigOp.OpType.SUBTRACT));
            assertThat(describe(admin, topic).get("cleanup.policy").value()).isEqualTo("compact");
        }
    }

    @Test
    void shouldKeepChangedConfigsAcrossARestart() throws Exception {
        final String topic = "durable";
        try (Admin admin = BROKER.broker().admin()) {
            create(admin, topic);
            set(admin, topic, "retention.ms", "123456");
        }

        BROKER.broker().restart();

        try (Admin admin = BROKER.broker().admin()) {
            final ConfigEntry entry = describe(admin, topic).get("retention.ms");
            assertThat(entry.value()).isEqualTo("123456");
            assertThat(entry.source()).isEqualTo(ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG);
        }
    }

    @Test
    void shouldChangeNothingWhenValidateOnly() throws Exception {
        final String topic = "validated";
        try (Admin admin = BROKER.broker().admin()) {
            create(admin, topic);

            admin.incrementalAlterConfigs(
                            Map.of(
                                    resource(topic),
                                    List.of(new AlterConfigOp(
                                            new ConfigEntry("retention.ms", "1000"), AlterConfigOp.OpType.SET))),
                            new AlterConfigsOptions().validateOnly(true))
                    .all()
                    .get();

            assertThat(describe(admin, topic).get("retention.ms").value()).isEqualTo("604800000");
            assertThatThrownBy(() -> admin.incrementalAlterConfigs(
                                    Map.of(
                                            resource(topic),
                                            List.of(new AlterConfigOp(
                                                    new ConfigEntry("retention.ms", "often"),
                                                    AlterConfigOp.OpType.SET))),
                                    new AlterConfigsOptions().validateOnly(true))
                            .all()
                            .get())
                    .hasCauseInstanceOf(InvalidConfigurationException.class);
        }
    }

    @Test
    void shouldReportMissingTopicsUnknownNamesAndInvalidValues() throws Exception {
        final String topic = "strict";
        try (Admin admin = BROKER.broker().admin()) {
            create(admin, topic);

            assertThatThrownBy(() -> set(admin, "no-such-topic", "retention.ms", "1000"))
                    .hasCauseInstanceOf(UnknownTopicOrPartitionException.class);
            assertThatThrownBy(() -> set(admin, topic, "retention.millis", "1000"))
                    .hasCauseInstanceOf(InvalidConfigurationException.class)
                    .hasMessageContaining("Unknown topic config name: retention.millis");
            assertThatThrownBy(() -> set(admin, topic, "max.message.bytes", "-3"))
                    .hasCauseInstanceOf(InvalidConfigurationException.class)
                    .hasMessageContaining("max.message.bytes");
            assertThatThrownBy(() -> alter(
                            admin,
                            topic,
                            new AlterConfigOp(new ConfigEntry("retention.ms", "1"), AlterConfigOp.OpType.APPEND)))
                    .hasCauseInstanceOf(InvalidConfigurationException.class)
                    .hasMessageContaining("because its type is not LIST");
            assertThatThrownBy(() -> alter(
                            admin,
                            topic,
                            new AlterConfigOp(new ConfigEntry("retention.ms", "1"), AlterConfigOp.OpType.SET),
                            new AlterConfigOp(new ConfigEntry("retention.ms", null), AlterConfigOp.OpType.DELETE)))
                    .hasCauseInstanceOf(InvalidRequestException.class);
            assertThat(describe(admin, topic).get("retention.ms").source())
                    .isEqualTo(ConfigEntry.ConfigSource.DEFAULT_CONFIG);
        }
    }

    private static void create(final Admin admin, final String topic) throws Exception {
        admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
    }

    private static ConfigResource resource(final String topic) {
        return new ConfigResource(ConfigResource.Type.TOPIC, topic);
    }

    private static void set(final Admin admin, final String topic, final String name, final String value)
            throws ExecutionException, InterruptedException {
        alter(admin, topic, new AlterConfigOp(new ConfigEntry(name, value), AlterConfigOp.OpType.SET));
    }

    private static void alter(final Admin admin, final String topic, final AlterConfigOp... ops)
            throws ExecutionException, InterruptedException {
        admin.incrementalAlterConfigs(Map.of(resource(topic), List.of(ops)))
                .all()
                .get();
    }

    private static Config describe(final Admin admin, final String topic) throws Exception {
        return admin.describeConfigs(List.of(resource(topic)), new DescribeConfigsOptions().includeSynonyms(true))
                .all()
                .get()
                .get(resource(topic));
    }

    private static long offset(final Admin admin, final TopicPartition tp, final OffsetSpec spec) throws Exception {
        return admin.listOffsets(Map.of(tp, spec)).partitionResult(tp).get().offset();
    }
}
