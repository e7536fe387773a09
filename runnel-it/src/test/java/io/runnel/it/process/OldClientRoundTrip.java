package io.runnel.it.process;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * A produce/consume round trip run by {@link OldClientTest} in a child JVM whose class path holds an older
 * kafka-clients (3.9.1 or 4.1.1) and this package's classes, nothing else: no JUnit, no AssertJ, only kafka-clients
 * APIs that exist in 3.9, 4.1 and 4.4. For each compression type it creates a topic (Admin), produces keyed records
 * with headers to explicit partitions (the producer is idempotent, the clients' default since 3.0), and reads them
 * back with assign + seekToBeginning + poll. Then a consumer in a group of each protocol the arguments name
 * ({@code classic}, {@code consumer}) subscribes to the first topic, reads it all and commits, and the Admin reads
 * the group's committed offsets back.
 *
 * <p>Prints {@code kafka-clients version: <version>} first, then one line per check, and exits 0 only if every
 * record came back as sent, at the offset the producer was told.
 */
public final class OldClientRoundTrip {
    static final String VERSION_LINE = "kafka-clients version: ";
    private static final int PARTITIONS = 2;
    private static final int RECORDS = 100;

    private OldClientRoundTrip() {}

    /**
     * The version kafka-clients reports, read from the file its AppInfoParser reads: that class moved to
     * {@code utils.internals} in 4.4, so naming it would tie this program to one side of the move.
     */
    private static String clientsVersion() throws IOException {
        try (InputStream in = KafkaProducer.class.getResourceAsStream("/kafka/kafka-version.properties")) {
            final Properties properties = new Properties();
            if (in != null) {
                properties.load(in);
            }
            return properties.getProperty("version", "unknown");
        }
    }

    public static void main(final String[] args) throws Exception {
        System.out.println(VERSION_LINE + clientsVersion());
        final String bootstrap = args[0];
        final List<String> problems = new ArrayList<>();
        for (final String compression : List.of("none", "gzip", "snappy", "lz4", "zstd")) {
            roundTrip(bootstrap, "old-client-" + compression, compression, problems);
        }
        for (int i = 1; i < args.length; i++) {
            groupRoundTrip(bootstrap, "old-client-none", args[i], problems);
        }
        for (final String problem : problems) {
            System.out.println("MISMATCH " + problem);
        }
        System.out.println(
                problems.isEmpty() ? "ROUND TRIP OK" : "ROUND TRIP FAILED: " + problems.size() + " problems");
        System.exit(problems.isEmpty() ? 0 : 1);
    }

    private record Sent(int partition, long offset, String key, String value, String header) {}

    private static void roundTrip(
            final String bootstrap, final String topic, final String compression, final List<String> problems)
            throws Exception {
        final Properties adminProps = new Properties();
        adminProps.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (Admin admin = Admin.create(adminProps)) {
            admin.createTopics(List.of(new NewTopic(topic, PARTITIONS, (short) 1)))
                    .all()
                    .get(30, TimeUnit.SECONDS);
        }

        final Properties producerProps = new Properties();
        producerProps.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        producerProps.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        producerProps.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        producerProps.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, compression);
        producerProps.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        final List<Sent> sent = new ArrayList<>();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProps)) {
            final List<Future<RecordMetadata>> acks = new ArrayList<>();
            for (int i = 0; i < RECORDS; i++) {
                final String key = "key-" + i;
                final String value = compression + "-value-" + i + "-" + "xyz".repeat(20);
                final String header = "header-" + i;
                final List<Header> headers = List.of(
                        new RecordHeader("n", header.getBytes(StandardCharsets.UTF_8)),
                        new RecordHeader("codec", compression.getBytes(StandardCharsets.UTF_8)));
                acks.add(producer.send(new ProducerRecord<>(topic, i % PARTITIONS, bytes(key), bytes(value), headers)));
                sent.add(new Sent(i % PARTITIONS, -1, key, value, header));
            }
            for (int i = 0; i < RECORDS; i++) {
                final RecordMetadata metadata = acks.get(i).get(30, TimeUnit.SECONDS);
                final Sent s = sent.get(i);
                sent.set(i, new Sent(s.partition(), metadata.offset(), s.key(), s.value(), s.header()));
            }
        }

        final Properties consumerProps = new Properties();
        consumerProps.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        consumerProps.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        consumerProps.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        consumerProps.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        final List<ConsumerRecord<byte[], byte[]>> received = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerProps)) {
            final List<TopicPartition> partitions = new ArrayList<>();
            for (int p = 0; p < PARTITIONS; p++) {
                partitions.add(new TopicPartition(topic, p));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (received.size() < RECORDS && System.nanoTime() < deadline) {
                for (final ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    received.add(r);
                }
            }
        }

        if (received.size() != RECORDS) {
            problems.add(topic + ": received " + received.size() + " records, sent " + RECORDS);
        }
        int matched = 0;
        for (final Sent s : sent) {
            final long expectedOffset = Integer.parseInt(s.key().substring("key-".length())) / PARTITIONS;
            if (s.offset() != expectedOffset) {
                problems.add(topic + ": " + s.key() + " acknowledged at offset " + s.offset() + " of partition "
                        + s.partition() + ", expected " + expectedOffset);
            }
            final ConsumerRecord<byte[], byte[]> r = received.stream()
                    .filter(c -> c.partition() == s.partition() && c.offset() == s.offset())
                    .findFirst()
                    .orElse(null);
            if (r == null) {
                problems.add(topic + ": nothing read at " + s.partition() + "@" + s.offset() + " for " + s.key());
                continue;
            }
            final Header n = r.headers().lastHeader("n");
            final Header codec = r.headers().lastHeader("codec");
            if (!s.key().equals(string(r.key()))
                    || !s.value().equals(string(r.value()))
                    || n == null
                    || !s.header().equals(string(n.value()))
                    || codec == null
                    || !compression.equals(string(codec.value()))
                    || r.headers().toArray().length != 2) {
                problems.add(topic + ": at " + s.partition() + "@" + s.offset() + " sent " + s + " but read key="
                        + string(r.key()) + " value=" + string(r.value()) + " headers=" + r.headers());
            } else {
                matched++;
            }
        }
        System.out.println(topic + ": " + matched + "/" + RECORDS + " records matched");
    }

    /** Reads the whole topic as a member of a group of {@code protocol}, commits, and checks what the group holds. */
    private static void groupRoundTrip(
            final String bootstrap, final String topic, final String protocol, final List<String> problems)
            throws Exception {
        final String group = "old-client-group-" + protocol;
        final Properties consumerProps = new Properties();
        consumerProps.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        consumerProps.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        consumerProps.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        consumerProps.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        consumerProps.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        consumerProps.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        consumerProps.put("group.protocol", protocol);
        int read = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerProps)) {
            consumer.subscribe(List.of(topic));
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (read < RECORDS && System.nanoTime() < deadline) {
                read += consumer.poll(Duration.ofMillis(200)).count();
            }
            consumer.commitSync(Duration.ofSeconds(30));
        }
        final Properties adminProps = new Properties();
        adminProps.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        long committed = 0;
        try (Admin admin = Admin.create(adminProps)) {
            final Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata()
                    .get(30, TimeUnit.SECONDS);
            for (final OffsetAndMetadata offset : offsets.values()) {
                committed += offset.offset();
            }
        }
        if (read != RECORDS || committed != RECORDS) {
            problems.add(group + ": read " + read + " and committed up to " + committed + " of " + RECORDS);
        }
        System.out.println("group-" + protocol + ": read " + read + ", committed " + committed + "/" + RECORDS);
    }

    private static byte[] bytes(final String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String string(final byte[] b) {
        return b == null ? null : new String(b, StandardCharsets.UTF_8);
    }
}
