package io.runnel.metadata.controller;

import static io.runnel.metadata.controller.MetadataController.MAX_PARTITIONS_PER_TOPIC;

import io.runnel.metadata.config.BrokerConfigLayers;
import io.runnel.metadata.config.TopicConfigs;
import io.runnel.metadata.image.MetadataImage;
import io.runnel.metadata.record.ConfigRecord;
import io.runnel.metadata.record.ConfigResourceType;
import io.runnel.metadata.record.MetadataRecord;
import io.runnel.metadata.record.PartitionRecord;
import io.runnel.metadata.record.TopicRecord;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
import org.apache.kafka.common.internals.Topic;
import org.apache.kafka.common.protocol.Errors;

/**
 * Validates CreateTopics against an image with Kafka's controller checks and turns the topics that pass into
 * a {@link TopicRecord}, its {@link PartitionRecord}s and its {@link ConfigRecord}s. A name given twice fails
 * with INVALID_REQUEST; each other topic succeeds or fails alone, and a topic that passed earlier in the request
 * counts as existing for the collision check of later ones. Runs on the controller thread; one instance per
 * command.
 */
final class TopicCreations {
    private final MetadataImage current;
    private final boolean validateOnly;
    private final int brokerId;
    private final int defaultNumPartitions;
    private final short defaultReplicationFactor;
    private final Map<String, String> brokerProperties;
    private final Policies policies;
    private final List<Integer> brokerIds;
    private final Map<String, String> unifiedNames = new HashMap<>();
    private final Set<Uuid> usedIds = new HashSet<>();
    private final List<MetadataRecord> records = new ArrayList<>();

    /**
     * @param validateOnly true to check only: no records, and successes carry {@link Uuid#ZERO_UUID}
     * @param brokerId this broker, whose dynamic configs are a layer of the effective configs returned
     * @param defaultNumPartitions {@code num.partitions}, used when a request says -1
     * @param defaultReplicationFactor {@code default.replication.factor}, used when a request says -1
     * @param brokerProperties the broker's static properties, a layer of the effective configs returned
     * @param policies the operator's policies, asked last
     */
    TopicCreations(
            final MetadataImage current,
            final boolean validateOnly,
            final int brokerId,
            final int defaultNumPartitions,
            final short defaultReplicationFactor,
            final Map<String, String> brokerProperties,
            final Policies policies) {
        this.current = current;
        this.validateOnly = validateOnly;
        this.brokerId = brokerId;
        this.defaultNumPartitions = defaultNumPartitions;
        this.defaultReplicationFactor = defaultReplicationFactor;
        this.brokerProperties = brokerProperties;
        this.policies = policies;
        this.brokerIds = ReplicaPlacement.usableBrokers(current);
        for (final String existing : current.topicsByName().keySet()) {
            unifiedNames.put(Topic.unifyCollisionChars(existing), existing);
        }
    }

    /** One result per distinct name, in request order; the records of those that passed are in {@link #records()}. */
    List<CreateTopicResult> run(final List<CreateTopicSpec> specs) {
        final Map<String, Integer> occurrences = new HashMap<>();
        for (final CreateTopicSpec spec : specs) {
            occurrences.merge(spec.name(), 1, Integer::sum);
        }
        final Set<String> seen = new HashSet<>();
        final List<CreateTopicResult> results = new ArrayList<>();
        for (final CreateTopicSpec spec : specs) {
            if (!seen.add(spec.name())) {
                continue;
            }
            if (occurrences.get(spec.name()) > 1) {
                results.add(CreateTopicResult.failed(
                        spec.name(), ApiError.of(Errors.INVALID_REQUEST, "Duplicate topic name.")));
                continue;
            }
            try {
                results.add(create(spec));
            } catch (final ApiException e) {
                results.add(CreateTopicResult.failed(spec.name(), ApiError.fromThrowable(e)));
            }
        }
        return List.copyOf(results);
    }

    /** The records for the topics that passed, in request order; empty when validate-only. */
    List<MetadataRecord> records() {
        return List.copyOf(records);
    }

    private CreateTopicResult create(final CreateTopicSpec spec) {
        final String name = spec.name();
        Topic.validate(name);
        if (current.topic(name) != null) {
            throw new TopicExistsException("Topic '" + name + "' already exists.");
        }
        final String collidesWith = unifiedNames.get(Topic.unifyCollisionChars(name));
        if (collidesWith != null) {
            throw new InvalidTopicException("Topic '" + name + "' collides with existing topic: " + collidesWith);
        }
        final List<List<Integer>> assignment =
                spec.assignments().isEmpty() ? placeReplicas(spec) : manualAssignment(spec);
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
        return new CreateTopicResult(
                name,
                ApiError.NONE,
                topicId,
                assignment.size(),
                (short) assignment.get(0).size(),
                TopicConfigs.resolve(
                        configs, BrokerConfigLayers.of(current.brokerConfigs(), brokerId, brokerProperties)));
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
            policies.checkCreateTopic(
                    spec.name(), assignment.size(), (short) assignment.get(0).size(), null, configs);
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
        final short replicationFactor =
                spec.replicationFactor() == -1 ? defaultReplicationFactor : spec.replicationFactor();
        if (replicationFactor < 1) {
            throw new InvalidReplicationFactorException(
                    "Replication factor must be larger than 0, or -1 to use the default value.");
        }
        return ReplicaPlacement.place(brokerIds, spec.name(), 0, numPartitions, replicationFactor);
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
            ReplicaPlacement.validateReplicas(current, replicas);
            if (!result.isEmpty() && result.get(0).size() != replicas.size()) {
                throw new InvalidReplicaAssignmentException(
                        "All partitions in the manual partition assignment must have the same number of replicas.");
            }
            result.add(replicas);
        }
        ReplicaPlacement.requireUnreplicated(result.get(0).size());
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
