package io.runnel.metadata.controller;

import io.runnel.metadata.config.ConfigChange;
import io.runnel.metadata.record.ConfigResourceType;
import java.util.List;
import java.util.Objects;

/**
 * The changes requested for one resource (a topic by name; a broker by id, or {@code ""} for the cluster
 * default), in request order, duplicates included so the controller can refuse them as Kafka does.
 */
public record AlterConfigsSpec(ConfigResourceType type, String resourceName, List<ConfigChange> changes) {
    public AlterConfigsSpec {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(resourceName, "resourceName");
        changes = List.copyOf(changes);
    }
}
