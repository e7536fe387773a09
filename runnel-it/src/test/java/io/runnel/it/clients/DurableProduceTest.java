package io.runnel.it.clients;

import static org.assertj.core.api.Assertions.assertThat;

import io.runnel.it.TestBroker;
import io.runnel.storage.PartitionLog;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * "fsync before acknowledging" through kafka-clients: with {@code flush.messages=1} on the topic, or
 * {@code log.flush.interval.messages=1} on the broker, a produce is acknowledged only once the log's recovery point
 * (everything below it fsync'd) has passed the acknowledged records, and everything acknowledged reads back.
 * Several producers share the partition, so their appends share fsyncs.
 */
@Timeout(60)
class DurableProduceTest {
    private static final int PRODUCERS = 3;
    private static final int RECORDS_PER_PRODUCER = 300;

    @TempDir
    Path dir;

    @Test
    void shouldAcknowledgeOnlyFsyncedRecordsOfATopicWithFlushMessagesOne() throws Exception {
        try (TestBroker broker = TestBroker.start(dir.resolve("topic-level"))) {
            final TopicPartition tp = new TopicPartition("durable", 0);
            try (Admin admin = broker.admin()) {
                admin.createTopics(
                                List.of(new NewTopic(tp.topic(), 1, (short) 1).configs(Map.of("flush.messages", "1"))))
                        .all()
                        .get(30, TimeUnit.SECONDS);
            }
            produceAndCheckEachAckIsFsynced(broker, tp);
        }
    }

    @Test
    void shouldAcknowledgeOnlyFsyncedRecordsWhenTheBrokerSetsLogFlushIntervalMessagesToOne() throws Exception {
        try (TestBroker broker = TestBroker.start(dir.resolve("broker-level"), "log.flush.interval.messages", "1")) {
            final TopicPartition tp = new TopicPartition("durable-by-default", 0);
            try (Admin admin = broker.admin()) {
                admin.createTopics(List.of(new NewTopic(tp.topic(), 1, (short) 1)))
                        .all()
                        .get(30, TimeUnit.SECONDS);
            }
            produceAndCheckEachAckIsFsynced(broker, tp);
        }
    }

    private static void produceAndCheckEachAckIsFsynced(final TestBroker broker, final TopicPartition tp)
            throws Exception {
        final PartitionLog log = broker.broker().logs().get(tp).orElseThrow();
        final Map<Long, String> acked = new ConcurrentHashMap<>();
        final ConcurrentLinkedQueue<String> ackedBeforeFsync = new ConcurrentLinkedQueue<>();
        final List<KafkaProducer<byte[], byte[]>> producers = new ArrayList<>();
        final List<Future<RecordMetadata>> sends = new ArrayList<>();
        try {
            for (int p = 0; p < PRODUCERS; p++) {
                producers.add(broker.producer(ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.LINGER_MS_CONFIG, "0"));
            }
            for (int i = 0; i < RECORDS_PER_PRODUCER; i++) {
                for (int p = 0; p < PRODUCERS; p++) {
                    final String value = "p" + p + "-" + i;
                    sends.add(producers
                            .get(p)
                            .send(
                                    new ProducerRecord<>(
                                            tp.topic(), tp.partition(), null, value.getBytes(StandardCharsets.UTF_8)),
                                    (metadata, exception) -> {
                                        if (exception != null) {
                                            return;
                                        }
                                        // the producer's I/O thread runs this after the response arrived
                                        final long recoveryPoint = log.recoveryPoint();
                                        if (recoveryPoint <= metadata.offset()) {
                                            ackedBeforeFsync.add(
                                                    metadata.offset() + " acked at recovery point " + recoveryPoint);
                                        }
                                        acked.put(metadata.offset(), value);
                                    }));
                }
            }
            for (final Future<RecordMetadata> send : sends) {
                send.get(30, TimeUnit.SECONDS);
            }
        } finally {
            for (final KafkaProducer<byte[], byte[]> producer : producers) {
                producer.close(Duration.ofSeconds(5));
            }
        }
        assertThat(ackedBeforeFsync).as("acknowledged before they were fsync'd").isEmpty();
        assertThat(acked).hasSize(PRODUCERS * RECORDS_PER_PRODUCER);

        final Map<Long, String> read = new ConcurrentHashMap<>();
        try (KafkaConsumer<byte[], byte[]> consumer = broker.consumer()) {
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            while (read.size() < acked.size()) {
                for (final ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    read.put(r.offset(), new String(r.value(), StandardCharsets.UTF_8));
                }
            }
        }
        assertThat(read).isEqualTo(acked);
    }
}
