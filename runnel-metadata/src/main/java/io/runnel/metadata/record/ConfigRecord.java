package io.runnel.metadata.record;

import io.runnel.metadata.Nullable;
import java.util.Objects;

/**
 * Sets ({@code value != null}) or deletes ({@code value == null}) one dynamic config of a topic
 * (resource name = topic name) or of a broker (resource name = broker id, or {@code ""} for the
 * cluster-wide default, as in Kafka).
 */
public record ConfigRecord(
        ConfigResourceType type,
        String resourceName,
        String name,
        @Nullable String value) implements MetadataRecord {
    public ConfigRecord {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(resourceName, "resourceName");
        Objects.requireNonNull(name, "name");
    }
}
