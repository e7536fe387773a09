package io.runnel.it.cluster;

import io.runnel.it.RunnelJvm;
import io.runnel.testsupport.Await;
import io.runnel.testsupport.Clients;
import io.runnel.testsupport.Ports;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.Uuid;

/**
 * A Runnel cluster of real processes on loopback, for the cluster's tests: combined nodes, or dedicated
 * controllers and brokers. Each node has its own data directory under the test's, its own {@code server.properties}
 * and ports, is formatted with {@code runnel format} as an operator would, and can be killed (-9), paused
 * (SIGSTOP), resumed, stopped (SIGTERM) and started again. Closing the cluster kills every process it started.
 */
public final class TestCluster implements AutoCloseable {
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

    private final String clusterId = Uuid.randomUuid().toString();
    private final Map<Integer, ClusterNode> nodes = new LinkedHashMap<>();
    private String voters;

    // Kills the nodes if the test JVM itself is stopped before close() runs (a build interrupted with Ctrl-C), so
    // no Runnel process outlives the tests that started it.
    private final Thread killOnExit = new Thread(this::killQuietly, "test-cluster-cleanup");

    private TestCluster() {
        Runtime.getRuntime().addShutdownHook(killOnExit);
    }

    private void killQuietly() {
        for (final ClusterNode node : nodes.values()) {
            try {
                node.kill();
            } catch (InterruptedException | RuntimeException e) {
                // the JVM is going away; nothing more to do
            }
        }
    }

    /** {@code count} combined nodes (broker and controller), ids 1..count, all voters. */
    public static TestCluster combined(final String name, final Path root, final int count, final String... overrides)
            throws Exception {
        return build(name, root, count, 0, overrides);
    }

    /** Dedicated roles: controllers 1..controllers, brokers from 101 on. */
    public static TestCluster dedicated(
            final String name, final Path root, final int controllers, final int brokers, final String... overrides)
            throws Exception {
        return build(name, root, controllers, brokers, overrides);
    }

    private static TestCluster build(
            final String name, final Path root, final int voters, final int brokers, final String... overrides)
            throws Exception {
        final boolean combined = brokers == 0;
        final TestCluster cluster = new TestCluster();
        final Map<Integer, Integer> controllerPorts = new LinkedHashMap<>();
        for (int id = 1; id <= voters; id++) {
            controllerPorts.put(id, Ports.free());
        }
        final String votersValue = controllerPorts.entrySet().stream()
                .map(e -> e.getKey() + "@127.0.0.1:" + e.getValue())
                .collect(Collectors.joining(","));
        cluster.voters = votersValue;
        final List<Integer> ids = new ArrayList<>(controllerPorts.keySet());
        for (int b = 0; b < brokers; b++) {
            ids.add(101 + b);
        }
        for (final int id : ids) {
            final boolean controller = controllerPorts.containsKey(id);
            final boolean broker = combined || !controller;
            final Map<String, String> props = new LinkedHashMap<>();
            props.put("node.id", Integer.toString(id));
            props.put(
                    "process.roles", controller && broker ? "broker,controller" : controller ? "controller" : "broker");
            final int brokerPort = broker ? Ports.free() : -1;
            final List<String> listeners = new ArrayList<>();
            if (broker) {
                listeners.add("PLAINTEXT://127.0.0.1:" + brokerPort);
            }
            if (controller) {
                listeners.add("CONTROLLER://127.0.0.1:" + controllerPorts.get(id));
            }
            props.put("listeners", String.join(",", listeners));
            props.put("controller.listener.names", "CONTROLLER");
            props.put("controller.quorum.voters", votersValue);
            props.put("log.dirs", root.resolve(name + "-" + id).toString());
            props.put("broker.heartbeat.interval.ms", "500");
            props.put("broker.session.timeout.ms", "3000");
            for (int i = 0; i + 1 < overrides.length; i += 2) {
                props.put(overrides[i], overrides[i + 1]);
            }
            final Path config = root.resolve(name + "-" + id + ".properties");
            Files.writeString(
                    config,
                    props.entrySet().stream()
                            .map(e -> e.getKey() + "=" + e.getValue())
                            .collect(Collectors.joining("\n", "", "\n")),
                    StandardCharsets.UTF_8);
            final ClusterNode node = new ClusterNode(
                    name + "-" + id,
                    id,
                    config,
                    broker,
                    controller,
                    brokerPort,
                    controller ? controllerPorts.get(id) : -1);
            node.format(cluster.clusterId);
            cluster.nodes.put(id, node);
        }
        return cluster;
    }

