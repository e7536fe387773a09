package io.runnel.metadata.config;

import java.util.Map;
import java.util.Objects;

/**
 * The broker-level values a topic config may inherit, by Kafka property name, in Kafka's precedence: this
 * broker's dynamic configs ({@code DYNAMIC_BROKER_CONFIG}), the cluster-wide dynamic default
 * ({@code DYNAMIC_DEFAULT_BROKER_CONFIG}), then the static properties the broker started with.
 */
public record BrokerConfigLayers(
        Map<String, String> perBroker, Map<String, String> clusterDefault, Map<String, String> staticProperties) {
    public BrokerConfigLayers {
        perBroker = Map.copyOf(perBroker);
        clusterDefault = Map.copyOf(clusterDefault);
        staticProperties = Map.copyOf(staticProperties);
    }

    /** Only static properties: no dynamic broker config has been set. */
    public static BrokerConfigLayers staticOnly(final Map<String, String> staticProperties) {
        return new BrokerConfigLayers(Map.of(), Map.of(), staticProperties);
    }

    /**
     * @param dynamic the metadata image's dynamic broker configs by resource name ({@code ""} = cluster default)
     * @param brokerId this broker
     */
    public static BrokerConfigLayers of(
            final Map<String, Map<String, String>> dynamic,
            final int brokerId,
            final Map<String, String> staticProperties) {
        Objects.requireNonNull(dynamic, "dynamic");
        return new BrokerConfigLayers(
                dynamic.getOrDefault(Integer.toString(brokerId), Map.of()),
                dynamic.getOrDefault("", Map.of()),
                staticProperties);
    }
}
