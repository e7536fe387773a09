package io.runnel.metadata.config;

import io.runnel.metadata.Nullable;

/** What an IncrementalAlterConfigs entry does to one config; ids are Kafka's {@code AlterConfigOp.OpType} ids. */
public enum ConfigOperation {
    SET((byte) 0),
    DELETE((byte) 1),
    /** Adds elements to a list config, skipping those already there. */
    APPEND((byte) 2),
    /** Removes elements from a list config. */
    SUBTRACT((byte) 3);

    private final byte id;

    ConfigOperation(final byte id) {
        this.id = id;
    }

    public byte id() {
        return id;
    }

    /** @return the operation with this id, or null for an id Kafka does not define */
    public static @Nullable ConfigOperation forId(final byte id) {
        for (final ConfigOperation operation : values()) {
            if (operation.id == id) {
                return operation;
            }
        }
        return null;
    }
}
