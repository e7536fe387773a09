package io.runnel.metadata.controller;

import io.runnel.metadata.Nullable;
import io.runnel.metadata.config.BrokerConfigLayers;
import io.runnel.metadata.config.TopicConfigs;
import io.runnel.metadata.image.BrokerRegistration;
import io.runnel.metadata.image.MetadataImage;
import io.runnel.metadata.image.TopicImage;
import io.runnel.metadata.log.MetadataLog;
import io.runnel.metadata.record.ClusterIdRecord;
import io.runnel.metadata.record.ConfigRecord;
import io.runnel.metadata.record.ConfigResourceType;
import io.runnel.metadata.record.MetadataRecord;
import io.runnel.metadata.record.PartitionRecord;
import io.runnel.metadata.record.ProducerIdsRecord;
import io.runnel.metadata.record.RegisterBrokerRecord;
import io.runnel.metadata.record.RemoveTopicRecord;
import io.runnel.metadata.record.TopicRecord;

import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidPartitionsException;
import org.apache.kafka.common.errors.InvalidReplicaAssignmentException;
import org.apache.kafka.common.errors.InvalidReplicationFactorException;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicIdException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.internals.Topic;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The single writer of the metadata log.
 *
 * <h2>Threading</h2>
 * One thread, {@value #THREAD_NAME}, owns the log, the listeners and every write. Public methods
 * may be called from any thread: they offer a command onto that thread's queue and return a
 * {@link CompletableFuture} completed by it. Commands run one at a time in arrival order.
 * {@link #image()} is a volatile read of the latest published image.
 *
 * <h2>Each command</h2>
 * <ol>
 *   <li>validates against the current image, producing per-item {@link ApiError}s and the records
 *       for the items that passed;</li>
 *   <li>applies those records to a copy of the image (apply is deterministic, so a record that
 *       does not fit fails here, before anything is written);</li>
 *   <li>appends them as one batch (atomic and durable);</li>
 *   <li>publishes the new image: {@link #image()}, then each {@link MetadataListener}.</li>
 * </ol>
 * A failed append (e.g. {@code KafkaStorageException}) completes the command's future
 * exceptionally and leaves the image unchanged; map it with {@link ApiError#fromThrowable}.
 *
 * <h2>Startup</h2>
 * {@link #start()} replays the log into the image, then writes a {@link ClusterIdRecord} with a
 * fresh id if there is none, and a {@link RegisterBrokerRecord} if this broker's registration is
 * missing or different. Commands offered before {@code start()} fail with
 * {@link IllegalStateException}.
 */
public final class MetadataController implements AutoCloseable {
    public static final String THREAD_NAME = "runnel-controller";
    /** Guard against requests that would make the controller allocate without bound. */
    public static final int MAX_PARTITIONS_PER_TOPIC = 100_000;

    private static final Logger LOG = LoggerFactory.getLogger(MetadataController.class);

    private final MetadataLog log;
    private final BrokerRegistration self;
    private final int defaultNumPartitions;
    private final short defaultReplicationFactor;
    private final Map<String, String> brokerProperties;
    private final Policies policies;
    private final ExecutorService executor;

    // Owned by the controller thread.
    private final List<MetadataListener> listeners = new ArrayList<>();
    private boolean started;

    private volatile MetadataImage image = MetadataImage.EMPTY;

    /**
     * @param log the metadata log; the caller keeps ownership and closes it after {@link #close()}
     * @param self this broker's registration
     * @param defaultNumPartitions {@code num.partitions}, used when a request says -1
     * @param defaultReplicationFactor {@code default.replication.factor}, used when a request says -1
     * @param brokerProperties the broker's static properties, for topic config defaults and the operator's
     *     policies ({@code create.topic.policy.class.name}, {@code alter.config.policy.class.name})
     * @throws org.apache.kafka.common.config.ConfigException when a policy class cannot be loaded or configured
     */
    public MetadataController(final MetadataLog log, final BrokerRegistration self, final int defaultNumPartitions,
                              final short defaultReplicationFactor, final Map<String, String> brokerProperties) {
        if (defaultNumPartitions < 1) {
            throw new IllegalArgumentException("num.partitions must be at least 1, was " + defaultNumPartitions);
        }
        if (defaultReplicationFactor < 1) {
            throw new IllegalArgumentException("default.replication.factor must be at least 1, was " + defaultReplicationFactor);
        }
        this.log = Objects.requireNonNull(log, "log");
        this.self = Objects.requireNonNull(self, "self");
        this.defaultNumPartitions = defaultNumPartitions;
        this.defaultReplicationFactor = defaultReplicationFactor;
        this.brokerProperties = Map.copyOf(brokerProperties);
        this.policies = Policies.load(this.brokerProperties);
        this.executor = Executors.newSingleThreadExecutor(runnable -> {
            final Thread thread = new Thread(runnable, THREAD_NAME);
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Replays the log and registers this broker; completes with the resulting image. */
    public CompletableFuture<MetadataImage> start() {
        return submit("start", () -> {
            if (started) {
                throw new IllegalStateException("Controller already started");
            }
            final MetadataImage[] replayed = {MetadataImage.EMPTY};
            log.replay(record -> replayed[0] = replayed[0].apply(record));
            if (replayed[0].lastOffset() != log.lastOffset()) {
                throw new IllegalStateException("Replayed up to offset " + replayed[0].lastOffset()
                    + " but the log ends at " + log.lastOffset());
            }
            image = replayed[0];
            started = true;
            final List<MetadataRecord> records = new ArrayList<>();
            if (image.clusterId() == null) {
                records.add(new ClusterIdRecord(Uuid.randomUuid().toString()));
            }
            if (!self.equals(image.brokers().get(self.brokerId()))) {
                records.add(new RegisterBrokerRecord(self.brokerId(), self.host(), self.port(), self.listenerName(), self.rack()));
            }
            commit(records);
            LOG.info("Metadata controller started: cluster {}, broker {}, {} topic(s), last offset {}",
                image.clusterId(), self.brokerId(), image.topicsByName().size(), image.lastOffset());
            return image;
        });
    }

    /** The latest published image; {@link MetadataImage#EMPTY} before {@link #start()}. */
    public MetadataImage image() {
        return image;
    }

    /**
     * Adds a listener. Once started, it is first told of the current image (as a change from
     * {@link MetadataImage#EMPTY}), then of every later one.
     */
    public CompletableFuture<Void> registerListener(final MetadataListener listener) {
        Objects.requireNonNull(listener, "listener");
        return submit("registerListener", () -> {
            listeners.add(listener);
            if (started) {
                notifyListener(listener, MetadataImage.EMPTY, image);
            }
            return null;
        });
    }

    public CompletableFuture<Void> unregisterListener(final MetadataListener listener) {
        return submit("unregisterListener", () -> {
            listeners.remove(listener);
            return null;
        });
    }

    /**
     * Creates topics with Kafka's controller validation. Each distinct name gets one result, in
     * request order; the topics that pass are created together in one batch, unless
     * {@code validateOnly}, which writes nothing.
     */
    public CompletableFuture<List<CreateTopicResult>> createTopics(final List<CreateTopicSpec> topics,
                                                                   final boolean validateOnly) {
        final List<CreateTopicSpec> specs = List.copyOf(topics);
        return runCommand("createTopics", () -> new CreateTopicsCommand(image, validateOnly).run(specs));
    }

    /** Deletes topics named by name or by id; a topic named both ways is deleted once. */
    public CompletableFuture<DeleteTopicsResult> deleteTopics(final List<String> names, final List<Uuid> ids) {
        final List<String> nameList = List.copyOf(names);
        final List<Uuid> idList = List.copyOf(ids);
        return runCommand("deleteTopics", () -> deleteTopicsCommand(image, nameList, idList));
    }

    /** Adds partitions to existing topics; one result per distinct topic, in request order. */
    public CompletableFuture<List<CreatePartitionsResult>> createPartitions(final List<CreatePartitionsSpec> topics,
                                                                           final boolean validateOnly) {
        final List<CreatePartitionsSpec> specs = List.copyOf(topics);
        return runCommand("createPartitions", () -> createPartitionsCommand(image, specs, validateOnly));
    }

    /**
     * Reserves {@code count} producer ids durably and returns the first; the block is
     * {@code [first, first + count)} and is never handed out again, even after a restart.
     */
    public CompletableFuture<Long> allocateProducerIds(final int count) {
        if (count < 1) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("count must be at least 1, was " + count));
        }
        return runCommand("allocateProducerIds", () -> {
            final long first = image.nextProducerId();
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
    public CompletableFuture<List<AlterConfigsResult>> incrementalAlterConfigs(final List<AlterConfigsSpec> resources,
                                                                              final boolean validateOnly) {
        final List<AlterConfigsSpec> specs = List.copyOf(resources);
        return runCommand("incrementalAlterConfigs", () -> alterConfigsCommand(specs, true, validateOnly));
    }

    /**
     * Legacy AlterConfigs: each resource's dynamic configs become exactly the ones given (every change is a
     * SET; configs not named are deleted). Otherwise as {@link #incrementalAlterConfigs}.
     */
    public CompletableFuture<List<AlterConfigsResult>> alterConfigs(final List<AlterConfigsSpec> resources,
                                                                   final boolean validateOnly) {
        final List<AlterConfigsSpec> specs = List.copyOf(resources);
        return runCommand("alterConfigs", () -> alterConfigsCommand(specs, false, validateOnly));
    }

    private Outcome<List<AlterConfigsResult>> alterConfigsCommand(final List<AlterConfigsSpec> specs,
                                                                  final boolean incremental,
                                                                  final boolean validateOnly) {
        final ConfigAlterations alterations = new ConfigAlterations(image, self.brokerId(), incremental, policies);
        final List<AlterConfigsResult> results = alterations.run(specs);
        return new Outcome<>(results, validateOnly ? List.of() : alterations.records());
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

    /** A command's answer and the records that make it true (empty: nothing to write). */
    private record Outcome<T>(T result, List<MetadataRecord> records) {
    }

    private <T> CompletableFuture<T> runCommand(final String name, final Supplier<Outcome<T>> command) {
        return submit(name, () -> {
            if (!started) {
                throw new IllegalStateException("Metadata controller not started");
            }
            final Outcome<T> outcome = command.get();
            commit(outcome.records());
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

    /** Applies, appends and publishes; controller thread only. */
    private void commit(final List<MetadataRecord> records) {
        if (records.isEmpty()) {
            return;
        }
        final MetadataImage previous = image;
        MetadataImage next = previous;
        for (final MetadataRecord record : records) {
            next = next.apply(record);
        }
        final long lastOffset = log.append(records);
        if (lastOffset != next.lastOffset()) {
            throw new IllegalStateException("Metadata log assigned offset " + lastOffset + " but the image expected "
                + next.lastOffset());
        }
        image = next;
        for (final MetadataListener listener : List.copyOf(listeners)) {
            notifyListener(listener, previous, next);
        }
    }

    private static void notifyListener(final MetadataListener listener, final MetadataImage previous, final MetadataImage next) {
        try {
            listener.onImage(previous, next);
        } catch (final RuntimeException e) {
            LOG.error("Metadata listener {} failed on image at offset {}", listener, next.lastOffset(), e);
        }
    }

    // ---------------------------------------------------------------- CreateTopics

    private final class CreateTopicsCommand {
        private final MetadataImage current;
        private final boolean validateOnly;
        private final List<Integer> brokerIds;
        private final Map<String, String> unifiedNames = new HashMap<>();
        private final Set<Uuid> usedIds = new HashSet<>();

        CreateTopicsCommand(final MetadataImage current, final boolean validateOnly) {
            this.current = current;
            this.validateOnly = validateOnly;
            this.brokerIds = List.copyOf(current.brokers().keySet());
            for (final String existing : current.topicsByName().keySet()) {
                unifiedNames.put(Topic.unifyCollisionChars(existing), existing);
            }
        }

        Outcome<List<CreateTopicResult>> run(final List<CreateTopicSpec> specs) {
            final Map<String, Integer> occurrences = new HashMap<>();
            for (final CreateTopicSpec spec : specs) {
                occurrences.merge(spec.name(), 1, Integer::sum);
            }
            final Set<String> seen = new HashSet<>();
            final List<CreateTopicResult> results = new ArrayList<>();
            final List<MetadataRecord> records = new ArrayList<>();
            for (final CreateTopicSpec spec : specs) {
                if (!seen.add(spec.name())) {
                    continue;
                }
                if (occurrences.get(spec.name()) > 1) {
                    results.add(CreateTopicResult.failed(spec.name(), ApiError.of(
                        Errors.INVALID_REQUEST, "Duplicate topic name.")));
                    continue;
                }
                try {
                    results.add(create(spec, records));
                } catch (final ApiException e) {
                    results.add(CreateTopicResult.failed(spec.name(), ApiError.fromThrowable(e)));
                }
            }
            return new Outcome<>(List.copyOf(results), validateOnly ? List.of() : records);
        }

        private CreateTopicResult create(final CreateTopicSpec spec, final List<MetadataRecord> records) {
            final String name = spec.name();
            Topic.validate(name);
            if (current.topic(name) != null) {
                throw new TopicExistsException("Topic '" + name + "' already exists.");
            }
            final String collidesWith = unifiedNames.get(Topic.unifyCollisionChars(name));
            if (collidesWith != null) {
                throw new InvalidTopicException("Topic '" + name + "' collides with existing topic: " + collidesWith);
            }
            final List<List<Integer>> assignment = spec.assignments().isEmpty()
                ? placeReplicas(spec)
                : manualAssignment(spec);
            final Map<String, String> errors = TopicConfigs.validate(spec.configs());
            if (!errors.isEmpty()) {
                throw new InvalidConfigurationException(errors.values().iterator().next());
            }
            checkPolicies(spec, assignment);

            unifiedNames.put(Topic.unifyCollisionChars(name), name);
            final Uuid topicId = validateOnly ? Uuid.ZERO_UUID : newTopicId();
            final Map<String, String> configs = new LinkedHashMap<>();
            spec.configs().forEach((key, value) -> configs.put(key, value));
            if (!validateOnly) {
                records.add(new TopicRecord(name, topicId));
                for (int p = 0; p < assignment.size(); p++) {
                    final List<Integer> replicas = assignment.get(p);
                    records.add(new PartitionRecord(topicId, p, replicas, replicas, replicas.get(0), 0, 0));
                }
                configs.forEach((key, value) -> records.add(new ConfigRecord(ConfigResourceType.TOPIC, name, key, value)));
            }
            return new CreateTopicResult(name, ApiError.NONE, topicId, assignment.size(),
                (short) assignment.get(0).size(), TopicConfigs.resolve(configs,
                BrokerConfigLayers.of(current.brokerConfigs(), self.brokerId(), brokerProperties)));
        }

        /**
         * KRaft's order: the topic's configs, if any, pass the alter-config policy as a change to a new resource,
         * then the topic the create-topic policy, told the partition count and replication factor it gets, or for a
         * manual assignment only that.
         */
        private void checkPolicies(final CreateTopicSpec spec, final List<List<Integer>> assignment) {
            // validated by now: no value is null
            final Map<String, String> configs = spec.configs();
            if (!configs.isEmpty()) {
                policies.checkAlterConfig(new ConfigResource(ConfigResource.Type.TOPIC, spec.name()), configs);
            }
            if (spec.assignments().isEmpty()) {
                policies.checkCreateTopic(spec.name(), assignment.size(), (short) assignment.get(0).size(), null, configs);
            } else {
                policies.checkCreateTopic(spec.name(), null, null, spec.assignments(), configs);
            }
        }

        private List<List<Integer>> placeReplicas(final CreateTopicSpec spec) {
            final int numPartitions = spec.numPartitions() == -1 ? defaultNumPartitions : spec.numPartitions();
            if (numPartitions < 1) {
                throw new InvalidPartitionsException("Number of partitions was set to an invalid non-positive value.");
            }
            if (numPartitions > MAX_PARTITIONS_PER_TOPIC) {
                throw new InvalidPartitionsException("Number of partitions " + numPartitions + " exceeds the maximum of "
                    + MAX_PARTITIONS_PER_TOPIC + ".");
            }
            final short replicationFactor = spec.replicationFactor() == -1 ? defaultReplicationFactor : spec.replicationFactor();
            if (replicationFactor < 1) {
                throw new InvalidReplicationFactorException(
                    "Replication factor must be larger than 0, or -1 to use the default value.");
            }
            return place(brokerIds, spec.name(), 0, numPartitions, replicationFactor);
        }

        private List<List<Integer>> manualAssignment(final CreateTopicSpec spec) {
            if (spec.numPartitions() != -1) {
                throw new InvalidRequestException(
                    "A manual partition assignment was specified, but numPartitions was not set to -1.");
            }
            if (spec.replicationFactor() != -1) {
                throw new InvalidRequestException(
                    "A manual partition assignment was specified, but replication factor was not set to -1.");
            }
            final Map<Integer, List<Integer>> assignments = spec.assignments();
            if (assignments.size() > MAX_PARTITIONS_PER_TOPIC) {
                throw new InvalidPartitionsException("Number of partitions " + assignments.size()
                    + " exceeds the maximum of " + MAX_PARTITIONS_PER_TOPIC + ".");
            }
            final List<List<Integer>> result = new ArrayList<>(assignments.size());
            for (int p = 0; p < assignments.size(); p++) {
                final List<Integer> replicas = assignments.get(p);
                if (replicas == null) {
                    throw new InvalidReplicaAssignmentException(
                        "Partitions in the manual partition assignment must be a contiguous sequence starting at 0; "
                            + "partition " + p + " is missing.");
                }
                validateReplicas(current, replicas);
                if (!result.isEmpty() && result.get(0).size() != replicas.size()) {
                    throw new InvalidReplicaAssignmentException(
                        "All partitions in the manual partition assignment must have the same number of replicas.");
                }
                result.add(replicas);
            }
            return result;
        }

        private Uuid newTopicId() {
            Uuid id;
            do {
                id = Uuid.randomUuid();
            } while (current.topic(id) != null || !usedIds.add(id));
            return id;
        }
    }

    /**
     * Round-robin placement over the registered brokers in id order: partition p's replicas start
     * at broker index (start + p), where start depends on the topic name, so leaders spread.
     */
    private static List<List<Integer>> place(final List<Integer> brokerIds, final String topic, final int firstPartition,
                                              final int count, final int replicationFactor) {
        if (replicationFactor > brokerIds.size()) {
            throw new InvalidReplicationFactorException("Unable to replicate the partition " + replicationFactor
                + " time(s): The target replication factor of " + replicationFactor + " cannot be reached because only "
                + brokerIds.size() + " broker(s) are registered.");
        }
        final int n = brokerIds.size();
        final int start = Math.floorMod(topic.hashCode(), n);
        final List<List<Integer>> assignment = new ArrayList<>(count);
        for (int p = firstPartition; p < firstPartition + count; p++) {
            final List<Integer> replicas = new ArrayList<>(replicationFactor);
            for (int r = 0; r < replicationFactor; r++) {
                replicas.add(brokerIds.get(Math.floorMod(start + p + r, n)));
            }
            assignment.add(List.copyOf(replicas));
        }
        return assignment;
    }

    private static void validateReplicas(final MetadataImage current, final List<Integer> replicas) {
        if (replicas.isEmpty()) {
            throw new InvalidReplicaAssignmentException("The manual partition assignment includes an empty replica list.");
        }
        final Set<Integer> distinct = new HashSet<>();
        for (final Integer broker : replicas) {
            if (broker == null) {
                throw new InvalidReplicaAssignmentException("The manual partition assignment includes a null broker id.");
            }
            if (!distinct.add(broker)) {
                throw new InvalidReplicaAssignmentException(
                    "The manual partition assignment includes the partition with duplicate replicas " + replicas + ".");
            }
            if (!current.brokers().containsKey(broker)) {
                throw new InvalidReplicaAssignmentException("The manual partition assignment includes broker " + broker
                    + ", but no such broker is registered.");
            }
        }
    }

    // ---------------------------------------------------------------- DeleteTopics

    private static Outcome<DeleteTopicsResult> deleteTopicsCommand(final MetadataImage current, final List<String> names,
                                                                   final List<Uuid> ids) {
        final Set<Uuid> toDelete = new LinkedHashSet<>();
        final List<DeleteTopicResult> byName = new ArrayList<>();
        for (final Map.Entry<String, Boolean> entry : distinctWithDuplicates(names).entrySet()) {
            final String name = entry.getKey();
            if (entry.getValue()) {
                byName.add(new DeleteTopicResult(name, Uuid.ZERO_UUID,
                    ApiError.fromThrowable(new InvalidRequestException("Duplicate topic name."))));
                continue;
            }
            final TopicImage topic = current.topic(name);
            if (topic == null) {
                byName.add(new DeleteTopicResult(name, Uuid.ZERO_UUID,
                    ApiError.fromThrowable(new UnknownTopicOrPartitionException("Topic " + name + " does not exist."))));
                continue;
            }
            toDelete.add(topic.id());
            byName.add(new DeleteTopicResult(name, topic.id(), ApiError.NONE));
        }
        final List<DeleteTopicResult> byId = new ArrayList<>();
        for (final Map.Entry<Uuid, Boolean> entry : distinctWithDuplicates(ids).entrySet()) {
            final Uuid id = entry.getKey();
            if (entry.getValue()) {
                byId.add(new DeleteTopicResult(null, id,
                    ApiError.fromThrowable(new InvalidRequestException("Duplicate topic id."))));
                continue;
            }
            final TopicImage topic = current.topic(id);
            if (topic == null) {
                byId.add(new DeleteTopicResult(null, id,
                    ApiError.fromThrowable(new UnknownTopicIdException("Topic id " + id + " does not exist."))));
                continue;
            }
            toDelete.add(topic.id());
            byId.add(new DeleteTopicResult(topic.name(), id, ApiError.NONE));
        }
        final List<MetadataRecord> records = new ArrayList<>();
        toDelete.forEach(id -> records.add(new RemoveTopicRecord(id)));
        return new Outcome<>(new DeleteTopicsResult(byName, byId), records);
    }

    /** Distinct items in first-seen order, each mapped to whether it appeared more than once. */
    private static <T> Map<T, Boolean> distinctWithDuplicates(final Collection<T> items) {
        final Map<T, Boolean> result = new LinkedHashMap<>();
        for (final T item : items) {
            result.merge(item, Boolean.FALSE, (a, b) -> Boolean.TRUE);
        }
        return result;
    }

    // ---------------------------------------------------------------- CreatePartitions

    private static Outcome<List<CreatePartitionsResult>> createPartitionsCommand(
        final MetadataImage current, final List<CreatePartitionsSpec> specs, final boolean validateOnly) {
        final Map<String, Boolean> duplicates = distinctWithDuplicates(specs.stream().map(CreatePartitionsSpec::topic).toList());
        final Set<String> seen = new HashSet<>();
        final List<CreatePartitionsResult> results = new ArrayList<>();
        final List<MetadataRecord> records = new ArrayList<>();
        for (final CreatePartitionsSpec spec : specs) {
            if (!seen.add(spec.topic())) {
                continue;
            }
            if (duplicates.get(spec.topic())) {
                results.add(new CreatePartitionsResult(spec.topic(),
                    ApiError.fromThrowable(new InvalidRequestException("Duplicate topic name."))));
                continue;
            }
            try {
                final List<MetadataRecord> added = addPartitions(current, spec);
                if (!validateOnly) {
                    records.addAll(added);
                }
                results.add(new CreatePartitionsResult(spec.topic(), ApiError.NONE));
            } catch (final ApiException e) {
                results.add(new CreatePartitionsResult(spec.topic(), ApiError.fromThrowable(e)));
            }
        }
        return new Outcome<>(List.copyOf(results), records);
    }

    private static List<MetadataRecord> addPartitions(final MetadataImage current, final CreatePartitionsSpec spec) {
        final TopicImage topic = current.topic(spec.topic());
        if (topic == null) {
            throw new UnknownTopicOrPartitionException("Topic " + spec.topic() + " does not exist.");
        }
        final int existing = topic.numPartitions();
        if (spec.totalCount() < existing) {
            throw new InvalidPartitionsException("The topic " + topic.name() + " currently has " + existing
                + " partition(s); " + spec.totalCount() + " would not be an increase.");
        }
        if (spec.totalCount() == existing) {
            throw new InvalidPartitionsException("Topic already has " + existing + " partition(s).");
        }
        if (spec.totalCount() > MAX_PARTITIONS_PER_TOPIC) {
            throw new InvalidPartitionsException("Number of partitions " + spec.totalCount() + " exceeds the maximum of "
                + MAX_PARTITIONS_PER_TOPIC + ".");
        }
        final int added = spec.totalCount() - existing;
        final int replicationFactor = topic.replicationFactor();
        final List<List<Integer>> assignment;
        final @Nullable List<List<Integer>> requested = spec.assignments();
        if (requested != null) {
            if (requested.size() != added) {
                throw new InvalidReplicaAssignmentException("Attempted to add " + added + " additional partition(s), but only "
                    + requested.size() + " assignment(s) were specified.");
            }
            for (final List<Integer> replicas : requested) {
                validateReplicas(current, replicas);
                if (replicas.size() != replicationFactor) {
                    throw new InvalidReplicaAssignmentException("The manual partition assignment includes a partition with "
                        + replicas.size() + " replica(s), but this is not consistent with previous partitions, which have "
                        + replicationFactor + " replica(s).");
                }
            }
            assignment = requested;
        } else {
            assignment = place(List.copyOf(current.brokers().keySet()), topic.name(), existing, added, replicationFactor);
        }
        final List<MetadataRecord> records = new ArrayList<>(added);
        for (int i = 0; i < added; i++) {
            final List<Integer> replicas = assignment.get(i);
            records.add(new PartitionRecord(topic.id(), existing + i, replicas, replicas, replicas.get(0), 0, 0));
        }
        return records;
    }
}
