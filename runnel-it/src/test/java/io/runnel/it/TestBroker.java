package io.runnel.it;

import io.runnel.broker.Broker;
import io.runnel.broker.config.BrokerConfig;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** An in-process broker on an ephemeral port over a test's temp dir, with real kafka-clients to talk to it. */
public final class TestBroker implements AutoCloseable {
    private final Path dataDir;
    private final Map<String, String> overrides;
    private Broker broker;

    private TestBroker(final Path dataDir, final Map<String, String> overrides) throws Exception {
        this.dataDir = dataDir;
        this.overrides = overrides;
        start();
    }

    public static TestBroker start(final Path dataDir, final String... overrides) throws Exception {
        final Map<String, String> props = new HashMap<>();
        for (int i = 0; i < overrides.length; i += 2) {
            props.put(overrides[i], overrides[i + 1]);
        }
        return new TestBroker(dataDir, props);
    }

    private void start() throws Exception {
        final Map<String, String> props = new HashMap<>();
        if (!overrides.containsKey("listeners")) {
            overrides.put("listeners", "PLAINTEXT://127.0.0.1:" + freePort());
        }
        props.put("advertised.listeners", overrides.get("listeners"));
        props.put("log.dirs", dataDir.toString());
        props.putAll(overrides);
        broker = Broker.start(new BrokerConfig(props));
    }

    /** A port nobody listens on right now; the broker keeps it across restarts. */
    public static int freePort() throws java.io.IOException {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** Stops cleanly and starts again on the same port and data. */
    public void restart() throws Exception {
        broker.close();
        start();
    }

    public String bootstrap() {
        return "127.0.0.1:" + broker.port();
    }

    public int port() {
        return broker.port();
    }

    public Broker broker() {
        return broker;
    }

    public Admin admin() {
        final Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
        return Admin.create(p);
    }

    public KafkaProducer<byte[], byte[]> producer(final Object... config) {
        final Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        for (int i = 0; i < config.length; i += 2) {
            p.put(config[i], config[i + 1]);
        }
        return new KafkaProducer<>(p);
    }

    public KafkaConsumer<byte[], byte[]> consumer(final Object... config) {
        final Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        for (int i = 0; i < config.length; i += 2) {
            p.put(config[i], config[i + 1]);
        }
        return new KafkaConsumer<>(p);
    }

    @Override
    public void close() {
        broker.close();
    }
}
