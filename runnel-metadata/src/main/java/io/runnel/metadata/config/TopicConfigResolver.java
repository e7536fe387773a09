package io.runnel.metadata.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.requests.DescribeConfigsResponse.ConfigSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Resolves topic configs for {@link TopicConfigs#resolve}: the topic's own override ({@code TOPIC_CONFIG}), then the
 * broker synonyms in catalogue order, each looked up in this broker's dynamic configs, the cluster-wide dynamic
 * default and the static properties ({@link BrokerConfigLayers}), then the default ({@code DEFAULT_CONFIG}).
 */
final class TopicConfigResolver {
    private static final Logger LOG = LoggerFactory.getLogger(TopicConfigResolver.class);

    /** Where a broker synonym's value may come from, highest priority first. */
    private static final List<ConfigSource> BROKER_LAYERS = List.of(
            ConfigSource.DYNAMIC_BROKER_CONFIG,
            ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG,
            ConfigSource.STATIC_BROKER_CONFIG);

    private TopicConfigResolver() {}

    /**
     * Resolves every topic config for a topic with the given overrides on a broker with the given
     * static properties (Kafka names, e.g. {@code log.retention.hours}) and no dynamic broker configs.
     *
     * @return one entry per topic config, in name order
     */
    static Map<String, ResolvedConfig> resolve(
            final Map<String, String> topicConfigs, final Map<String, String> brokerProperties) {
        return resolve(topicConfigs, BrokerConfigLayers.staticOnly(brokerProperties));
    }

    /**
     * Resolves every topic config for a topic with the given overrides against the broker's layers.
     *
     * @return one entry per topic config, in name order
     */
    static Map<String, ResolvedConfig> resolve(
            final Map<String, String> topicConfigs, final BrokerConfigLayers broker) {
        final Map<String, ResolvedConfig> resolved = new LinkedHashMap<>();
        for (final TopicConfigDef def : TopicConfigCatalogue.DEFS.values()) {
            resolved.put(def.name(), resolve(def, topicConfigs, broker));
        }
        return Collections.unmodifiableMap(resolved);
    }

    /** Resolves one topic config; see {@link #resolve(Map, Map)}. */
    static ResolvedConfig resolve(
            final TopicConfigDef def,
            final Map<String, String> topicConfigs,
            final Map<String, String> brokerProperties) {
        return resolve(def, topicConfigs, BrokerConfigLayers.staticOnly(brokerProperties));
    }

    /**
     * Resolves one topic config. Broker values are looked up synonym by synonym, highest priority first, and
     * for each synonym per broker, then cluster default, then static, as Kafka merges dynamic configs into its
     * properties before reading them: a static {@code log.retention.ms} beats a dynamic {@code log.retention.hours}.
     */
    static ResolvedConfig resolve(
            final TopicConfigDef def, final Map<String, String> topicConfigs, final BrokerConfigLayers broker) {
        final List<ConfigSynonym> synonyms = new ArrayList<>();
        String value = null;
        ConfigSource source = null;

        final String override = topicConfigs.get(def.name());
        if (override != null) {
            synonyms.add(new ConfigSynonym(def.name(), override, ConfigSource.TOPIC_CONFIG));
            value = override;
            source = ConfigSource.TOPIC_CONFIG;
        }
        for (final BrokerSynonym synonym : def.synonyms()) {
            for (final ConfigSource layer : BROKER_LAYERS) {
                final String brokerValue = layer(broker, layer).get(synonym.name());
                if (brokerValue == null) {
                    continue;
                }
                final String converted;
                try {
                    converted = synonym.unit().toTopicValue(brokerValue);
                } catch (final NumberFormatException e) {
                    LOG.warn("Ignoring broker property {}={}: not an integer", synonym.name(), brokerValue);
                    continue;
                }
                synonyms.add(new ConfigSynonym(synonym.name(), brokerValue, layer));
                if (value == null) {
                    value = converted;
                    source = layer;
                }
            }
        }
        synonyms.add(defaultSynonym(def));
        if (value == null) {
            value = def.defaultValue();
            source = ConfigSource.DEFAULT_CONFIG;
        }
        return new ResolvedConfig(
                def.name(), value, source, def.type(), def.sensitive(), false, def.documentation(), synonyms);
    }

    private static Map<String, String> layer(final BrokerConfigLayers broker, final ConfigSource source) {
        return switch (source) {
            case DYNAMIC_BROKER_CONFIG -> broker.perBroker();
            case DYNAMIC_DEFAULT_BROKER_CONFIG -> broker.clusterDefault();
            default -> broker.staticProperties();
        };
    }

    /**
     * The default as Kafka shows it: under the lowest-priority broker synonym (the one that carries
     * the broker default, e.g. {@code log.retention.hours=168}), or under the topic name when the
     * config has no broker synonym.
     */
    private static ConfigSynonym defaultSynonym(final TopicConfigDef def) {
        if (def.synonyms().isEmpty()) {
            return new ConfigSynonym(def.name(), def.defaultValue(), ConfigSource.DEFAULT_CONFIG);
        }
        final BrokerSynonym last = def.synonyms().get(def.synonyms().size() - 1);
        return new ConfigSynonym(
                last.name(), last.unit().fromTopicValue(def.defaultValue()), ConfigSource.DEFAULT_CONFIG);
    }
}
