package io.runnel.bench.cluster;

import io.runnel.bench.Percentiles;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.CreateTopicsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.apache.kafka.common.message.CreateTopicsRequestData;
import org.apache.kafka.common.message.CreateTopicsResponseData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.CreateTopicsRequest;
import org.apache.kafka.common.requests.CreateTopicsResponse;
import org.apache.kafka.common.requests.MetadataRequest;
import org.apache.kafka.common.requests.MetadataResponse;

/**
 * The measuring side of {@code runnel-bench/bin/cluster-compare.sh}: cluster-level figures of any three-node
 * Kafka-protocol cluster, Runnel's or Apache Kafka's. Brokers are named {@code host:port,host:port,...} (node 1
 * first); results go to stdout as {@code key value...} lines for the script to tabulate, progress and client
 * logging to stderr.
 *
 * <ul>
 *   <li>{@code await-brokers TIMEOUT_S COUNT BROKERS}: until every broker's Metadata lists COUNT brokers.
 *   <li>{@code controller BROKERS}: prints the active controller's id from DescribeQuorum
 *       ({@code Admin.describeMetadataQuorum}); prints {@code unsupported <why>} and exits 3 where the cluster does
 *       not serve it.
 *   <li>{@code create TOPICS PARTITIONS TOPICS_PER_REQUEST BROKERS}: creates TOPICS topics of PARTITIONS partitions
 *       (replication factor 1), all CreateTopics requests sent at once through one Admin; prints when they were all
 *       answered and when each broker's Metadata first showed every partition with a leader.
 *   <li>{@code propagation REPS VIA BROKERS}: REPS times, one CreateTopics (1 partition) sent to broker VIA
 *       (1-based) while every broker's Metadata is polled for the topic; prints, per broker, p50 and p99 of the time
 *       until its answer holds the topic with a leader.
 *   <li>{@code failover PID ROUND SURVIVORS}: kills process PID with SIGKILL and prints the time until a CreateTopics
 *       sent through SURVIVORS is accepted.
 * </ul>
 *
 * <p>Broker-specific questions (Metadata, the propagation's CreateTopics) go straight to that broker's socket
 * ({@link WireClient}); cluster-wide ones (the bulk CreateTopics, the failover probe, DescribeQuorum) go through
 * kafka-clients' Admin, which finds the broker to ask as an application would. Poll intervals:
 * {@code -Dbench.poll.ms} (propagation, default 1) and {@code -Dbench.create.poll.ms} (bulk create, default 20).
 */
public final class ClusterBench {
    private static final long POLL_MS = Long.getLong("bench.poll.ms", 1);
    private static final long CREATE_POLL_MS = Long.getLong("bench.create.poll.ms", 20);
    private static final long CREATE_DEADLINE_S = Long.getLong("bench.create.deadline.s", 900);
    private static final long PROPAGATION_DEADLINE_S = 60;
    private static final long FAILOVER_DEADLINE_S = Long.getLong("bench.failover.deadline.s", 120);

    private ClusterBench() {}

    public static void main(final String[] args) throws Exception {
        if (args.length == 0) {
            usage();
        }
        switch (args[0]) {
            case "await-brokers" ->
                awaitBrokers(Integer.parseInt(args[1]), Integer.parseInt(args[2]), brokers(args[3]));
            case "controller" -> System.exit(controller(args[1]));
            case "create" ->
                create(
                        Integer.parseInt(args[1]),
                        Integer.parseInt(args[2]),
                        Integer.parseInt(args[3]),
                        brokers(args[4]));
            case "propagation" -> propagation(Integer.parseInt(args[1]), Integer.parseInt(args[2]), brokers(args[3]));
            case "failover" -> failover(Long.parseLong(args[1]), Integer.parseInt(args[2]), args[3]);
            default -> usage();
        }
    }

    private static void usage() {
        System.err.println("usage: ClusterBench await-brokers TIMEOUT_S COUNT BROKERS | controller BROKERS"
                + " | create TOPICS PARTITIONS TOPICS_PER_REQUEST BROKERS | propagation REPS VIA BROKERS"
                + " | failover PID ROUND SURVIVORS   (BROKERS: host:port,host:port,...)");
        System.exit(2);
    }

    private static List<String> brokers(final String list) {
        return List.of(list.split(","));
    }

