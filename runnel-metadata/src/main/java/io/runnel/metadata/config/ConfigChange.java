package io.runnel.metadata.config;

import io.runnel.metadata.Nullable;
import java.util.Objects;

/**
 * One requested change of one config: {@code value} is the value to set, or the comma-separated elements to
 * append or subtract; a DELETE carries none. Legacy AlterConfigs entries are SETs.
 */
public record ConfigChange(
        String name, ConfigOperation operation, @Nullable String value) {
    public ConfigChange {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(operation, "operation");
    }

    public static ConfigChange set(final String name, final @Nullable String value) {
        return new ConfigChange(name, ConfigOperation.SET, value);
    }
}