    /** Starts every node, all at once (a quorum needs its majority up), and waits until every broker is unfenced. */
    public TestCluster start() throws Exception {
        for (final ClusterNode node : nodes.values()) {
            node.start();
        }
        for (final ClusterNode node : nodes.values()) {
            if (node.isBroker()) {
                node.awaitUnfenced();
            }
        }
        awaitBrokers(brokerIds());
        return this;
    }

    /** Waits until exactly {@code ids} are the unfenced brokers, as any running broker tells. */
    public void awaitBrokers(final List<Integer> ids) {
        final List<Integer> sorted = ids.stream().sorted().toList();
        Await.until(
                READY_TIMEOUT,
                () -> {
                    try (Admin admin = admin()) {
                        return admin
                                .describeCluster(new DescribeClusterOptions().timeoutMs(2_000))
                                .nodes()
                                .get(3, TimeUnit.SECONDS)
                                .stream()
                                .map(Node::id)
                                .sorted()
                                .toList()
                                .equals(sorted);
                    } catch (Exception e) {
                        return false;
                    }
                },
                () -> "unfenced brokers " + sorted + "; logs:\n" + logs());
    }

    public String clusterId() {
        return clusterId;
    }

    /** {@code controller.quorum.voters} as every node of the cluster is configured with it. */
    public String votersConfig() {
        return voters;
    }

    /**
     * The id of the active controller, as the running controllers' logs say: the one whose latest word is that it
     * became active. Waits up to the ready timeout for there to be one.
     */
    public int activeController() {
        final int[] active = {-1};
        Await.until(
                READY_TIMEOUT,
                () -> {
                    for (final ClusterNode node : nodes.values()) {
                        if (node.isController() && node.isAlive() && node.isActiveController()) {
                            active[0] = node.id();
                            return true;
                        }
                    }
                    return false;
                },
                () -> "an active controller; logs:\n" + logs());
        return active[0];
    }

    public ClusterNode node(final int id) {
        return nodes.get(id);
    }

    public List<ClusterNode> nodes() {
        return List.copyOf(nodes.values());
    }

    public List<Integer> brokerIds() {
        return nodes.values().stream()
                .filter(ClusterNode::isBroker)
                .map(ClusterNode::id)
                .toList();
    }

    /** The broker listeners of the nodes that run, as a bootstrap list. */
    public String bootstrap() {
        final List<String> addresses = new ArrayList<>();
        for (final ClusterNode node : nodes.values()) {
            if (node.isBroker() && node.isAlive()) {
                addresses.add(node.bootstrap());
            }
        }
        Collections.shuffle(addresses);
        return String.join(",", addresses);
    }

    public Admin admin() {
        return Clients.admin(bootstrap());
    }

    /** Every node's log of its current or last run, for failure messages. */
    public String logs() {
        final StringBuilder all = new StringBuilder();
        for (final ClusterNode node : nodes.values()) {
            all.append("=== ").append(node.name()).append('\n').append(node.tail(60));
        }
        return all.toString();
    }

    /** Kills every process still running. */
    @Override
    public void close() throws InterruptedException {
        for (final ClusterNode node : nodes.values()) {
            node.kill();
        }
        try {
            Runtime.getRuntime().removeShutdownHook(killOnExit);
        } catch (IllegalStateException e) {
            // already shutting down: the hook runs anyway
        }
    }

    /** One node of the cluster: a Runnel process with its config and data. */
    public static final class ClusterNode {
        private final String name;
        private final int id;
        private final Path config;
        private final boolean broker;
        private final boolean controller;
        private final int brokerPort;
        private final int controllerPort;
        private Process process;
        private Path logFile;
        private int starts;

        ClusterNode(
                final String name,
                final int id,
                final Path config,
                final boolean broker,
                final boolean controller,
                final int brokerPort,
                final int controllerPort) {
            this.name = name;
            this.id = id;
            this.config = config;
            this.broker = broker;
            this.controller = controller;
            this.brokerPort = brokerPort;
            this.controllerPort = controllerPort;
        }

        /** The controller listener's port; -1 on a broker-only node. */
        public int controllerPort() {
            return controllerPort;
        }

