package io.runnel.broker.api;

import io.runnel.metadata.Nullable;
import io.runnel.metadata.record.ConfigResourceType;
import org.apache.kafka.common.config.ConfigResource;

/** Maps the wire's config resource type ids to the metadata's; shared by the config-altering APIs. */
public final class ConfigResources {
    private ConfigResources() {}

    /** @return the metadata type for a wire id, or null for a type Runnel does not store configs of */
    public static @Nullable ConfigResourceType storedType(final byte wireId) {
        for (final ConfigResourceType type : ConfigResourceType.values()) {
            if (type.id() == wireId) {
                return type;
            }
        }
        return null;
    }

    /** Kafka's message for a resource type it has no configs for (BROKER_LOGGER, GROUP, ... not yet here). */
    public static String unsupported(final byte wireId) {
        final ConfigResource.Type type = ConfigResource.Type.forId(wireId);
        return type == ConfigResource.Type.UNKNOWN
                ? "Unknown resource type " + wireId
                : "Altering configs of resource type " + type + " is not supported by Runnel yet.";
    }
}
