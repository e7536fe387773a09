package io.runnel.metadata.config;

import io.runnel.metadata.Nullable;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.common.config.TopicConfig;

/**
 * The topic-level configs Kafka knows ({@link TopicConfigCatalogue}: Kafka's names, types, defaults,
 * validation rules and broker synonyms), and the two operations built on them: {@link #validate} (for
 * CreateTopics / AlterConfigs) and {@link #resolve} (for DescribeConfigs / CreateTopics results).
 *
 * <p>Precedence when resolving ({@link TopicConfigResolver}), highest first: the topic's own override
 * ({@code TOPIC_CONFIG}), then the broker synonyms in the order listed in the catalogue ({@code STATIC_BROKER_CONFIG}; e.g.
 * {@code log.retention.ms} before {@code log.retention.minutes} before {@code log.retention.hours}),
 * each looked up in this broker's dynamic configs, the cluster-wide dynamic default and the static
 * properties ({@link BrokerConfigLayers}), then the default ({@code DEFAULT_CONFIG}).
 *
 * <p>Stateless and thread-safe.
 */
public final class TopicConfigs {
    private static final Map<String, TopicConfigDef> DEFS = TopicConfigCatalogue.DEFS;

    private TopicConfigs() {}

    /** Every topic config, by name, in name order. */
    public static Map<String, TopicConfigDef> all() {
        return DEFS;
    }

    public static @Nullable TopicConfigDef get(final String name) {
        return DEFS.get(name);
    }

    /**
     * Validates proposed topic config overrides (CreateTopics configs, AlterConfigs sets).
     *
     * @return an error message per invalid name (unknown name, null or bad value, conflicting
     *         values); empty if all are valid. Each is Kafka's {@code INVALID_CONFIG}.
     */
    public static Map<String, String> validate(final Map<String, ? extends @Nullable String> proposed) {
        final Map<String, String> errors = new LinkedHashMap<>();
        for (final Map.Entry<String, ? extends @Nullable String> entry : proposed.entrySet()) {
            final TopicConfigDef def = DEFS.get(entry.getKey());
            if (def == null) {
                errors.put(entry.getKey(), "Unknown topic config name: " + entry.getKey());
                continue;
            }
            final String problem = def.validate(entry.getValue());
            if (problem != null) {
                errors.put(entry.getKey(), problem);
            }
        }
        if (errors.isEmpty()) {
            crossCheck(proposed, errors);
        }
        return errors;
    }

    /**
     * Resolves every topic config for a topic with the given overrides on a broker with the given
     * static properties (Kafka names, e.g. {@code log.retention.hours}) and no dynamic broker configs.
     *
     * @return one entry per topic config, in name order
     */
    public static Map<String, ResolvedConfig> resolve(
            final Map<String, String> topicConfigs, final Map<String, String> brokerProperties) {
        return TopicConfigResolver.resolve(topicConfigs, brokerProperties);
    }

    /**
     * Resolves every topic config for a topic with the given overrides against the broker's layers.
     *
     * @return one entry per topic config, in name order
     */
    public static Map<String, ResolvedConfig> resolve(
            final Map<String, String> topicConfigs, final BrokerConfigLayers broker) {
        return TopicConfigResolver.resolve(topicConfigs, broker);
    }

    /** Resolves one topic config; see {@link #resolve(Map, Map)}. */
    public static ResolvedConfig resolve(
            final TopicConfigDef def,
            final Map<String, String> topicConfigs,
            final Map<String, String> brokerProperties) {
        return TopicConfigResolver.resolve(def, topicConfigs, brokerProperties);
    }

    /** Resolves one topic config against the broker's layers, synonym by synonym; see {@link TopicConfigResolver}. */
    public static ResolvedConfig resolve(
            final TopicConfigDef def, final Map<String, String> topicConfigs, final BrokerConfigLayers broker) {
        return TopicConfigResolver.resolve(def, topicConfigs, broker);
    }

    private static void crossCheck(
            final Map<String, ? extends @Nullable String> proposed, final Map<String, String> errors) {
        final long minLag = longValue(proposed, TopicConfig.MIN_COMPACTION_LAG_MS_CONFIG);
        final long maxLag = longValue(proposed, TopicConfig.MAX_COMPACTION_LAG_MS_CONFIG);
        if (minLag > maxLag) {
            final String name = proposed.containsKey(TopicConfig.MIN_COMPACTION_LAG_MS_CONFIG)
                    ? TopicConfig.MIN_COMPACTION_LAG_MS_CONFIG
                    : TopicConfig.MAX_COMPACTION_LAG_MS_CONFIG;
            errors.put(
                    name,
                    "conflict topic config setting " + TopicConfig.MIN_COMPACTION_LAG_MS_CONFIG + " (" + minLag + ") > "
                            + TopicConfig.MAX_COMPACTION_LAG_MS_CONFIG + " (" + maxLag + ")");
        }
        final String remote = proposed.get(TopicConfig.REMOTE_LOG_STORAGE_ENABLE_CONFIG);
        if (remote != null && Boolean.parseBoolean(remote.trim())) {
            errors.put(
                    TopicConfig.REMOTE_LOG_STORAGE_ENABLE_CONFIG,
                    "Tiered Storage functionality is disabled in the broker. "
                            + "Topic cannot be configured with remote log storage.");
        }
    }

    private static long longValue(final Map<String, ? extends @Nullable String> proposed, final String name) {
        final String raw = proposed.get(name);
        return Long.parseLong((raw == null ? DEFS.get(name).defaultValue() : raw).trim());
    }
}
