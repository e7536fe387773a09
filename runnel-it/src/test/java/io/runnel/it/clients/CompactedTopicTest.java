package io.runnel.it.clients;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.runnel.it.TestBrokerExtension;
import io.runnel.testsupport.Await;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Compacted topics seen through kafka-clients. */
@Timeout(120)
class CompactedTopicTest {

    @RegisterExtension
    static final TestBrokerExtension BROKER =
            new TestBrokerExtension("log.cleaner.backoff.ms", "200", "log.segment.delete.delay.ms", "100");

    private static byte[] utf8(final String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void shouldFailASendWithInvalidRecordWhenItsRecordDecompressesPastMaxDecompressedMessageBytes() throws Exception {
        try (Admin admin = BROKER.broker().admin()) {
            admin.createTopics(List.of(new NewTopic("bounded", 1, (short) 1)
                            .configs(Map.of("cleanup.policy", "compact", "max.decompressed.message.bytes", "1048576"))))
                    .all()
                    .get();
        }
        try (KafkaProducer<byte[], byte[]> producer = BROKER.broker()
                .producer(
                        ProducerConfig.COMPRESSION_TYPE_CONFIG,
                        "gzip",
                        ProducerConfig.MAX_REQUEST_SIZE_CONFIG,
                        32 * 1024 * 1024,
                        ProducerConfig.RETRIES_CONFIG,
                        0)) {
            // ten megabytes of zeros: a few kilobytes once gzip'd, well within max.message.bytes
            assertThatThrownBy(() -> producer.send(new ProducerRecord<>("bounded", utf8("k"), new byte[10 << 20]))
                            .get())
                    .isInstanceOf(ExecutionException.class)
                    .cause()
                    .isInstanceOf(InvalidRecordException.class)
                    .hasMessageContaining("exceeds the configured maximum record size of 1048576");
            producer.send(new ProducerRecord<>("bounded", utf8("k"), new byte[1000]))
                    .get();
        }
    }

    @Test
    void shouldFailAKeylessSendWithInvalidRecordWhenTheTopicIsCompacted() throws Exception {
        try (Admin admin = BROKER.broker().admin()) {
            admin.createTopics(List.of(
                            new NewTopic("keys-required", 1, (short) 1).configs(Map.of("cleanup.policy", "compact"))))
                    .all()
                    .get();
        }
        try (KafkaProducer<byte[], byte[]> producer =
                BROKER.broker().producer(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4")) {
            producer.send(new ProducerRecord<>("keys-required", utf8("k"), utf8("v")))
                    .get();

            assertThatThrownBy(() -> producer.send(new ProducerRecord<>("keys-required", null, utf8("v")))
                            .get())
                    .isInstanceOf(ExecutionException.class)
                    .cause()
                    .isInstanceOf(InvalidRecordException.class)
                    .hasMessageContaining("Compacted topic cannot accept message without key");
        }
    }

    /**
     * 100,000 updates over 1,000 keys, every 10th write of a key from key 900 on a tombstone, in 1 MiB segments
     * (Kafka's smallest). The active segment is never cleaned, so the reader keeps the last value per key; what
     * it sees must be exactly the last write of every key whose last write is not a tombstone, from far fewer
     * records than were produced.
     */
    @Test
    void shouldKeepOnlyTheLatestValueOfEveryKeyOnceTheCleanerHasRun() throws Exception {
        final TopicPartition tp = new TopicPartition("table", 0);
        final int keys = 1_000;
        final int updates = 100_000;
        try (Admin admin = BROKER.broker().admin()) {
            admin.createTopics(List.of(new NewTopic(tp.topic(), 1, (short) 1)
                            .configs(Map.of(
                                    "cleanup.policy",
                                    "compact",
                                    "segment.bytes",
                                    "1048576",
                                    "min.cleanable.dirty.ratio",
                                    "0.01"))))
                    .all()
                    .get();
        }
        final Map<String, String> expected = new HashMap<>();
        try (KafkaProducer<byte[], byte[]> producer = BROKER.broker().producer(ProducerConfig.LINGER_MS_CONFIG, "5")) {
            for (int i = 0; i < updates; i++) {
                final String key = "key-" + (i % keys);
                final boolean tombstone = i % keys >= 900 && (i / keys) % 10 == 9;
                final String value = tombstone ? null : "value-" + i + "-" + "x".repeat(40);
                producer.send(new ProducerRecord<>(tp.topic(), utf8(key), value == null ? null : utf8(value)));
                if (value == null) {
                    expected.remove(key);
                } else {
                    expected.put(key, value);
                }
            }
            producer.flush();
        }

        Await.until(
                Duration.ofSeconds(60),
                () -> readAll(tp, updates).size() < updates / 2,
                "the cleaner compacts " + tp + " below half its " + updates + " updates");
        final List<ConsumerRecord<byte[], byte[]>> records = readAll(tp, updates);
        assertThat(records.size()).as("records left after cleaning").isLessThan(updates / 2);
        assertThat(records).extracting(ConsumerRecord::offset).isSorted().doesNotHaveDuplicates();
        final Map<String, String> latest = new HashMap<>();
        for (final ConsumerRecord<byte[], byte[]> record : records) {
            final String key = new String(record.key(), StandardCharsets.UTF_8);
            if (record.value() == null) {
                latest.remove(key);
            } else {
                latest.put(key, new String(record.value(), StandardCharsets.UTF_8));
            }
        }
        assertThat(latest).isEqualTo(expected);
    }

    /** Everything from the start of the partition up to its end offset {@code end}. */
    private static List<ConsumerRecord<byte[], byte[]>> readAll(final TopicPartition tp, final long end) {
        final List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer =
                BROKER.broker().consumer(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest")) {
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            while (consumer.position(tp) < end) {
                for (final ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    records.add(record);
                }
            }
        }
        return records;
    }
}
