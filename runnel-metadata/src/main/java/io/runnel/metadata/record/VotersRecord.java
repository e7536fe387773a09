package io.runnel.metadata.record;

import java.util.Objects;

/**
 * The metadata quorum's voters as the active controller is configured with them ({@code controller.quorum.voters},
 * ordered by id), written when a controller becomes active and they differ from the last ones written: a node whose
 * own setting disagrees refuses to start, and says which (Kafka keeps its voters in the log too, KIP-853).
 */
public record VotersRecord(String voters) implements MetadataRecord {
    public VotersRecord {
        Objects.requireNonNull(voters, "voters");
    }
}
