package io.runnel.it;

import io.runnel.broker.Broker;
import io.runnel.broker.config.BrokerConfig;
import io.runnel.testsupport.Clients;
import io.runnel.testsupport.Ports;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;

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
    public static int freePort() {
        return Ports.free();
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
        return Clients.admin(bootstrap());
    }

    public KafkaProducer<byte[], byte[]> producer(final Object... config) {
        return Clients.producer(bootstrap(), config);
    }

    public KafkaConsumer<byte[], byte[]> consumer(final Object... config) {
        return Clients.consumer(bootstrap(), config);
    }

    @Override
    public void close() {
        broker.close();
    }
}
