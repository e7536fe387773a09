package io.runnel.it.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
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
 * The broker in its own JVM is SIGKILLed while retention keeps deleting segments under a producer (1 MiB segments,
 * {@code retention.bytes} of 4 MiB, a check every 20 ms). After each restart the log is consistent: offsets are
 * dense from the log start to the end, every acknowledged record at or above the log start is at its offset with
 * its value, and no half-deleted segment is left behind.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RetentionCrashTest {
    private static final TopicPartition TP = new TopicPartition("retained", 0);
    private static final int ROUNDS = 2;
    private static final Duration STREAM_BEFORE_KILL = Duration.ofMillis(2500);

    @TempDir
    Path dir;

    private final Map<Long, String> acked = new ConcurrentHashMap<>();

    @Test
    void shouldLeaveAConsistentLogWhenKilledWhileRetentionDeletesSegments() throws Exception {
        try (BrokerProcess broker = BrokerProcess.start(
                "retention-crash", dir, "log.retention.check.interval.ms", "20", "log.segment.delete.delay.ms", "10")) {
            try (Admin admin = broker.admin()) {
                admin.createTopics(List.of(new NewTopic(TP.topic(), 1, (short) 1)
                                .configs(Map.of("segment.bytes", "1048576", "retention.bytes", "4194304"))))
                        .all()
                        .get(30, TimeUnit.SECONDS);
            }
            for (int round = 1; round <= ROUNDS; round++) {
                streamThenKill(broker, round);
                broker.start();
                assertThat(broker.log()).contains("was not shut down cleanly");

                final long start;
                final long end;
                try (Admin admin = broker.admin()) {
                    start = admin.listOffsets(Map.of(TP, OffsetSpec.earliest()))
                            .partitionResult(TP)
                            .get()
                            .offset();
                    end = admin.listOffsets(Map.of(TP, OffsetSpec.latest()))
                            .partitionResult(TP)
                            .get()
                            .offset();
                }
                assertThat(start)
                        .as("retention deleted segments while the producer ran")
                        .isPositive();
                assertConsistent(broker, start, end);
                try (Stream<Path> files = Files.walk(dir)) {
                    assertThat(files.filter(f -> f.getFileName().toString().endsWith(".deleted")))
                            .as("half-deleted segments are cleaned up at start-up")
                            .isEmpty();
                }
            }
            broker.terminate(Duration.ofSeconds(10));
        }
    }

    /** Streams acks=all sends of 1 KiB values until the broker is SIGKILLed under them. */
    private void streamThenKill(final BrokerProcess broker, final int round) throws Exception {
        final byte[] padding = new byte[1000];
        Arrays.fill(padding, (byte) 'x');
        final KafkaProducer<byte[], byte[]> producer = broker.producer(
                ProducerConfig.ACKS_CONFIG,
                "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                "false",
                ProducerConfig.RETRIES_CONFIG,
                "0",
                ProducerConfig.LINGER_MS_CONFIG,
                "2",
                ProducerConfig.MAX_BLOCK_MS_CONFIG,
                "2000");
        final CrashSender sender = CrashSender.start("retention-crash-sender-" + round, 20, seq -> {
            final String value = "r" + round + "-" + seq + "-" + new String(padding, StandardCharsets.UTF_8);
            producer.send(
                    new ProducerRecord<>(TP.topic(), TP.partition(), null, value.getBytes(StandardCharsets.UTF_8)),
                    (metadata, exception) -> {
                        if (exception == null) {
                            acked.put(metadata.offset(), value);
                        }
                    });
        });
        Thread.sleep(STREAM_BEFORE_KILL.toMillis()); // deliberate: the broker is killed mid-stream, this far in
        broker.kill();
        sender.stop();
        producer.close(Duration.ZERO);
    }

    private void assertConsistent(final BrokerProcess broker, final long start, final long end) {
        long expected = start;
        long checked = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = broker.consumer()) {
            consumer.assign(List.of(TP));
            consumer.seek(TP, start);
            final long deadline = System.currentTimeMillis() + 30_000;
            while (expected < end && System.currentTimeMillis() < deadline) {
                for (final ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    assertThat(r.offset()).as("offsets are dense").isEqualTo(expected);
                    final String ackedValue = acked.get(r.offset());
                    if (ackedValue != null) {
                        assertThat(new String(r.value(), StandardCharsets.UTF_8))
                                .as("value at %d", r.offset())
                                .isEqualTo(ackedValue);
                        checked++;
                    }
                    expected++;
                }
            }
        }
        assertThat(expected)
                .as("everything from the log start to the end is readable")
                .isEqualTo(end);
        for (final Map.Entry<Long, String> e : acked.entrySet()) {
            if (e.getKey() >= start) {
                assertThat(e.getKey())
                        .as("an acknowledged record kept by the policy")
                        .isLessThan(end);
            }
        }
        assertThat(checked).as("acknowledged records checked").isPositive();
    }
}
