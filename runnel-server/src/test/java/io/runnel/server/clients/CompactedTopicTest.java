package io.runnel.server.clients;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.runnel.server.TestBrokerExtension;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.InvalidRecordException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Compacted topics seen through kafka-clients. */
@Timeout(120)
class CompactedTopicTest {

    @RegisterExtension
    static final TestBrokerExtension BROKER = new TestBrokerExtension();

    private static byte[] utf8(final String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void shouldFailAKeylessSendWithInvalidRecordWhenTheTopicIsCompacted() throws Exception {
        try (Admin admin = BROKER.broker().admin()) {
            admin.createTopics(List.of(new NewTopic("keys-required", 1, (short) 1)
                    .configs(Map.of("cleanup.policy", "compact")))).all().get();
        }
        try (KafkaProducer<byte[], byte[]> producer = BROKER.broker().producer(
                ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4")) {
            producer.send(new ProducerRecord<>("keys-required", utf8("k"), utf8("v"))).get();

            assertThatThrownBy(() -> producer.send(new ProducerRecord<>("keys-required", null, utf8("v"))).get())
                    .isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOf(InvalidRecordException.class)
                    .hasMessageContaining("Compacted topic cannot accept message without key");
        }
    }
}