        void format(final String clusterId) throws IOException, InterruptedException {
            final Process format = new ProcessBuilder(RunnelJvm.command(
                            List.of(), List.of("format", "--cluster-id", clusterId, "--config", config.toString())))
                    .redirectErrorStream(true)
                    .start();
            final String output = new String(format.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!format.waitFor(60, TimeUnit.SECONDS) || format.exitValue() != 0) {
                throw new IllegalStateException("runnel format of " + name + " failed:\n" + output);
            }
        }

        /** Starts the process (again); returns without waiting for it to serve. */
        public void start() throws IOException {
            if (isAlive()) {
                throw new IllegalStateException(name + " is running: pid " + process.pid());
            }
            final Path logs = RunnelJvm.targetDir().resolve("process-logs");
            Files.createDirectories(logs);
            logFile = logs.resolve(name + "-" + (++starts) + ".log");
            process = new ProcessBuilder(RunnelJvm.command(
                            List.of("-Xmx384m", "-XX:+UseSerialGC", "-XX:ActiveProcessorCount=1"),
                            List.of("server", "--config", config.toString())))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.to(logFile.toFile()))
                    .start();
        }

        /**
         * Waits until this run of the broker has been unfenced (its log says so): a broker restarted after a kill
         * registers anew once its previous incarnation's session has expired, as in KRaft.
         */
        public void awaitUnfenced() {
            final String line = "Broker " + id + " is unfenced";
            Await.until(
                    READY_TIMEOUT,
                    () -> {
                        if (!isAlive()) {
                            throw new AssertionError(name + " exited with " + process.exitValue() + ":\n" + tail(80));
                        }
                        return Files.readString(logFile, StandardCharsets.UTF_8).contains(line);
                    },
                    () -> name + " unfenced; log:\n" + tail(80));
        }

        /** SIGKILL: no shutdown hook, no controlled shutdown. */
        public void kill() throws InterruptedException {
            if (process != null && process.isAlive()) {
                process.destroyForcibly();
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    throw new IllegalStateException(name + " survived SIGKILL");
                }
            }
        }

        /** SIGTERM (a controlled shutdown for a broker), then waits up to {@code timeout} for the exit. */
        public Duration terminate(final Duration timeout) throws InterruptedException {
            final long startNs = System.nanoTime();
            process.destroy();
            if (!process.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
                throw new IllegalStateException(name + " did not exit within " + timeout + " of SIGTERM");
            }
            return Duration.ofNanos(System.nanoTime() - startNs);
        }

        /** SIGSTOP: the process is frozen, its sockets stay open. */
        public void pause() throws IOException, InterruptedException {
            signal("STOP");
        }

        /** SIGCONT. */
        public void resume() throws IOException, InterruptedException {
            signal("CONT");
        }

        private void signal(final String signal) throws IOException, InterruptedException {
            final Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).start();
            if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new IllegalStateException("kill -" + signal + " " + process.pid() + " failed");
            }
        }

        /** Whether this run's log says, last, that the node became the active controller. */
        boolean isActiveController() throws IOException {
            final String log = Files.readString(logFile, StandardCharsets.UTF_8);
            return log.lastIndexOf("Node " + id + " is the active controller")
                    > log.lastIndexOf("Node " + id + " is no longer the active controller");
        }

        public boolean isAlive() {
            return process != null && process.isAlive();
        }

        public int id() {
            return id;
        }

        public String name() {
            return name;
        }

        public boolean isBroker() {
            return broker;
        }

        public boolean isController() {
            return controller;
        }

        public String bootstrap() {
            return "127.0.0.1:" + brokerPort;
        }

        /** Everything the current (or last) run wrote. */
        public String log() {
            try {
                return logFile == null ? "" : Files.readString(logFile, StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "(unreadable: " + e + ")";
            }
        }

        /** The controller listener, for tools bootstrapped with {@code --bootstrap-controller}. */
        public String controllerBootstrap() {
            if (!controller) {
                throw new IllegalStateException(name + " is not a controller");
            }
            return "127.0.0.1:" + controllerPort;
        }

        /** The last {@code lines} lines the current (or last) run wrote. */
        public String tail(final int lines) {
            if (logFile == null) {
                return "(not started)\n";
            }
            try {
                final List<String> all = Files.readAllLines(logFile, StandardCharsets.UTF_8);
                return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size())) + "\n";
            } catch (IOException e) {
                return "(unreadable: " + e + ")\n";
            }
        }
    }
}
