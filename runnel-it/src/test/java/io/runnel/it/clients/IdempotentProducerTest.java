package io.runnel.it.clients;

import static org.assertj.core.api.Assertions.assertThat;

import io.runnel.it.TestBroker;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
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

/** An idempotent producer whose responses keep getting lost retries, and the log still holds each record once. */
@Timeout(120)
class IdempotentProducerTest {
    private static final int RECORDS = 20_000;
    private static final int PARTITIONS = 2;

    @TempDir
    Path dir;

    @Test
    void shouldStoreEachRecordOnceWhenResponsesAreLostAndTheProducerRetries() throws Exception {
        try (FlakyProxy proxy = new FlakyProxy()) {
            final int port = TestBroker.freePort();
            try (TestBroker broker = TestBroker.start(
                    dir,
                    "listeners",
                    "PLAINTEXT://127.0.0.1:" + port,
                    "advertised.listeners",
                    "PLAINTEXT://127.0.0.1:" + proxy.port())) {
                proxy.forwardTo(broker.port());
                try (Admin admin = broker.admin()) {
                    admin.createTopics(List.of(new NewTopic("idempotent", PARTITIONS, (short) 1)))
                            .all()
                            .get();
                }

                proxy.cutEvery(7);
                final List<Future<RecordMetadata>> acks = new ArrayList<>();
                try (KafkaProducer<byte[], byte[]> producer = broker.producer(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + proxy.port(),
                        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                        ProducerConfig.ACKS_CONFIG, "all",
                        ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5,
                        ProducerConfig.BATCH_SIZE_CONFIG, 2048,
                        ProducerConfig.LINGER_MS_CONFIG, 1,
                        ProducerConfig.RECONNECT_BACKOFF_MS_CONFIG, 10,
                        ProducerConfig.RETRY_BACKOFF_MS_CONFIG, 10,
                        ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000,
                        ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 100_000)) {
                    for (int i = 0; i < RECORDS; i++) {
                        acks.add(producer.send(new ProducerRecord<>(
                                "idempotent",
                                i % PARTITIONS,
                                null,
                                Integer.toString(i).getBytes(StandardCharsets.UTF_8))));
                    }
                    producer.flush();
                }
                proxy.cutEvery(0);
                assertThat(proxy.cuts()).as("responses dropped").isGreaterThan(5);

                final Map<Integer, Long> ackedOffset = new HashMap<>();
                for (int i = 0; i < RECORDS; i++) {
                    ackedOffset.put(i, acks.get(i).get().offset());
                }

                final List<ConsumerRecord<byte[], byte[]>> all = new ArrayList<>();
                try (KafkaConsumer<byte[], byte[]> consumer = broker.consumer()) {
                    final List<TopicPartition> tps =
                            List.of(new TopicPartition("idempotent", 0), new TopicPartition("idempotent", 1));
                    consumer.assign(tps);
                    consumer.seekToBeginning(tps);
                    final Map<TopicPartition, Long> end = consumer.endOffsets(tps);
                    assertThat(end.values().stream().mapToLong(Long::longValue).sum())
                            .isEqualTo(RECORDS);
                    while (all.size() < RECORDS) {
                        consumer.poll(Duration.ofMillis(500)).forEach(all::add);
                    }
                }
                final Map<Integer, Long> lastPerPartition = new HashMap<>();
                for (final ConsumerRecord<byte[], byte[]> r : all) {
                    final int i = Integer.parseInt(new String(r.value(), StandardCharsets.UTF_8));
                    assertThat(r.partition()).isEqualTo(i % PARTITIONS);
                    assertThat(r.offset())
                            .as("offset acknowledged for record " + i)
                            .isEqualTo(ackedOffset.get(i));
                    final Long previous = lastPerPartition.put(r.partition(), (long) i);
                    if (previous != null) {
                        assertThat(i).as("send order within a partition").isEqualTo(previous + PARTITIONS);
                    }
                }
            }
        }
    }
}
