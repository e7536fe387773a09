package io.runnel.testsupport;

import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Real kafka-clients for a broker at {@code bootstrap}, with byte-array keys and values; extra settings as name,
 * value pairs ({@code "linger.ms", 0}), applied last.
 */
public final class Clients {
    private Clients() {}

    public static Admin admin(final String bootstrap, final Object... config) {
        final Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        putAll(p, config);
        return Admin.create(p);
    }

    public static KafkaProducer<byte[], byte[]> producer(final String bootstrap, final Object... config) {
        final Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        putAll(p, config);
        return new KafkaProducer<>(p);
    }

    /** A consumer without auto-commit (a test commits when it means to). */
    public static KafkaConsumer<byte[], byte[]> consumer(final String bootstrap, final Object... config) {
        final Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        putAll(p, config);
        return new KafkaConsumer<>(p);
    }

    private static void putAll(final Properties p, final Object[] config) {
        if (config.length % 2 != 0) {
            throw new IllegalArgumentException("settings come as name, value pairs");
        }
        for (int i = 0; i < config.length; i += 2) {
            p.put(config[i], config[i + 1]);
        }
    }
}
