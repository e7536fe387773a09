package io.runnel.metadata.controller;

import io.runnel.metadata.Nullable;
import io.runnel.metadata.image.BrokerRegistration;
import io.runnel.metadata.image.MetadataImage;
import io.runnel.metadata.loader.MetadataListener;
import io.runnel.metadata.loader.MetadataLoader;
import io.runnel.metadata.log.MetadataLog;
import io.runnel.metadata.record.ClusterIdRecord;
import io.runnel.metadata.record.MetadataRecord;
import io.runnel.metadata.record.ProducerIdsRecord;
import io.runnel.metadata.record.RegisterBrokerRecord;
import io.runnel.metadata.record.VotersRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.kafka.common.Uuid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single writer of the metadata log. It validates every command against the image its
 * {@link MetadataLoader} builds from the committed records, which it only reads.
 *
 * <h2>Threading</h2>
 * One thread, {@value #THREAD_NAME}, runs every command. Public methods may be called from any
 * thread: they offer a command onto that thread's queue and return a {@link CompletableFuture}
 * completed by it. Commands run one at a time in arrival order, and a command that writes waits
 * until its records are committed and applied before the next one starts. So at most one proposal
 * is in flight, and every command validates against an image that holds all earlier commands'
 * records: two concurrent CreateTopics of one name cannot both pass. (At metadata rates a
 * speculative image of proposed but unapplied records is not worth its complexity.)
 *
 * <p>The image and the listeners belong to the loader, which the {@link MetadataLog} calls with each
 * committed batch, in log order, one at a time: on the controller thread inside the proposal for
 * the local log, on the log's own apply thread for a replicated one.
 *
 * <h2>Each command</h2>
 * <ol>
 *   <li>validates against the current image, producing per-item {@link ApiError}s and the records
 *       for the items that passed ({@link TopicCreations}, {@link TopicDeletions},
 *       {@link PartitionCreations}, {@link ConfigAlterations});</li>
 *   <li>applies those records to a copy of the image (apply is deterministic, so a record that
 *       does not fit fails here, before anything is written);</li>
 *   <li>proposes them as one batch (atomic and durable) and waits until the log has committed
 *       it;</li>
 *   <li>by then the log has handed the batch to the loader, which publishes the new image:
 *       {@link #image()}, then each {@link MetadataListener}.</li>
 * </ol>
 * A failed proposal (e.g. {@code KafkaStorageException}) completes the command's future
 * exceptionally and, with the local log, leaves the image unchanged; map it with
 * {@link ApiError#fromThrowable}.
 *
 * <h2>Startup</h2>
 * {@link #start()} replays the log into the loader (when the controller made it), then writes a
 * {@link ClusterIdRecord} with a fresh id if there is none, and a {@link RegisterBrokerRecord} if
 * this broker's registration is missing or different. Listeners hear of nothing the replay
 * applies. Commands offered before {@code start()} fail with {@link IllegalStateException}.
 */
public final class MetadataController implements Controller, AutoCloseable {
    public static final String THREAD_NAME = "runnel-controller";
    /** {@code broker.session.timeout.ms}'s default, as in Kafka. */
    public static final long DEFAULT_SESSION_TIMEOUT_MS = 9_000;
    /** Guard against requests that would make the controller allocate without bound. */
    public static final int MAX_PARTITIONS_PER_TOPIC = 100_000;

    private static final Logger LOG = LoggerFactory.getLogger(MetadataController.class);

    private final MetadataLog log;
    private final BrokerRegistration self;
    private final int defaultNumPartitions;
    private final short defaultReplicationFactor;
    private final Map<String, String> brokerProperties;
    private final Policies policies;
    private final ScheduledExecutorService executor;
    private final BrokerLifecycle brokers;
    private final Proposals proposals;

    // Owned by the controller thread.
    private boolean started;
    // The periodic fencing of brokers whose sessions expired, while this controller is active.
    private @Nullable ScheduledFuture<?> fencing;
    // True from the end of activate() to deactivate(): commands may be served (cluster id and voters written).
    private volatile boolean active;

    private final MetadataLoader loader;
    // The controller replays the log into its loader itself only when it made the loader (quick start, tests).
    private final boolean ownsLoader;

    /**
     * @param log the metadata log; the caller keeps ownership and closes it after {@link #close()}
     * @param self this broker's registration
     * @param defaultNumPartitions {@code num.partitions}, used when a request says -1
     * @param defaultReplicationFactor {@code default.replication.factor}, used when a request says -1
     * @param brokerProperties the broker's static properties, for topic config defaults and the operator's
     *     policies ({@code create.topic.policy.class.name}, {@code alter.config.policy.class.name})
     * @throws org.apache.kafka.common.config.ConfigException when a policy class cannot be loaded or configured
     */
    public MetadataController(
            final MetadataLog log,
            final BrokerRegistration self,
            final int defaultNumPartitions,
            final short defaultReplicationFactor,
            final Map<String, String> brokerProperties) {
        this(
                log,
                new MetadataLoader(),
                true,
                self,
                defaultNumPartitions,
                defaultReplicationFactor,
                brokerProperties,
                DEFAULT_SESSION_TIMEOUT_MS);
    }

    /**
     * A controller over a loader the caller replays the log into before {@link #start}: the node's one loader,
     * which its broker side listens to as well.
     */
    public MetadataController(
            final MetadataLog log,
            final MetadataLoader loader,
            final BrokerRegistration self,
            final int defaultNumPartitions,
            final short defaultReplicationFactor,
            final Map<String, String> brokerProperties,
            final long sessionTimeoutMs) {
        this(
                log,
                loader,
                false,
                self,
                defaultNumPartitions,
                defaultReplicationFactor,
                brokerProperties,
                sessionTimeoutMs);
    }

    private MetadataController(
            final MetadataLog log,
            final MetadataLoader loader,
            final boolean ownsLoader,
            final BrokerRegistration self,
            final int defaultNumPartitions,
            final short defaultReplicationFactor,
            final Map<String, String> brokerProperties,
            final long sessionTimeoutMs) {
        this.loader = Objects.requireNonNull(loader, "loader");
        this.ownsLoader = ownsLoader;
        if (defaultNumPartitions < 1) {
            throw new IllegalArgumentException("num.partitions must be at least 1, was " + defaultNumPartitions);
        }
        if (defaultReplicationFactor < 1) {
            throw new IllegalArgumentException(
                    "default.replication.factor must be at least 1, was " + defaultReplicationFactor);
        }
        this.log = Objects.requireNonNull(log, "log");
        this.self = Objects.requireNonNull(self, "self");
        this.defaultNumPartitions = defaultNumPartitions;
        this.defaultReplicationFactor = defaultReplicationFactor;
        this.brokerProperties = Map.copyOf(brokerProperties);
        this.policies = Policies.load(this.brokerProperties);
        this.proposals = new Proposals(log, loader);
        this.brokers = new BrokerLifecycle(new BrokerSessions(sessionTimeoutMs, System::nanoTime));
        this.executor = Executors.newSingleThreadScheduledExecutor(runnable -> {
            final Thread thread = new Thread(runnable, THREAD_NAME);
            thread.setDaemon(true);
            return thread;
        });
    }

    /** {@link #start(String)} for a log that may name any cluster, or a fresh one if it names none (tests). */
    public CompletableFuture<MetadataImage> start() {
        return start(null);
    }

    /**
     * Replays the log and registers this broker; completes with the resulting image.
     *
     * @param clusterId the cluster id the node's directories were formatted with: written to a log that names no
     *     cluster yet; a log that names another one fails the start (Kafka's INCONSISTENT_CLUSTER_ID). {@code null}
     *     takes the log's, or a fresh one.
     */
    public CompletableFuture<MetadataImage> start(final @Nullable String clusterId) {
        return start(clusterId, true);
    }

    /**
     * {@link #start(String)} for the quick-start node ({@code quickStart}), which writes its cluster id and registers
     * its broker at once, unfenced. A cluster's controller writes nothing here: it starts publishing the image and
     * waits to be made {@link #activate active} by the quorum.
     */
    public CompletableFuture<MetadataImage> start(final @Nullable String clusterId, final boolean quickStart) {
        return submit("start", () -> {
            if (started) {
                throw new IllegalStateException("Controller already started");
            }
            if (ownsLoader) {
                log.replay(loader);
                if (image().lastOffset() != log.lastOffset()) {
                    throw new IllegalStateException("Replayed up to offset " + image().lastOffset()
                            + " but the log ends at " + log.lastOffset());
                }
            }
            loader.startPublishing();
            started = true;
            if (quickStart) {
                final List<MetadataRecord> records = new ArrayList<>(clusterIdRecords(clusterId));
                final BrokerRegistration registered = image().brokers().get(self.brokerId());
                if (!self.sameEndpoint(registered) || !registered.isActive()) {
                    records.add(new RegisterBrokerRecord(
                            self.brokerId(), self.host(), self.port(), self.listenerName(), self.rack()));
                }
                proposals.commit(records);
            }
            LOG.info(
                    "Metadata controller started: cluster {}, node {}, {} topic(s), last offset {}",
                    image().clusterId(),
                    self.brokerId(),
                    image().topicsByName().size(),
                    image().lastOffset());
            return image();
        });
    }

    /** A ClusterIdRecord if the log names no cluster yet; nothing if it names {@code clusterId}. */
    private List<MetadataRecord> clusterIdRecords(final @Nullable String clusterId) {
        if (image().clusterId() == null) {
            return List.of(new ClusterIdRecord(
                    clusterId != null ? clusterId : Uuid.randomUuid().toString()));
        }
        if (clusterId != null && !clusterId.equals(image().clusterId())) {
            throw new IllegalStateException("The metadata log belongs to cluster " + image().clusterId()
                    + ", but this node's directories were formatted for cluster " + clusterId
                    + " (INCONSISTENT_CLUSTER_ID)");
        }
        return List.of();
    }

    /** The latest applied image; {@link MetadataImage#EMPTY} before {@link #start()}. */
    public MetadataImage image() {
        return loader.image();
    }

    /** The loader whose image this controller validates against. */
    public MetadataLoader loader() {
        return loader;
    }

    /** {@link MetadataLoader#registerListener}, once the controller's commands before it have run. */
    public CompletableFuture<Void> registerListener(final MetadataListener listener) {
        Objects.requireNonNull(listener, "listener");
        return submit("registerListener", () -> {
            loader.registerListener(listener);
            return null;
        });
    }

    public CompletableFuture<Void> unregisterListener(final MetadataListener listener) {
        return submit("unregisterListener", () -> {
            loader.unregisterListener(listener);
            return null;
        });
    }

    /**
     * Creates topics with Kafka's controller validation. Each distinct name gets one result, in
     * request order; the topics that pass are created together in one batch, unless
     * {@code validateOnly}, which writes nothing.
     */
    @Override
    public CompletableFuture<List<CreateTopicResult>> createTopics(
            final List<CreateTopicSpec> topics, final boolean validateOnly) {
        final List<CreateTopicSpec> specs = List.copyOf(topics);
        return runCommand("createTopics", () -> {
            final TopicCreations creations = new TopicCreations(
                    image(),
                    validateOnly,
                    self.brokerId(),
                    defaultNumPartitions,
                    defaultReplicationFactor,
                    brokerProperties,
                    policies);
            final List<CreateTopicResult> results = creations.run(specs);
            return new Outcome<>(results, creations.records());
        });
    }

    /** Deletes topics named by name or by id; a topic named both ways is deleted once. */
    @Override
    public CompletableFuture<DeleteTopicsResult> deleteTopics(final List<String> names, final List<Uuid> ids) {
        final List<String> nameList = List.copyOf(names);
        final List<Uuid> idList = List.copyOf(ids);
        return runCommand("deleteTopics", () -> {
            final TopicDeletions deletions = new TopicDeletions(image());
            final DeleteTopicsResult result = deletions.run(nameList, idList);
            return new Outcome<>(result, deletions.records());
        });
    }

    /** Adds partitions to existing topics; one result per distinct topic, in request order. */
    @Override
    public CompletableFuture<List<CreatePartitionsResult>> createPartitions(
            final List<CreatePartitionsSpec> topics, final boolean validateOnly) {
        final List<CreatePartitionsSpec> specs = List.copyOf(topics);
        return runCommand("createPartitions", () -> {
            final PartitionCreations creations = new PartitionCreations(image());
            final List<CreatePartitionsResult> results = creations.run(specs);
            return new Outcome<>(results, validateOnly ? List.of() : creations.records());
        });
    }

    /**
     * Reserves {@code count} producer ids durably and returns the first; the block is
     * {@code [first, first + count)} and is never handed out again, even after a restart.
     */
    @Override
    public CompletableFuture<Long> allocateProducerIds(final int count) {
        if (count < 1) {
            return CompletableFuture.failedFuture(
                    new IllegalArgumentException("count must be at least 1, was " + count));
        }
        return runCommand("allocateProducerIds", () -> {
            final long first = image().nextProducerId();
            if (first > Long.MAX_VALUE - count) {
                throw new IllegalStateException("Producer ids exhausted");
            }
            return new Outcome<>(first, List.of(new ProducerIdsRecord(self.brokerId(), first + count)));
        });
    }

    /**
     * IncrementalAlterConfigs: applies each resource's SET, DELETE, APPEND and SUBTRACT changes to its dynamic
     * configs. One result per spec, in order; see {@link ConfigAlterations} for the checks. The resources that
     * pass are written together in one batch, unless {@code validateOnly}, which writes nothing.
     */
    @Override
    public CompletableFuture<List<AlterConfigsResult>> incrementalAlterConfigs(
            final List<AlterConfigsSpec> resources, final boolean validateOnly) {
        final List<AlterConfigsSpec> specs = List.copyOf(resources);
        return runCommand("incrementalAlterConfigs", () -> alterConfigsCommand(specs, true, validateOnly));
    }

    /**
     * Legacy AlterConfigs: each resource's dynamic configs become exactly the ones given (every change is a
     * SET; configs not named are deleted). Otherwise as {@link #incrementalAlterConfigs}.
     */
    @Override
    public CompletableFuture<List<AlterConfigsResult>> alterConfigs(
            final List<AlterConfigsSpec> resources, final boolean validateOnly) {
        final List<AlterConfigsSpec> specs = List.copyOf(resources);
        return runCommand("alterConfigs", () -> alterConfigsCommand(specs, false, validateOnly));
    }

    private Outcome<List<AlterConfigsResult>> alterConfigsCommand(
            final List<AlterConfigsSpec> specs, final boolean incremental, final boolean validateOnly) {
        final ConfigAlterations alterations = new ConfigAlterations(image(), self.brokerId(), incremental, policies);
        final List<AlterConfigsResult> results = alterations.run(specs);
        return new Outcome<>(results, validateOnly ? List.of() : alterations.records());
    }

    /**
     * BrokerRegistration: registers a broker process, fenced, and answers its epoch; see {@link BrokerLifecycle}.
     * Fails with {@code InconsistentClusterIdException} or {@code DuplicateBrokerRegistrationException}.
     */
    @Override
    public CompletableFuture<Long> registerBroker(final BrokerRegistrationSpec spec) {
        return runCommand("registerBroker", () -> brokers.register(image(), spec));
    }

    /**
     * BrokerHeartbeat: keeps the broker's session, unfences it once caught up, runs its controlled shutdown. Fails
     * with {@code StaleBrokerEpochException} for a registration it does not know.
     */
    @Override
    public CompletableFuture<BrokerHeartbeatReply> brokerHeartbeat(final BrokerHeartbeatSpec spec) {
        return runCommand("brokerHeartbeat", () -> brokers.heartbeat(image(), spec));
    }

    /** UnregisterBroker; fails with {@code BrokerIdNotRegisteredException} for a broker not registered. */
    @Override
    public CompletableFuture<Void> unregisterBroker(final int brokerId) {
        return runCommand("unregisterBroker", () -> brokers.unregister(image(), brokerId));
    }

    /**
     * Makes this controller the active one, as the quorum's leader becomes ready: writes the cluster id if the log
     * has none and the voters it is configured with ({@code id@host:port,...} by id) if they are not the log's, counts every registered broker as just heard from (a new active controller must never fence the
     * whole cluster at once), and from now on fences a broker that sends no heartbeat within the session timeout,
     * checking every {@code checkIntervalMs}.
     */
    public CompletableFuture<Void> activate(final String clusterId, final String voters, final long checkIntervalMs) {
        return submit("activate", () -> {
            if (fencing != null) {
                return null;
            }
            final List<MetadataRecord> records = new ArrayList<>(clusterIdRecords(clusterId));
            if (!voters.equals(image().voters())) {
                records.add(new VotersRecord(voters));
            }
            proposals.commit(records);
            brokers.activate(image());
            fencing = executor.scheduleWithFixedDelay(
                    () -> {
                        try {
                            proposals.commit(brokers.fenceExpired(image()).records());
                        } catch (final RuntimeException e) {
                            LOG.warn("Fencing brokers whose sessions expired failed; retrying", e);
                        }
                    },
                    checkIntervalMs,
                    checkIntervalMs,
                    TimeUnit.MILLISECONDS);
            active = true;
            LOG.info("Node {} is the active controller at offset {}", self.brokerId(), image().lastOffset());
            return null;
        });
    }

    /** True once {@link #activate} has run and until {@link #deactivate}. */
    public boolean isActive() {
        return active;
    }

    /** Stops being the active controller (the quorum chose another leader): no more fencing from here. */
    public CompletableFuture<Void> deactivate() {
        return submit("deactivate", () -> {
            active = false;
            if (fencing != null) {
                fencing.cancel(false);
                fencing = null;
                LOG.info("Node {} is no longer the active controller", self.brokerId());
            }
            return null;
        });
    }

    /** Stops accepting commands, finishes the queued ones, stops the controller thread and closes the policies. */
    @Override
    public void close() {
        executor.shutdown();
        try {
            if (!executor.awaitTermination(30, TimeUnit.SECONDS)) {
                LOG.warn("Metadata controller did not finish its queued commands within 30 s");
                executor.shutdownNow();
            }
        } catch (final InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        } finally {
            policies.close();
        }
    }

    private <T> CompletableFuture<T> runCommand(final String name, final Supplier<Outcome<T>> command) {
        return submit(name, () -> {
            if (!started) {
                throw new IllegalStateException("Metadata controller not started");
            }
            final Outcome<T> outcome = command.get();
            proposals.commit(outcome.records());
            return outcome.result();
        });
    }

    private <T> CompletableFuture<T> submit(final String name, final Supplier<T> task) {
        final CompletableFuture<T> future = new CompletableFuture<>();
        try {
            executor.execute(() -> {
                try {
                    future.complete(task.get());
                } catch (final Throwable t) {
                    LOG.debug("Metadata command {} failed", name, t);
                    future.completeExceptionally(t);
                }
            });
        } catch (final RejectedExecutionException e) {
            future.completeExceptionally(new IllegalStateException("Metadata controller is closed", e));
        }
        return future;
    }
}
