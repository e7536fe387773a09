package io.runnel.metadata.record;

import java.util.Objects;

/** Sets the cluster id; written once, when a cluster first starts. */
public record ClusterIdRecord(String clusterId) implements MetadataRecord {
    public ClusterIdRecord {
        Objects.requireNonNull(clusterId, "clusterId");
    }
}
