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
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The foundation: 100,000 keyed records with headers and explicit timestamps, spread over several partitions,
 * produced with each compression codec by kafka-clients and read back with assign + seek, field by field.
 */
@Timeout(120)
class ProduceConsumeRoundTripTest {
    private static final int RECORDS = 100_000;
    private static final int PARTITIONS = 4;
    private static final long BASE_TIMESTAMP = 1_700_000_000_000L;

    @TempDir
    static Path dir;

    static TestBroker broker;

    @BeforeAll
    static void startBroker() throws Exception {
        broker = TestBroker.start(dir);
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"none", "gzip", "snappy", "lz4", "zstd"})
    void shouldReadBackEveryRecordExactlyWhenProducedWithCodec(final String codec) throws Exception {
        final String topic = "round-trip-" + codec;
        try (Admin admin = broker.admin()) {
            admin.createTopics(List.of(new NewTopic(topic, PARTITIONS, (short) 1)))
                    .all()
                    .get();
        }

        final List<Future<RecordMetadata>> acks = new ArrayList<>(RECORDS);
        try (KafkaProducer<byte[], byte[]> producer = broker.producer(
                ProducerConfig.COMPRESSION_TYPE_CONFIG,
                codec,
                ProducerConfig.LINGER_MS_CONFIG,
                5,
                ProducerConfig.BATCH_SIZE_CONFIG,
                64 * 1024)) {
            for (int i = 0; i < RECORDS; i++) {
                acks.add(producer.send(record(topic, i)));
            }
            producer.flush();
        }
        final Map<Integer, Long> nextOffset = new HashMap<>();
        for (int i = 0; i < RECORDS; i++) {
            final RecordMetadata metadata = acks.get(i).get();
            assertThat(metadata.partition()).isEqualTo(i % PARTITIONS);
            // offsets within a partition follow send order, with no gaps
            assertThat(metadata.offset()).isEqualTo(nextOffset.merge(metadata.partition(), 1L, Long::sum) - 1);
        }

        final List<List<ConsumerRecord<byte[], byte[]>>> byPartition = consumeAll(topic);
        int total = 0;
        for (int p = 0; p < PARTITIONS; p++) {
            final List<ConsumerRecord<byte[], byte[]>> records = byPartition.get(p);
            for (int n = 0; n < records.size(); n++) {
                final int i = n * PARTITIONS + p;
                final ConsumerRecord<byte[], byte[]> r = records.get(n);
                assertThat(r.partition()).isEqualTo(p);
                assertThat(r.offset()).isEqualTo(n);
                assertThat(text(r.key())).isEqualTo(key(i));
                assertThat(text(r.value())).isEqualTo(value(i));
                assertThat(r.timestamp()).isEqualTo(BASE_TIMESTAMP + i);
                assertThat(r.timestampType()).isEqualTo(TimestampType.CREATE_TIME);
                final Header[] headers = r.headers().toArray();
                assertThat(headers).hasSize(2);
                assertThat(headers[0].key()).isEqualTo("seq");
                assertThat(text(headers[0].value())).isEqualTo(Integer.toString(i));
                assertThat(headers[1].key()).isEqualTo("empty");
                assertThat(headers[1].value()).isNull();
            }
            total += records.size();
        }
        assertThat(total).isEqualTo(RECORDS);
    }

    private static List<List<ConsumerRecord<byte[], byte[]>>> consumeAll(final String topic) {
        final List<List<ConsumerRecord<byte[], byte[]>>> byPartition = new ArrayList<>();
        final List<TopicPartition> partitions = new ArrayList<>();
        for (int p = 0; p < PARTITIONS; p++) {
            byPartition.add(new ArrayList<>());
            partitions.add(new TopicPartition(topic, p));
        }
        try (KafkaConsumer<byte[], byte[]> consumer = broker.consumer()) {
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            int read = 0;
            while (read < RECORDS) {
                for (final ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    byPartition.get(r.partition()).add(r);
                    read++;
                }
            }
            assertThat(consumer.poll(Duration.ofMillis(200))).isEmpty();
        }
        return byPartition;
    }

    private static ProducerRecord<byte[], byte[]> record(final String topic, final int i) {
        return new ProducerRecord<>(
                topic,
                i % PARTITIONS,
                BASE_TIMESTAMP + i,
                key(i).getBytes(StandardCharsets.UTF_8),
                value(i).getBytes(StandardCharsets.UTF_8),
                List.of(
                        new RecordHeader("seq", Integer.toString(i).getBytes(StandardCharsets.UTF_8)),
                        new RecordHeader("empty", (byte[]) null)));
    }

    private static String key(final int i) {
        return "key-" + i;
    }

    private static String value(final int i) {
        return "value-" + i + "-" + "x".repeat(i % 50);
    }

    private static String text(final byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
