package io.runnel.metadata.controller;

import io.runnel.metadata.config.ResolvedConfig;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.common.Uuid;

/**
 * The outcome for one topic of a CreateTopics request. On error, {@code topicId} is
 * {@link Uuid#ZERO_UUID}, the counts are -1 and {@code configs} is empty. A validate-only success
 * also has the zero id, since nothing was created.
 */
public record CreateTopicResult(
        String name,
        ApiError error,
        Uuid topicId,
        int numPartitions,
        short replicationFactor,
        Map<String, ResolvedConfig> configs) {

    public CreateTopicResult {
        configs = Collections.unmodifiableMap(new LinkedHashMap<>(configs));
    }

    static CreateTopicResult failed(final String name, final ApiError error) {
        return new CreateTopicResult(name, error, Uuid.ZERO_UUID, -1, (short) -1, Map.of());
    }
}
