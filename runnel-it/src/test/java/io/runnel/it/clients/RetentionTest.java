package io.runnel.it.clients;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.runnel.it.TestBrokerExtension;
import io.runnel.testsupport.Await;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Retention seen through kafka-clients: old segments go, ListOffsets EARLIEST moves past them, and consumers
 * starting from the earliest offset (or reset there after falling behind it) read exactly what is kept.
 *
 * <p>Each record is 600 kB and segments are 1 MiB (Kafka's smallest), so every record has a segment to itself
 * and retention, which deletes whole segments, deletes whole records.
 */
@Timeout(60)
class RetentionTest {
    private static final int RECORD_BYTES = 600_000;
    private static final long HOUR_MS = 3_600_000L;

    @RegisterExtension
    static final TestBrokerExtension BROKER =
            new TestBrokerExtension("log.retention.check.interval.ms", "100", "log.segment.delete.delay.ms", "100");

    @Test
    void shouldDeleteSegmentsOlderThanRetentionMsAndServeOnlyTheFreshRecords() throws Exception {
        final TopicPartition tp = new TopicPartition("expiring", 0);
        try (Admin admin = BROKER.broker().admin()) {
            admin.createTopics(List.of(new NewTopic(tp.topic(), 1, (short) 1)
                            .configs(Map.of("segment.bytes", "1048576", "retention.ms", Long.toString(HOUR_MS)))))
                    .all()
                    .get();
            final long now = System.currentTimeMillis();
            produce(tp, now - 2 * HOUR_MS, now - 2 * HOUR_MS, now - 2 * HOUR_MS, now, now, now);

            awaitEarliestOffset(admin, tp, 3);

            assertThat(offset(admin, tp, OffsetSpec.latest())).isEqualTo(6);
            final Config described = admin.describeConfigs(
                            List.of(new ConfigResource(ConfigResource.Type.TOPIC, tp.topic())))
                    .all()
                    .get()
                    .values()
                    .iterator()
                    .next();
            assertThat(described.get("retention.ms").value()).isEqualTo(Long.toString(HOUR_MS));
            assertThat(described.get("retention.ms").source()).isEqualTo(ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG);
        }
        try (KafkaConsumer<byte[], byte[]> consumer =
                BROKER.broker().consumer(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest")) {
            consumer.assign(List.of(tp));
            final List<ConsumerRecord<byte[], byte[]>> records = readUntilEnd(consumer, tp, 6);

            assertThat(records).extracting(ConsumerRecord::offset).containsExactly(3L, 4L, 5L);
            assertThat(records)
                    .allSatisfy(r -> assertThat(r.timestamp()).isGreaterThan(System.currentTimeMillis() - HOUR_MS));
        }
    }

    @Test
    void shouldKeepEverySegmentForeverWhenTheCleanupPolicyIsEmpty() throws Exception {
        final TopicPartition tp = new TopicPartition("kept-forever", 0);
        try (Admin admin = BROKER.broker().admin()) {
            admin.createTopics(List.of(new NewTopic(tp.topic(), 1, (short) 1)
                            .configs(Map.of(
                                    "cleanup.policy",
                                    "",
                                    "segment.bytes",
                                    "1048576",
                                    "retention.ms",
                                    Long.toString(HOUR_MS)))))
                    .all()
                    .get();
            final long twoHoursAgo = System.currentTimeMillis() - 2 * HOUR_MS;
            produce(tp, twoHoursAgo, twoHoursAgo, twoHoursAgo);

            Thread.sleep(1000); // ten retention passes
            assertThat(offset(admin, tp, OffsetSpec.earliest())).isZero();
            assertThat(offset(admin, tp, OffsetSpec.latest())).isEqualTo(3);
            final Config described = admin.describeConfigs(
                            List.of(new ConfigResource(ConfigResource.Type.TOPIC, tp.topic())))
                    .all()
                    .get()
                    .values()
                    .iterator()
                    .next();
            assertThat(described.get("cleanup.policy").value()).isEmpty();
        }
    }

    @Test
    void shouldRefuseAnEmptyElementOfCleanupPolicyWithInvalidConfig() throws Exception {
        try (Admin admin = BROKER.broker().admin()) {
            assertThatThrownBy(() -> admin.createTopics(List.of(new NewTopic("empty-element", 1, (short) 1)
                                    .configs(Map.of("cleanup.policy", "delete,"))))
                            .all()
                            .get())
                    .cause()
                    .isInstanceOf(InvalidConfigurationException.class)
                    .hasMessageContaining("Configuration 'cleanup.policy' values must not be empty.");
        }
    }

    @Test
    void shouldKeepAtLeastRetentionBytesOfTheNewestRecords() throws Exception {
        final TopicPartition tp = new TopicPartition("bounded", 0);
        final long retentionBytes = 1_500_000;
        try (Admin admin = BROKER.broker().admin()) {
            admin.createTopics(List.of(new NewTopic(tp.topic(), 1, (short) 1)
                            .configs(Map.of(
                                    "segment.bytes",
                                    "1048576",
                                    "retention.bytes",
                                    Long.toString(retentionBytes),
                                    "retention.ms",
                                    "-1"))))
                    .all()
                    .get();
            final long now = System.currentTimeMillis();
            produce(tp, now, now, now, now, now, now);

            // 3.6 MB in six segments: the oldest three go, the newest three (1.8 MB) are the least that holds 1.5 MB
            awaitEarliestOffset(admin, tp, 3);
            Thread.sleep(500); // deliberate: a few more retention passes (every 100 ms) must delete nothing more
            assertThat(offset(admin, tp, OffsetSpec.earliest()))
                    .as("after a few more passes")
                    .isEqualTo(3);
        }
        try (KafkaConsumer<byte[], byte[]> consumer =
                BROKER.broker().consumer(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest")) {
            consumer.assign(List.of(tp));
            // a consumer that was at offset 0 is out of range and is reset to the earliest offset
            consumer.seek(tp, 0);
            final List<ConsumerRecord<byte[], byte[]>> records = readUntilEnd(consumer, tp, 6);

            assertThat(records).extracting(ConsumerRecord::offset).containsExactly(3L, 4L, 5L);
            assertThat(records.stream().mapToLong(r -> r.value().length).sum()).isGreaterThanOrEqualTo(retentionBytes);
        }
    }

    /** One record per timestamp, each acknowledged before the next is sent. */
    private static void produce(final TopicPartition tp, final long... timestamps) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = BROKER.broker().producer(ProducerConfig.LINGER_MS_CONFIG, 0)) {
            for (final long timestamp : timestamps) {
                producer.send(new ProducerRecord<>(tp.topic(), tp.partition(), timestamp, null, new byte[RECORD_BYTES]))
                        .get();
            }
        }
    }

    private static void awaitEarliestOffset(final Admin admin, final TopicPartition tp, final long expected)
            throws Exception {
        Await.until(
                Duration.ofSeconds(60),
                () -> {
                    final long earliest = offset(admin, tp, OffsetSpec.earliest());
                    assertThat(earliest)
                            .as("the log start offset only moves forward, up to %d", expected)
                            .isLessThanOrEqualTo(expected);
                    return earliest == expected;
                },
                "the log start offset of " + tp + " reaches " + expected);
    }

    private static long offset(final Admin admin, final TopicPartition tp, final OffsetSpec spec) throws Exception {
        return admin.listOffsets(Map.of(tp, spec)).partitionResult(tp).get().offset();
    }

    private static List<ConsumerRecord<byte[], byte[]>> readUntilEnd(
            final KafkaConsumer<byte[], byte[]> consumer, final TopicPartition tp, final long end) {
        final List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        while (consumer.position(tp) < end) {
            consumer.poll(Duration.ofMillis(200)).forEach(records::add);
        }
        return records;
    }
}