    /** Until every broker answers Metadata listing {@code count} brokers (registered and unfenced). */
    static void awaitBrokers(final int timeoutS, final int count, final List<String> brokers)
            throws InterruptedException {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutS);
        for (final String broker : brokers) {
            String last = "no answer";
            while (true) {
                try (WireClient client = WireClient.connect(broker)) {
                    final MetadataResponse response = client.send(new MetadataRequest.Builder(List.of(), false));
                    final int listed = response.data().brokers().size();
                    if (listed >= count) {
                        break;
                    }
                    last = "lists " + listed + " brokers";
                } catch (IOException | RuntimeException e) {
                    last = e.toString();
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(
                            broker + " does not list " + count + " brokers within " + timeoutS + " s: " + last);
                }
                Thread.sleep(200);
            }
        }
    }

    /** Prints the active controller's id (exit 0), or why DescribeQuorum gives none (exit 3 or 4). */
    static int controller(final String bootstrap) throws InterruptedException {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        Throwable last = null;
        try (Admin admin = Admin.create(props(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 20_000))) {
            while (System.nanoTime() < deadline) {
                try {
                    final int leader = admin.describeMetadataQuorum()
                            .quorumInfo()
                            .get(30, TimeUnit.SECONDS)
                            .leaderId();
                    if (leader >= 0) {
                        System.out.println(leader);
                        return 0;
                    }
                    last = new IllegalStateException("the quorum has no leader");
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof UnsupportedVersionException) {
                        System.out.println("unsupported DescribeQuorum (Admin.describeMetadataQuorum): "
                                + e.getCause().getMessage());
                        return 3;
                    }
                    last = e.getCause();
                } catch (TimeoutException e) {
                    last = e;
                }
                Thread.sleep(200);
            }
        }
        System.out.println("failed DescribeQuorum (Admin.describeMetadataQuorum): " + last);
        return 4;
    }

    /** Measure 1: many partitions created at once, until every broker's Metadata shows a leader for each. */
    static void create(final int topics, final int partitions, final int topicsPerRequest, final List<String> brokers)
            throws Exception {
        final List<String> names = new ArrayList<>();
        for (int i = 0; i < topics; i++) {
            names.add(String.format(Locale.ROOT, "bench-create-%05d", i));
        }
        final List<WireClient> clients = new ArrayList<>();
        for (final String broker : brokers) {
            clients.add(WireClient.connect(broker));
        }
        final ExecutorService pool = Executors.newFixedThreadPool(brokers.size());
        try (Admin admin = Admin.create(props(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, String.join(",", brokers),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) TimeUnit.SECONDS.toMillis(CREATE_DEADLINE_S),
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) TimeUnit.SECONDS.toMillis(CREATE_DEADLINE_S)))) {
            // the Admin knows the cluster before the clock starts, as an application's long-lived one does
            admin.describeCluster().nodes().get(60, TimeUnit.SECONDS);
            final long startNs = System.nanoTime();
            final long deadline = startNs + TimeUnit.SECONDS.toNanos(CREATE_DEADLINE_S);
            final List<KafkaFuture<Void>> answers = new ArrayList<>();
            for (int from = 0; from < topics; from += topicsPerRequest) {
                final List<NewTopic> batch = names.subList(from, Math.min(topics, from + topicsPerRequest)).stream()
                        .map(name -> new NewTopic(name, partitions, (short) 1))
                        .toList();
                final KafkaFuture<Void> answer = admin.createTopics(batch, new CreateTopicsOptions().timeoutMs((int)
                                        TimeUnit.SECONDS.toMillis(CREATE_DEADLINE_S)))
                        .all();
                final int first = from;
                answer.whenComplete((ignored, error) -> System.err.printf(
                        Locale.ROOT,
                        "CreateTopics of topics %d.. answered after %d ms%s%n",
                        first,
                        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs),
                        error == null ? "" : ": " + error));
                answers.add(answer);
            }
            final AtomicLong answeredNs = new AtomicLong();
            final KafkaFuture<Void> all = KafkaFuture.allOf(answers.toArray(new KafkaFuture<?>[0]));
            all.whenComplete((ignored, error) -> answeredNs.set(System.nanoTime() - startNs));
            final List<Future<Long>> led = new ArrayList<>();
            for (final WireClient client : clients) {
                led.add(pool.submit(() -> awaitLeaders(client, names, partitions, startNs, deadline)));
            }
            try {
                all.get(CREATE_DEADLINE_S, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                throw new IllegalStateException("CreateTopics failed: " + e.getCause(), e.getCause());
            }
            final long[] ledNs = new long[clients.size()];
            for (int i = 0; i < ledNs.length; i++) {
                ledNs[i] = led.get(i).get();
            }
            System.out.printf(Locale.ROOT, "create_ack_ms %d%n", TimeUnit.NANOSECONDS.toMillis(answeredNs.get()));
            for (int i = 0; i < ledNs.length; i++) {
                System.out.printf(
                        Locale.ROOT, "create_leaders_ms_node%d %d%n", i + 1, TimeUnit.NANOSECONDS.toMillis(ledNs[i]));
            }
            System.out.printf(
                    Locale.ROOT,
                    "create_leaders_ms %d%n",
                    TimeUnit.NANOSECONDS.toMillis(Arrays.stream(ledNs).max().orElseThrow()));
        } finally {
            pool.shutdownNow();
            for (final WireClient client : clients) {
                client.close();
            }
        }
    }

    /** Polls one broker until its Metadata shows every partition of every topic with a leader. */
    private static long awaitLeaders(
            final WireClient client,
            final List<String> names,
            final int partitions,
            final long startNs,
            final long deadline)
            throws IOException, InterruptedException {
        final Set<String> pending = new HashSet<>(names);
        String last = "no answer";
        while (true) {
            final MetadataResponse response = client.send(new MetadataRequest.Builder(List.copyOf(pending), false));
            final long nowNs = System.nanoTime();
            for (final MetadataResponseData.MetadataResponseTopic topic :
                    response.data().topics()) {
                if (allLed(topic, partitions)) {
                    pending.remove(topic.name());
                } else {
                    last = topic.name() + ": " + Errors.forCode(topic.errorCode()) + ", "
                            + topic.partitions().size() + " partitions";
                }
            }
            if (pending.isEmpty()) {
                return nowNs - startNs;
            }
            if (nowNs > deadline) {
                throw new IllegalStateException(client.address() + ": " + pending.size()
                        + " topics still without a leader for every partition; e.g. " + last);
            }
            Thread.sleep(CREATE_POLL_MS);
        }
    }

    private static boolean allLed(final MetadataResponseData.MetadataResponseTopic topic, final int partitions) {
        if (topic.errorCode() != Errors.NONE.code() || topic.partitions().size() != partitions) {
            return false;
        }
        for (final MetadataResponseData.MetadataResponsePartition partition : topic.partitions()) {
            if (partition.errorCode() != Errors.NONE.code() || partition.leaderId() < 0) {
                return false;
            }
        }
        return true;
    }

    /** Measure 3: one topic created through one broker, until each broker's Metadata shows it with a leader. */
    static void propagation(final int reps, final int via, final List<String> brokers) throws Exception {
        final List<WireClient> pollers = new ArrayList<>();
        for (final String broker : brokers) {
            pollers.add(WireClient.connect(broker));
        }
        final ExecutorService pool = Executors.newFixedThreadPool(brokers.size());
        final long[][] visibleNs = new long[brokers.size()][reps];
        final long[] allNs = new long[reps];
        final long[] answeredNs = new long[reps];
        final String prefix = "bench-prop-" + Long.toString(System.currentTimeMillis(), 36) + "-";
        try (WireClient creator = WireClient.connect(brokers.get(via - 1))) {
            for (int rep = 0; rep < reps; rep++) {
                final String name = prefix + rep;
                final CreateTopicsRequestData request = new CreateTopicsRequestData().setTimeoutMs(30_000);
                request.topics()
                        .add(new CreateTopicsRequestData.CreatableTopic()
                                .setName(name)
                                .setNumPartitions(1)
                                .setReplicationFactor((short) 1));
                final long startNs = System.nanoTime();
                final long deadline = startNs + TimeUnit.SECONDS.toNanos(PROPAGATION_DEADLINE_S);
                final List<Future<Long>> visible = new ArrayList<>();
                for (final WireClient poller : pollers) {
                    visible.add(pool.submit(() -> awaitTopic(poller, name, startNs, deadline)));
                }
                final CreateTopicsResponse response = creator.send(new CreateTopicsRequest.Builder(request));
                answeredNs[rep] = System.nanoTime() - startNs;
                final CreateTopicsResponseData.CreatableTopicResult result =
                        response.data().topics().find(name);
                if (result == null || result.errorCode() != Errors.NONE.code()) {
                    pool.shutdownNow();
                    throw new IllegalStateException("CreateTopics " + name + " through " + creator.address()
                            + " failed: " + (result == null ? "no result" : Errors.forCode(result.errorCode())));
                }
                for (int i = 0; i < pollers.size(); i++) {
                    visibleNs[i][rep] = visible.get(i).get();
                    allNs[rep] = Math.max(allNs[rep], visibleNs[i][rep]);
                }
                Thread.sleep(50);
            }
        } finally {
            pool.shutdownNow();
            for (final WireClient poller : pollers) {
                poller.close();
            }
        }
        printPercentiles("prop_ack_ms", answeredNs);
        for (int i = 0; i < pollers.size(); i++) {
            printPercentiles("prop_node" + (i + 1) + "_ms", visibleNs[i]);
        }
        printPercentiles("prop_all_ms", allNs);
    }

    private static long awaitTopic(final WireClient client, final String name, final long startNs, final long deadline)
            throws IOException, InterruptedException {
        while (true) {
            final MetadataResponse response = client.send(new MetadataRequest.Builder(List.of(name), false));
            final long nowNs = System.nanoTime();
            for (final MetadataResponseData.MetadataResponseTopic topic :
                    response.data().topics()) {
                if (name.equals(topic.name()) && allLed(topic, 1)) {
                    return nowNs - startNs;
                }
            }
            if (nowNs > deadline) {
                throw new IllegalStateException(
                        client.address() + " shows no leader of " + name + " within " + PROPAGATION_DEADLINE_S + " s");
            }
            if (POLL_MS > 0) {
                Thread.sleep(POLL_MS);
            }
        }
    }

    private static void printPercentiles(final String key, final long[] samplesNs) {
        final Percentiles p = Percentiles.of(samplesNs.clone(), samplesNs.length);
        System.out.printf(Locale.ROOT, "%s %.1f %.1f%n", key, p.p50Ns() / 1e6, p.p99Ns() / 1e6);
    }

    /** Measure 2: SIGKILL to process {@code pid} (the active controller), until a CreateTopics is accepted. */
    static void failover(final long pid, final int round, final String survivors) throws Exception {
        final ProcessHandle victim =
                ProcessHandle.of(pid).orElseThrow(() -> new IllegalStateException("no process " + pid + " to kill"));
        final String name = "bench-failover-" + round + "-" + Long.toString(System.currentTimeMillis(), 36);
        final AtomicReference<Throwable> last = new AtomicReference<>();
        int attempts = 0;
        final Admin admin = Admin.create(props(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, survivors,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 3_000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000,
                AdminClientConfig.RETRY_BACKOFF_MS_CONFIG, 20,
                AdminClientConfig.RETRY_BACKOFF_MAX_MS_CONFIG, 200,
                AdminClientConfig.RECONNECT_BACKOFF_MS_CONFIG, 20,
                AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 200));
        try {
            admin.describeCluster().nodes().get(30, TimeUnit.SECONDS);
            final long killedNs = System.nanoTime();
            if (!victim.destroyForcibly()) {
                throw new IllegalStateException("could not kill " + pid);
            }
            final long deadline = killedNs + TimeUnit.SECONDS.toNanos(FAILOVER_DEADLINE_S);
            while (true) {
                attempts++;
                try {
                    admin.createTopics(List.of(new NewTopic(name, 1, (short) 1)))
                            .all()
                            .get(10, TimeUnit.SECONDS);
                    break;
                } catch (ExecutionException e) {
                    // an earlier attempt that timed out here went through after all: accepted by now
                    if (e.getCause() instanceof TopicExistsException) {
                        break;
                    }
                    last.set(e.getCause());
                } catch (TimeoutException e) {
                    last.set(e);
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("no CreateTopics accepted within " + FAILOVER_DEADLINE_S
                            + " s of killing " + pid + "; last error: " + last.get());
                }
                Thread.sleep(20);
            }
            final long tookNs = System.nanoTime() - killedNs;
            System.err.printf(
                    Locale.ROOT,
                    "failover round %d: %d attempts, last error before success: %s%n",
                    round,
                    attempts,
                    last.get());
            System.out.printf(Locale.ROOT, "failover_ms %d%n", TimeUnit.NANOSECONDS.toMillis(tookNs));
        } finally {
            // attempts that timed out may still be pending: do not wait for them
            admin.close(Duration.ofSeconds(1));
        }
    }

    private static Properties props(final Object... pairs) {
        final Properties props = new Properties();
        for (int i = 0; i < pairs.length; i += 2) {
            props.put(pairs[i], String.valueOf(pairs[i + 1]));
        }
        return props;
    }
}
