package io.runnel.it.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The broker in its own JVM is SIGKILLed under acks=all producers of a {@code flush.messages=1} topic whose segments
 * roll every few hundred records, with the recovery points checkpointed every 50 ms. After the restart every
 * acknowledged record is at its offset with its value. (The page cache outlives the process, so the records would
 * survive even unflushed: this guards against recovery, which starts at the checkpointed recovery point, losing
 * acknowledged data.)
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class DurableProduceCrashTest {
    private static final TopicPartition TP = new TopicPartition("durable", 0);
    private static final Duration STREAM_BEFORE_KILL = Duration.ofMillis(2000);

    @TempDir
    Path dir;

    private final Map<Long, String> acked = new ConcurrentHashMap<>();

    @Test
    void shouldKeepEveryAcknowledgedRecordOfAFlushMessagesOneTopicWhenKilled() throws Exception {
        try (BrokerProcess broker =
                BrokerProcess.start("durable-crash", dir, "log.flush.offset.checkpoint.interval.ms", "50")) {
            try (Admin admin = broker.admin()) {
                admin.createTopics(List.of(new NewTopic(TP.topic(), 1, (short) 1)
                                .configs(Map.of("flush.messages", "1", "segment.bytes", "1048576"))))
                        .all()
                        .get(30, TimeUnit.SECONDS);
            }
            streamThenKill(broker);
            assertThat(acked.size()).as("records acknowledged before the kill").isGreaterThan(100);

            broker.start();
            assertThat(broker.log()).contains("was not shut down cleanly");
            final List<String> problems = new ArrayList<>();
            final Map<Long, String> log = consumeAll(broker);
            for (final Map.Entry<Long, String> ack : acked.entrySet()) {
                if (!ack.getValue().equals(log.get(ack.getKey()))) {
                    problems.add("@" + ack.getKey() + ": acknowledged " + ack.getValue() + ", found "
                            + log.get(ack.getKey()));
                }
            }
            assertThat(problems).as("acknowledged records lost or moved").isEmpty();
            broker.terminate(Duration.ofSeconds(10));
        }
    }

    /** Streams acks=all sends of 2 KiB values from two producers until the broker is SIGKILLed under them. */
    private void streamThenKill(final BrokerProcess broker) throws Exception {
        final String padding = "x".repeat(2000);
        final List<CrashSender> senders = new ArrayList<>();
        final List<KafkaProducer<byte[], byte[]>> producers = new ArrayList<>();
        for (int p = 0; p < 2; p++) {
            final KafkaProducer<byte[], byte[]> producer = broker.producer(
                    ProducerConfig.ACKS_CONFIG,
                    "all",
                    ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                    "false",
                    ProducerConfig.RETRIES_CONFIG,
                    "0",
                    ProducerConfig.LINGER_MS_CONFIG,
                    "1",
                    ProducerConfig.MAX_BLOCK_MS_CONFIG,
                    "2000");
            producers.add(producer);
            final String name = "p" + p;
            senders.add(CrashSender.start("durable-crash-sender-" + p, 10, seq -> {
                final String value = name + "-" + seq + "-" + padding;
                producer.send(
                        new ProducerRecord<>(TP.topic(), TP.partition(), null, value.getBytes(StandardCharsets.UTF_8)),
                        (metadata, exception) -> {
                            if (exception == null) {
                                acked.put(metadata.offset(), value);
                            }
                        });
            }));
        }
        Thread.sleep(STREAM_BEFORE_KILL.toMillis()); // deliberate: the broker is killed mid-stream, this far in
        broker.kill();
        for (final CrashSender sender : senders) {
            sender.stop();
        }
        for (final KafkaProducer<byte[], byte[]> producer : producers) {
            producer.close(Duration.ZERO);
        }
    }

    private static Map<Long, String> consumeAll(final BrokerProcess broker) {
        final Map<Long, String> records = new ConcurrentHashMap<>();
        try (KafkaConsumer<byte[], byte[]> consumer = broker.consumer()) {
            consumer.assign(List.of(TP));
            consumer.seekToBeginning(List.of(TP));
            final long end =
                    consumer.endOffsets(List.of(TP), Duration.ofSeconds(10)).get(TP);
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (consumer.position(TP) < end && System.nanoTime() < deadline) {
                for (final ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    records.put(r.offset(), new String(r.value(), StandardCharsets.UTF_8));
                }
            }
        }
        return records;
    }
}
