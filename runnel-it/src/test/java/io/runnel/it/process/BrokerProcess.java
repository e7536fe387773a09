package io.runnel.it.process;

import io.runnel.it.RunnelJvm;
import io.runnel.testsupport.Await;
import io.runnel.testsupport.Clients;
import io.runnel.testsupport.Ports;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;

/**
 * A Runnel broker in its own JVM ({@code io.runnel.server.RunnelServer server --override ...}) on a fixed port over
 * a data directory, so a test can SIGKILL or SIGTERM it and start it again on the same port and data. Each start's
 * stdout and stderr go to {@code target/process-logs/<name>-<n>.log}.
 *
 * <p>Not thread-safe: one test thread starts, stops and inspects it.
 */
final class BrokerProcess implements AutoCloseable {
    private static final AtomicInteger STARTS = new AtomicInteger();
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    /** In an override's value, stands for the broker's port (to give {@code listeners} a second listener). */
    static final String PORT = "{port}";

    private final String name;
    private final Path dataDir;
    private final int port;
    private final List<String> overrides;
    private Process process;
    private Path logFile;

    private BrokerProcess(final String name, final Path dataDir, final int port, final List<String> overrides) {
        this.name = name;
        this.dataDir = dataDir;
        this.port = port;
        this.overrides = List.copyOf(overrides);
    }

    /**
     * Starts a broker on a free port and waits until it answers a Metadata request.
     *
     * @param overrides broker settings as name, value pairs, given on every start
     */
    static BrokerProcess start(final String name, final Path dataDir, final String... overrides) throws Exception {
        final BrokerProcess broker = new BrokerProcess(name, dataDir, Ports.free(), List.of(overrides));
        broker.start();
        return broker;
    }

    /** Starts the broker (again) on the same port and data directory and waits until it serves Metadata. */
    void start() throws Exception {
        start(new String[0]);
    }

    /** {@link #start()} with {@code extraOverrides} (name, value pairs) on top of the broker's own, for this run only. */
    void start(final String... extraOverrides) throws Exception {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException("already running: pid " + process.pid());
        }
        final Path logs = RunnelJvm.targetDir().resolve("process-logs");
        Files.createDirectories(logs);
        logFile = logs.resolve(name + "-" + STARTS.incrementAndGet() + ".log");
        final List<String> command = new ArrayList<>();
        command.add("server");
        command.add("--override");
        command.add("listeners=PLAINTEXT://127.0.0.1:" + port);
        command.add("--override");
        command.add("log.dirs=" + dataDir);
        final List<String> all = new ArrayList<>(overrides);
        all.addAll(List.of(extraOverrides));
        for (int i = 0; i + 1 < all.size(); i += 2) {
            command.add("--override");
            command.add(all.get(i) + "=" + all.get(i + 1).replace(PORT, Integer.toString(port)));
        }
        process = new ProcessBuilder(RunnelJvm.command(List.of("-Xmx512m"), command))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.to(logFile.toFile()))
                .start();
        awaitReady();
    }

    private void awaitReady() throws Exception {
        Await.until(
                START_TIMEOUT,
                () -> {
                    if (!process.isAlive()) {
                        throw new AssertionError(
                                "broker exited with " + process.exitValue() + " before listening; log:\n" + log());
                    }
                    return accepts();
                },
                () -> "broker listens on port " + port + "; log:\n" + log());
        try (Admin admin = admin()) {
            admin.describeCluster().nodes().get(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        }
    }

    private boolean accepts() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** SIGKILL: the JVM gets no chance to run shutdown hooks, flush or write its clean-shutdown marker. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            throw new AssertionError("broker survived SIGKILL");
        }
    }

    /**
     * SIGTERM, then waits up to {@code timeout} for the JVM to exit.
     *
     * @return how long the process took to exit
     */
    Duration terminate(final Duration timeout) throws InterruptedException {
        final long startNs = System.nanoTime();
        process.destroy();
        if (!process.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
            throw new AssertionError("broker did not exit within " + timeout + " of SIGTERM; log:\n" + log());
        }
        return Duration.ofNanos(System.nanoTime() - startNs);
    }

    /** The exit code of the last run (143 after SIGTERM: the JVM's 128 + 15, once its shutdown hooks are done). */
    int exitValue() {
        return process.exitValue();
    }

    boolean isAlive() {
        return process != null && process.isAlive();
    }

    String bootstrap() {
        return "127.0.0.1:" + port;
    }

    Path dataDir() {
        return dataDir;
    }

    /** What the current (or last) run wrote to stdout and stderr. */
    String log() {
        try {
            return Files.readString(logFile, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Admin admin() {
        return Clients.admin(bootstrap());
    }

    KafkaProducer<byte[], byte[]> producer(final Object... config) {
        return Clients.producer(bootstrap(), config);
    }

    KafkaConsumer<byte[], byte[]> consumer() {
        return Clients.consumer(bootstrap());
    }

    /** Kills a broker a test left running (a failed assertion), so no JVM outlives the test run. */
    @Override
    public void close() throws InterruptedException {
        if (isAlive()) {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                kill();
            }
        }
    }
}
