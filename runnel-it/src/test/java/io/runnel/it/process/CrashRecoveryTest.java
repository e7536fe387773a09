package io.runnel.it.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
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
 * The broker runs in its own JVM and is SIGKILLed while acks=1 producers have sends in flight. After each restart
 * on the same data every acknowledged record is at its acknowledged offset, offsets are dense, nothing is
 * duplicated, and new appends carry on from the recovered end.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class CrashRecoveryTest {
    private static final String TOPIC = "crash";
    private static final int PARTITIONS = 3;
    private static final int ROUNDS = 2;
    private static final Duration STREAM_BEFORE_KILL = Duration.ofMillis(1500);
    private static final int SENDS_PER_MS = 20;

    @TempDir
    Path dir;

    /** Every acknowledged send: (partition, offset) to value. */
    private final Map<TopicPartition, Map<Long, String>> acked = new ConcurrentHashMap<>();

    private final ConcurrentLinkedQueue<String> ackConflicts = new ConcurrentLinkedQueue<>();

    @Test
    void shouldKeepEveryAcknowledgedRecordAtItsOffsetWhenKilledWithSendsInFlight() throws Exception {
        try (BrokerProcess broker = BrokerProcess.start("crash", dir)) {
            try (Admin admin = broker.admin()) {
                admin.createTopics(List.of(new NewTopic(TOPIC, PARTITIONS, (short) 1)))
                        .all()
                        .get(30, TimeUnit.SECONDS);
            }
            for (int round = 1; round <= ROUNDS; round++) {
                final StreamResult stream = streamThenKill(broker, round);
                System.out.printf(
                        "round %d: %d sends acknowledged, %d failed at the kill%n",
                        round, stream.acknowledged, stream.failed);
                assertThat(stream.acknowledged)
                        .as("records acknowledged before the kill in round %d", round)
                        .isGreaterThan(100);
                assertThat(stream.failed)
                        .as("sends still in flight (failed) when the broker was killed in round %d", round)
                        .isGreaterThan(0);

                broker.start();
                assertThat(broker.log()).as("restart after SIGKILL recovers").contains("was not shut down cleanly");

                final Map<TopicPartition, List<ConsumerRecord<byte[], byte[]>>> log = consumeAll(broker);
                assertEveryAcknowledgedRecordIsAtItsOffset(log);
                assertOffsetsContinueFromTheEnd(broker, log, round);
            }
            assertThat(ackConflicts)
                    .as("two sends acknowledged at the same offset")
                    .isEmpty();
            broker.terminate(Duration.ofSeconds(10));
        }
    }

    private record StreamResult(long acknowledged, long failed) {}

    /** Streams acks=1 sends from a background thread, SIGKILLs the broker mid-stream, then fails what is left. */
    private StreamResult streamThenKill(final BrokerProcess broker, final int round) throws Exception {
        final AtomicLong acknowledged = new AtomicLong();
        final AtomicLong failed = new AtomicLong();
        final AtomicInteger sent = new AtomicInteger();
        final Semaphore inFlight = new Semaphore(1000);
        final KafkaProducer<byte[], byte[]> producer = broker.producer(
                ProducerConfig.ACKS_CONFIG, "1",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "false",
                // a retry after a lost response would write a record twice; this test wants to see only the broker
                ProducerConfig.RETRIES_CONFIG, "0",
                ProducerConfig.LINGER_MS_CONFIG, "2",
                ProducerConfig.BATCH_SIZE_CONFIG, "4096",
                ProducerConfig.MAX_BLOCK_MS_CONFIG, "2000");
        final Thread sender = new Thread(
                () -> {
                    try {
                        while (!Thread.currentThread().isInterrupted()) {
                            inFlight.acquire();
                            final int seq = sent.getAndIncrement();
                            final String value = "r" + round + "-" + seq;
                            producer.send(
                                    new ProducerRecord<>(
                                            TOPIC, seq % PARTITIONS, null, value.getBytes(StandardCharsets.UTF_8)),
                                    (metadata, exception) -> {
                                        inFlight.release();
                                        if (exception == null) {
                                            acknowledge(metadata, value);
                                            acknowledged.incrementAndGet();
                                        } else {
                                            failed.incrementAndGet();
                                        }
                                    });
                            if (seq % SENDS_PER_MS == 0) {
                                // ~20k records/s: sends stay in flight at the kill, and the log stays small enough to
                                // check
                                Thread.sleep(1);
                            }
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    } catch (RuntimeException e) {
                        // send() after the kill: metadata or buffer timeouts, or the producer closing under us
                    }
                },
                "crash-test-sender-" + round);
        sender.start();
        Thread.sleep(STREAM_BEFORE_KILL.toMillis()); // deliberate: the broker is killed mid-stream, this far in
        broker.kill();
        sender.interrupt();
        sender.join(10_000);
        producer.close(Duration.ZERO);
        assertThat(sender.isAlive()).isFalse();
        return new StreamResult(acknowledged.get(), failed.get());
    }

    private void acknowledge(final RecordMetadata metadata, final String value) {
        final TopicPartition tp = new TopicPartition(metadata.topic(), metadata.partition());
        final String previous =
                acked.computeIfAbsent(tp, k -> new ConcurrentHashMap<>()).putIfAbsent(metadata.offset(), value);
        if (previous != null) {
            ackConflicts.add(tp + "@" + metadata.offset() + ": " + previous + " and " + value);
        }
    }

    private static Map<TopicPartition, List<ConsumerRecord<byte[], byte[]>>> consumeAll(final BrokerProcess broker) {
        final List<TopicPartition> partitions = new ArrayList<>();
        for (int p = 0; p < PARTITIONS; p++) {
            partitions.add(new TopicPartition(TOPIC, p));
        }
        final Map<TopicPartition, List<ConsumerRecord<byte[], byte[]>>> records = new HashMap<>();
        try (KafkaConsumer<byte[], byte[]> consumer = broker.consumer()) {
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            final Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, Duration.ofSeconds(10));
            partitions.forEach(tp -> records.put(tp, new ArrayList<>()));
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < ends.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("did not consume up to the end offsets " + ends + " in 30 s");
                }
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    records.get(new TopicPartition(r.topic(), r.partition())).add(r);
                }
            }
        }
        return records;
    }

    /** Plain checks per record (AssertJ per record would take seconds), one assertion over what was wrong. */
    private void assertEveryAcknowledgedRecordIsAtItsOffset(
            final Map<TopicPartition, List<ConsumerRecord<byte[], byte[]>>> log) {
        final List<String> problems = new ArrayList<>();
        final Set<String> seen = new HashSet<>();
        long total = 0;
        long acknowledged = 0;
        for (Map.Entry<TopicPartition, List<ConsumerRecord<byte[], byte[]>>> e : log.entrySet()) {
            final List<ConsumerRecord<byte[], byte[]>> records = e.getValue();
            final List<String> values = new ArrayList<>(records.size());
            for (int i = 0; i < records.size(); i++) {
                final String value = new String(records.get(i).value(), StandardCharsets.UTF_8);
                values.add(value);
                if (records.get(i).offset() != i) {
                    problems.add(e.getKey() + ": record " + i + " has offset "
                            + records.get(i).offset());
                }
                if (!seen.add(value)) {
                    problems.add(e.getKey() + "@" + records.get(i).offset() + ": " + value + " appears twice");
                }
            }
            for (Map.Entry<Long, String> ack :
                    acked.getOrDefault(e.getKey(), Map.of()).entrySet()) {
                final long offset = ack.getKey();
                if (offset >= values.size()) {
                    problems.add(e.getKey() + "@" + offset + ": acknowledged " + ack.getValue()
                            + " but the log ends at " + values.size());
                } else if (!values.get((int) offset).equals(ack.getValue())) {
                    problems.add(e.getKey() + "@" + offset + ": acknowledged " + ack.getValue() + " but found "
                            + values.get((int) offset));
                }
            }
            total += records.size();
            acknowledged += acked.getOrDefault(e.getKey(), Map.of()).size();
        }
        System.out.printf("log holds %d records, %d of them acknowledged%n", total, acknowledged);
        assertThat(acknowledged)
                .as("acknowledged records checked")
                .isEqualTo(acked.values().stream().mapToLong(Map::size).sum());
        assertThat(problems.stream().limit(20).toList())
                .as("records lost, moved or duplicated (first 20 of %d problems)", problems.size())
                .isEmpty();
    }

    /** Appends after recovery get the next offsets; they are acknowledged and then read back at those offsets. */
    private void assertOffsetsContinueFromTheEnd(
            final BrokerProcess broker,
            final Map<TopicPartition, List<ConsumerRecord<byte[], byte[]>>> log,
            final int round)
            throws Exception {
        try (KafkaProducer<byte[], byte[]> producer =
                broker.producer(ProducerConfig.ACKS_CONFIG, "1", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "false")) {
            for (int p = 0; p < PARTITIONS; p++) {
                final TopicPartition tp = new TopicPartition(TOPIC, p);
                for (int i = 0; i < 5; i++) {
                    final String value = "after-r" + round + "-p" + p + "-" + i;
                    final RecordMetadata metadata = producer.send(
                                    new ProducerRecord<>(TOPIC, p, null, value.getBytes(StandardCharsets.UTF_8)))
                            .get(10, TimeUnit.SECONDS);
                    assertThat(metadata.offset())
                            .as("offset of append %d to %s after recovery", i, tp)
                            .isEqualTo(log.get(tp).size() + i);
                    acknowledge(metadata, value);
                }
            }
        }
        assertEveryAcknowledgedRecordIsAtItsOffset(consumeAll(broker));
    }
}
