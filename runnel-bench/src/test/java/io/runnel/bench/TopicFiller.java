package io.runnel.bench;

import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * One single-partition topic of 1 KiB records, filled up to a record count as fast as a producer can: acks=1,
 * 512 KiB batches, no compression (the values are random, so compression would not change the bytes stored).
 * The topic is created with {@code segment.bytes} 1 GiB (Kafka's default), so a 20 GiB partition has 20 segments
 * on every broker. Filling is idempotent: a topic already holding the records is left as it is.
 */
public final class TopicFiller implements AutoCloseable {
    public static final int RECORD_BYTES = 1024;
    private static final int SEGMENT_BYTES = 1024 * 1024 * 1024;

    private final String bootstrap;
    private final String topic;
    private final TopicPartition partition;
    private final Admin admin;

    public TopicFiller(final String bootstrap, final String topic) {
        this.bootstrap = bootstrap;
        this.topic = topic;
        this.partition = new TopicPartition(topic, 0);
        this.admin = Admin.create(ClientProps.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
    }

    /** Creates the topic unless it exists; returns its topic id. */
    public Uuid createIfMissing() throws InterruptedException, ExecutionException {
        try {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1)
                            .configs(Map.of("segment.bytes", String.valueOf(SEGMENT_BYTES)))))
                    .all()
                    .get();
        } catch (final ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw e;
            }
        }
        return admin.describeTopics(List.of(topic))
                .allTopicNames()
                .get()
                .get(topic)
                .topicId();
    }

    public long endOffset() throws InterruptedException, ExecutionException {
        return offset(OffsetSpec.latest());
    }

    public long startOffset() throws InterruptedException, ExecutionException {
        return offset(OffsetSpec.earliest());
    }

    private long offset(final OffsetSpec spec) throws InterruptedException, ExecutionException {
        return admin.listOffsets(Map.of(partition, spec))
                .partitionResult(partition)
                .get()
                .offset();
    }

    /** Produces records until the log end offset reaches {@code records}; returns how many it produced. */
    public long fillTo(final long records) throws InterruptedException, ExecutionException {
        final long missing = records - endOffset();
        if (missing <= 0) {
            return 0;
        }
        final byte[] value = new byte[RECORD_BYTES];
        new Random(42).nextBytes(value);
        final AtomicReference<Exception> failure = new AtomicReference<>();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(ClientProps.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                ProducerConfig.ACKS_CONFIG,
                "1",
                ProducerConfig.BATCH_SIZE_CONFIG,
                512 * 1024,
                ProducerConfig.LINGER_MS_CONFIG,
                20,
                ProducerConfig.BUFFER_MEMORY_CONFIG,
                256L * 1024 * 1024,
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                false,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
                ByteArraySerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
                ByteArraySerializer.class.getName()))) {
            for (long i = 0; i < missing && failure.get() == null; i++) {
                producer.send(new ProducerRecord<>(topic, 0, null, value), (metadata, e) -> {
                    if (e != null) {
                        failure.compareAndSet(null, e);
                    }
                });
            }
            producer.flush();
        }
        if (failure.get() != null) {
            throw new IllegalStateException("filling " + topic + " failed", failure.get());
        }
        return missing;
    }

    @Override
    public void close() {
        admin.close();
    }
}
