package io.runnel.it.clients;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.runnel.it.TestBroker;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetOutOfRangeException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.PolicyViolationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Admin.deleteRecords: the log start offset moves up to the offset asked for, nothing below it can be listed or
 * fetched, it survives a restart, and bad requests get Kafka's errors.
 */
@Timeout(60)
class DeleteRecordsTest {
    @TempDir
    Path dir;

    @Test
    void shouldHideEverythingBelowTheNewLogStartOffsetAndKeepItAcrossARestart() throws Exception {
        final TopicPartition tp = new TopicPartition("trimmed", 0);
        try (TestBroker broker = TestBroker.start(dir)) {
            try (Admin admin = broker.admin()) {
                admin.createTopics(List.of(new NewTopic(tp.topic(), 1, (short) 1)))
                        .all()
                        .get();
                produce(broker, tp, 0, 10);
                assertThat(admin.deleteRecords(Map.of(tp, RecordsToDelete.beforeOffset(4)))
                                .lowWatermarks()
                                .get(tp)
                                .get()
                                .lowWatermark())
                        .isEqualTo(4);
                assertThat(admin.deleteRecords(Map.of(tp, RecordsToDelete.beforeOffset(2)))
                                .lowWatermarks()
                                .get(tp)
                                .get()
                                .lowWatermark())
                        .as("never backwards")
                        .isEqualTo(4);
                assertThat(earliest(admin, tp)).isEqualTo(4);
                assertThat(admin.listOffsets(Map.of(tp, OffsetSpec.forTimestamp(0)))
                                .partitionResult(tp)
                                .get()
                                .offset())
                        .as("offsetsForTimes skips the deleted records")
                        .isEqualTo(4);
            }
            assertThat(readFromEarliest(broker, tp)).containsExactly("4", "5", "6", "7", "8", "9");
            try (KafkaConsumer<byte[], byte[]> consumer =
                    broker.consumer(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none")) {
                consumer.assign(List.of(tp));
                consumer.seek(tp, 1);
                assertThatThrownBy(() -> {
                            for (int i = 0; i < 50; i++) {
                                consumer.poll(Duration.ofMillis(100));
                            }
                        })
                        .as("fetching below the log start offset")
                        .isInstanceOf(OffsetOutOfRangeException.class);
            }

            broker.restart();
            try (Admin admin = broker.admin()) {
                assertThat(earliest(admin, tp)).as("checkpointed").isEqualTo(4);
                assertThat(admin.deleteRecords(Map.of(tp, RecordsToDelete.beforeOffset(-1)))
                                .lowWatermarks()
                                .get(tp)
                                .get()
                                .lowWatermark())
                        .as("-1 is the high watermark")
                        .isEqualTo(10);
            }
            produce(broker, tp, 10, 12);
            assertThat(readFromEarliest(broker, tp)).containsExactly("10", "11");
        }
    }

    @Test
    void shouldRefuseOffsetsPastTheEndAndCompactedTopics() throws Exception {
        final TopicPartition tp = new TopicPartition("guarded", 0);
        final TopicPartition compacted = new TopicPartition("compacted", 0);
        try (TestBroker broker = TestBroker.start(dir);
                Admin admin = broker.admin()) {
            admin.createTopics(List.of(
                            new NewTopic(tp.topic(), 1, (short) 1),
                            new NewTopic(compacted.topic(), 1, (short) 1).configs(Map.of("cleanup.policy", "compact"))))
                    .all()
                    .get();
            produce(broker, tp, 0, 3);
            assertThatThrownBy(() -> admin.deleteRecords(Map.of(tp, RecordsToDelete.beforeOffset(4)))
                            .all()
                            .get())
                    .isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(org.apache.kafka.common.errors.OffsetOutOfRangeException.class);
            assertThatThrownBy(() -> admin.deleteRecords(Map.of(compacted, RecordsToDelete.beforeOffset(0)))
                            .all()
                            .get())
                    .hasCauseInstanceOf(PolicyViolationException.class);
            assertThat(earliest(admin, tp)).as("nothing moved").isZero();
        }
    }

    private static void produce(final TestBroker broker, final TopicPartition tp, final int from, final int to)
            throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = broker.producer()) {
            for (int i = from; i < to; i++) {
                producer.send(new ProducerRecord<>(
                                tp.topic(),
                                tp.partition(),
                                null,
                                Integer.toString(i).getBytes(StandardCharsets.UTF_8)))
                        .get();
            }
        }
    }

    private static long earliest(final Admin admin, final TopicPartition tp) throws Exception {
        return admin.listOffsets(Map.of(tp, OffsetSpec.earliest()))
                .partitionResult(tp)
                .get()
                .offset();
    }

    private static List<String> readFromEarliest(final TestBroker broker, final TopicPartition tp) {
        final List<String> values = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer =
                broker.consumer(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest")) {
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            final long deadline = System.currentTimeMillis() + 10_000;
            while (System.currentTimeMillis() < deadline && consumer.position(tp) < endOf(consumer, tp)) {
                for (final ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                    values.add(new String(r.value(), StandardCharsets.UTF_8));
                }
            }
        }
        return values;
    }

    private static long endOf(final KafkaConsumer<byte[], byte[]> consumer, final TopicPartition tp) {
        return consumer.endOffsets(List.of(tp)).get(tp);
    }
}
