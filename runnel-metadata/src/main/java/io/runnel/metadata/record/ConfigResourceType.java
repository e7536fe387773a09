package io.runnel.metadata.record;

/** The kind of resource a {@link ConfigRecord} configures. Ids are part of the on-disk format. */
public enum ConfigResourceType {
    TOPIC((byte) 2),
    BROKER((byte) 4);

    private final byte id;

    ConfigResourceType(final byte id) {
        this.id = id;
    }

    /** The id written to disk; the same as Kafka's {@code ConfigResource.Type} id. */
    public byte id() {
        return id;
    }

    /** @throws IllegalArgumentException for an unknown id */
    public static ConfigResourceType forId(final byte id) {
        for (final ConfigResourceType type : values()) {
            if (type.id == id) {
                return type;
            }
        }
        throw new IllegalArgumentException("Unknown config resource type id " + id);
    }
}
