package io.runnel.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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

@Timeout(60)
class SmokeTest {
    @TempDir
    Path dir;

    @Test
    void shouldConsumeWhatWasProduced() throws Exception {
        try (TestBroker broker = TestBroker.start(dir);
                Admin admin = broker.admin()) {
            admin.createTopics(List.of(new NewTopic("smoke", 1, (short) 1)))
                    .all()
                    .get();
            try (KafkaProducer<byte[], byte[]> producer = broker.producer()) {
                for (int i = 0; i < 10; i++) {
                    producer.send(new ProducerRecord<>(
                                    "smoke",
                                    ("k" + i).getBytes(StandardCharsets.UTF_8),
                                    ("v" + i).getBytes(StandardCharsets.UTF_8)))
                            .get();
                }
            }
            try (KafkaConsumer<byte[], byte[]> consumer = broker.consumer()) {
                final TopicPartition tp = new TopicPartition("smoke", 0);
                consumer.assign(List.of(tp));
                consumer.seekToBeginning(List.of(tp));
                final List<String> values = new ArrayList<>();
                while (values.size() < 10) {
                    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                        values.add(new String(r.value(), StandardCharsets.UTF_8));
                    }
                }
                assertThat(values).containsExactly("v0", "v1", "v2", "v3", "v4", "v5", "v6", "v7", "v8", "v9");
            }
        }
    }
}
