package io.runnel.it.clients;

import static org.assertj.core.api.Assertions.assertThat;

import io.runnel.it.TestBroker;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** ListOffsets through Admin and the consumer: earliest, latest, by timestamp and max timestamp, across segments. */
@Timeout(60)
class ListOffsetsTest {
    private static final long T0 = 1_600_000_000_000L;

    @TempDir
    Path dir;

    @Test
    void shouldFindOffsetsByTimestampAndTheSpecialTargets() throws Exception {
        final TopicPartition tp = new TopicPartition("times", 0);
        try (TestBroker broker = TestBroker.start(dir);
                Admin admin = broker.admin()) {
            // 1 MiB segments (Kafka's minimum) and 4 KB records: the log has four segments
            admin.createTopics(List.of(new NewTopic("times", 1, (short) 1).configs(Map.of("segment.bytes", "1048576"))))
                    .all()
                    .get();
            try (KafkaProducer<byte[], byte[]> producer = broker.producer(ProducerConfig.LINGER_MS_CONFIG, 0)) {
                for (int i = 0; i < 1000; i++) {
                    // timestamps rise by 10 ms per record, except record 500 which is the maximum
                    final long ts = i == 500 ? T0 + 1_000_000 : T0 + i * 10L;
                    producer.send(new ProducerRecord<>("times", 0, ts, null, new byte[4000]))
                            .get();
                }
            }

            assertThat(offset(admin, tp, OffsetSpec.earliest())).isZero();
            assertThat(offset(admin, tp, OffsetSpec.latest())).isEqualTo(1000);
            final ListOffsetsResult.ListOffsetsResultInfo max = admin.listOffsets(Map.of(tp, OffsetSpec.maxTimestamp()))
                    .partitionResult(tp)
                    .get();
            assertThat(max.offset()).isEqualTo(500);
            assertThat(max.timestamp()).isEqualTo(T0 + 1_000_000);
            final ListOffsetsResult.ListOffsetsResultInfo at = admin.listOffsets(
                            Map.of(tp, OffsetSpec.forTimestamp(T0 + 4005)))
                    .partitionResult(tp)
                    .get();
            assertThat(at.offset()).isEqualTo(401);
            assertThat(at.timestamp()).isEqualTo(T0 + 4010);
            // the earliest offset with a timestamp at or after the target: record 500 comes before 701
            final ListOffsetsResult.ListOffsetsResultInfo late = admin.listOffsets(
                            Map.of(tp, OffsetSpec.forTimestamp(T0 + 7005)))
                    .partitionResult(tp)
                    .get();
            assertThat(late.offset()).isEqualTo(500);
            assertThat(late.timestamp()).isEqualTo(T0 + 1_000_000);
            assertThat(offset(admin, tp, OffsetSpec.forTimestamp(T0 + 300))).isEqualTo(30);
            assertThat(offset(admin, tp, OffsetSpec.forTimestamp(T0 + 2_000_000)))
                    .isEqualTo(-1);
            // ListOffsets v11's -6: nothing is tiered, so nothing waits for upload (Kafka 4.4.0's Admin gets the same)
            final ListOffsetsResult.ListOffsetsResultInfo pending = admin.listOffsets(
                            Map.of(tp, OffsetSpec.earliestPendingUpload()))
                    .partitionResult(tp)
                    .get();
            assertThat(pending.offset()).isEqualTo(-1);
            assertThat(pending.timestamp()).isEqualTo(-1);
            assertThat(pending.leaderEpoch()).isEmpty();

            try (KafkaConsumer<byte[], byte[]> consumer = broker.consumer()) {
                final Map<TopicPartition, OffsetAndTimestamp> found = consumer.offsetsForTimes(Map.of(tp, T0 + 123));
                assertThat(found.get(tp).offset()).isEqualTo(13);
                assertThat(found.get(tp).timestamp()).isEqualTo(T0 + 130);
                assertThat(consumer.beginningOffsets(List.of(tp))).containsEntry(tp, 0L);
                assertThat(consumer.endOffsets(List.of(tp))).containsEntry(tp, 1000L);
            }
        }
    }

    private static long offset(final Admin admin, final TopicPartition tp, final OffsetSpec spec) throws Exception {
        return admin.listOffsets(Map.of(tp, spec)).partitionResult(tp).get().offset();
    }
}
