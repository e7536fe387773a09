package io.runnel.it.process;

import static org.assertj.core.api.Assertions.assertThat;

import io.runnel.storage.LogManager;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** SIGTERM stops the broker process promptly and cleanly: marker written, no recovery at the next start. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CleanShutdownTest {
    private static final String TOPIC = "sigterm";

    @TempDir
    Path dir;

    @Test
    void shouldExitPromptlyAndLeaveTheCleanShutdownMarkerWhenSentSigterm() throws Exception {
        try (BrokerProcess broker = BrokerProcess.start("sigterm", dir)) {
            try (Admin admin = broker.admin()) {
                admin.createTopics(List.of(new NewTopic(TOPIC, 2, (short) 1)))
                        .all()
                        .get(30, TimeUnit.SECONDS);
            }
            try (KafkaProducer<byte[], byte[]> producer = broker.producer()) {
                for (int i = 0; i < 200; i++) {
                    producer.send(new ProducerRecord<>(
                            TOPIC,
                            i % 2,
                            ("k" + i).getBytes(StandardCharsets.UTF_8),
                            ("v" + i).getBytes(StandardCharsets.UTF_8)));
                }
                producer.flush();
            }
            assertThat(dir.resolve(LogManager.CLEAN_SHUTDOWN_FILE))
                    .as("no marker while running")
                    .doesNotExist();

            final Duration exit = broker.terminate(Duration.ofSeconds(5));

            System.out.printf("exited %d ms after SIGTERM%n", exit.toMillis());
            assertThat(exit).as("time from SIGTERM to exit").isLessThan(Duration.ofSeconds(5));
            assertThat(broker.exitValue())
                    .as("exit code after SIGTERM (128 + 15)")
                    .isEqualTo(143);
            assertThat(broker.log()).contains("Shutting down").containsPattern("Runnel node \\d+ stopped in \\d+ ms");
            assertThat(dir.resolve(LogManager.CLEAN_SHUTDOWN_FILE)).exists();

            broker.start();
            assertThat(broker.log()).as("a clean restart skips recovery").doesNotContain("was not shut down cleanly");
            assertThat(dir.resolve(LogManager.CLEAN_SHUTDOWN_FILE))
                    .as("marker consumed by the start")
                    .doesNotExist();
            final List<String> values = new ArrayList<>();
            try (KafkaConsumer<byte[], byte[]> consumer = broker.consumer()) {
                final List<TopicPartition> partitions =
                        List.of(new TopicPartition(TOPIC, 0), new TopicPartition(TOPIC, 1));
                consumer.assign(partitions);
                consumer.seekToBeginning(partitions);
                final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                while (values.size() < 200 && System.nanoTime() < deadline) {
                    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                        final String value = new String(r.value(), StandardCharsets.UTF_8);
                        final int i = Integer.parseInt(value.substring(1));
                        assertThat(r.partition()).isEqualTo(i % 2);
                        assertThat(r.offset()).isEqualTo(i / 2);
                        assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo("k" + i);
                        values.add(value);
                    }
                }
            }
            assertThat(values).hasSize(200).doesNotHaveDuplicates();
            broker.terminate(Duration.ofSeconds(5));
            assertThat(Files.exists(dir.resolve(LogManager.CLEAN_SHUTDOWN_FILE)))
                    .isTrue();
        }
    }
}
