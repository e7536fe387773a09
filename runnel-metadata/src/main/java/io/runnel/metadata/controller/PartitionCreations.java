package io.runnel.metadata.controller;

import static io.runnel.metadata.controller.MetadataController.MAX_PARTITIONS_PER_TOPIC;

import io.runnel.metadata.Nullable;
import io.runnel.metadata.image.MetadataImage;
import io.runnel.metadata.image.TopicImage;
import io.runnel.metadata.record.MetadataRecord;
import io.runnel.metadata.record.PartitionRecord;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.InvalidPartitionsException;
import org.apache.kafka.common.errors.InvalidReplicaAssignmentException;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Validates CreatePartitions against an image and turns each topic's growth into {@link PartitionRecord}s for
 * the new partitions, placed by {@link ReplicaPlacement} or as the request assigns them. A topic named twice
 * fails with INVALID_REQUEST; each other topic succeeds or fails alone. Runs on the controller thread; one
 * instance per command.
 */
final class PartitionCreations {
    private final MetadataImage current;
    private final List<MetadataRecord> records = new ArrayList<>();

    PartitionCreations(final MetadataImage current) {
        this.current = current;
    }

    /** One result per distinct topic, in request order; the records of those that passed are in {@link #records()}. */
    List<CreatePartitionsResult> run(final List<CreatePartitionsSpec> specs) {
        final Map<String, Boolean> duplicates = Duplicates.distinctWithDuplicates(
                specs.stream().map(CreatePartitionsSpec::topic).toList());
        final Set<String> seen = new HashSet<>();
        final List<CreatePartitionsResult> results = new ArrayList<>();
        for (final CreatePartitionsSpec spec : specs) {
            if (!seen.add(spec.topic())) {
                continue;
            }
            if (duplicates.get(spec.topic())) {
                results.add(new CreatePartitionsResult(
                        spec.topic(), ApiError.fromThrowable(new InvalidRequestException("Duplicate topic name."))));
                continue;
            }
            try {
                records.addAll(addPartitions(spec));
                results.add(new CreatePartitionsResult(spec.topic(), ApiError.NONE));
            } catch (final ApiException e) {
                results.add(new CreatePartitionsResult(spec.topic(), ApiError.fromThrowable(e)));
            }
        }
        return List.copyOf(results);
    }

    /** The records of the topics that passed, in request order. */
    List<MetadataRecord> records() {
        return List.copyOf(records);
    }

    private List<MetadataRecord> addPartitions(final CreatePartitionsSpec spec) {
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
            throw new InvalidPartitionsException("Number of partitions " + spec.totalCount()
                    + " exceeds the maximum of " + MAX_PARTITIONS_PER_TOPIC + ".");
        }
        final int added = spec.totalCount() - existing;
        final int replicationFactor = topic.replicationFactor();
        final List<List<Integer>> assignment;
        final @Nullable List<List<Integer>> requested = spec.assignments();
        if (requested != null) {
            if (requested.size() != added) {
                throw new InvalidReplicaAssignmentException("Attempted to add " + added
                        + " additional partition(s), but only " + requested.size() + " assignment(s) were specified.");
            }
            for (final List<Integer> replicas : requested) {
                ReplicaPlacement.validateReplicas(current, replicas);
                if (replicas.size() != replicationFactor) {
                    throw new InvalidReplicaAssignmentException(
                            "The manual partition assignment includes a partition with "
                                    + replicas.size()
                                    + " replica(s), but this is not consistent with previous partitions, which have "
                                    + replicationFactor + " replica(s).");
                }
            }
            assignment = requested;
        } else {
            assignment = ReplicaPlacement.place(
                    ReplicaPlacement.usableBrokers(current), topic.name(), existing, added, replicationFactor);
        }
        final List<MetadataRecord> records = new ArrayList<>(added);
        for (int i = 0; i < added; i++) {
            final List<Integer> replicas = assignment.get(i);
            records.add(new PartitionRecord(topic.id(), existing + i, replicas, replicas, replicas.get(0), 0, 0));
        }
        return records;
    }
}
