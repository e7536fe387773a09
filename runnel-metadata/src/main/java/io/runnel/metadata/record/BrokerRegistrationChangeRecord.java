package io.runnel.metadata.record;

import java.util.Objects;

/**
 * Changes a registered broker's state without a new registration: Kafka's BrokerRegistrationChangeRecord.
 *
 * @param brokerEpoch the epoch of the registration it changes
 * @param fencing whether it fences or unfences the broker, or neither
 * @param inControlledShutdown true when the broker has asked to shut down and leadership is moving off it
 */
public record BrokerRegistrationChangeRecord(
        int brokerId, long brokerEpoch, Fencing fencing, boolean inControlledShutdown) implements MetadataRecord {
    /** What the record does to the broker's fencing. */
    public enum Fencing {
        NONE((byte) 0),
        FENCE((byte) 1),
        UNFENCE((byte) 2);

        private final byte id;

        Fencing(final byte id) {
            this.id = id;
        }

        public byte id() {
            return id;
        }

        public static Fencing forId(final byte id) {
            for (final Fencing f : values()) {
                if (f.id == id) {
                    return f;
                }
            }
            throw new MetadataCorruptionException("Unknown fencing change " + id);
        }
    }

    public BrokerRegistrationChangeRecord {
        Objects.requireNonNull(fencing, "fencing");
    }
}
