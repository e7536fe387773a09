package io.runnel.metadata.config;

import io.runnel.metadata.Nullable;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The broker configs that may be changed at run time, for one broker or as the cluster-wide default: the
 * topic-config defaults Kafka's {@code DynamicLogConfig} reconfigures, i.e. the first (millisecond) broker
 * synonym of each topic config ({@code log.retention.ms}, {@code log.segment.bytes}, {@code message.max.bytes},
 * {@code log.cleanup.policy}, ...). Everything else a broker reads is static here.
 *
 * <p>Stateless and thread-safe.
 */
public final class BrokerDynamicConfigs {
    /** Broker name to the topic config whose default it sets. */
    private static final Map<String, TopicConfigDef> DYNAMIC;

    static {
        final Map<String, TopicConfigDef> byName = new TreeMap<>();
        for (final TopicConfigDef def : TopicConfigs.all().values()) {
            if (!def.synonyms().isEmpty() && def.synonyms().get(0).unit() == SynonymUnit.SAME) {
                byName.put(def.synonyms().get(0).name(), def);
            }
        }
        DYNAMIC = Collections.unmodifiableMap(byName);
    }

    private BrokerDynamicConfigs() {}

    /** Every dynamic broker config name, in name order. */
    public static Iterable<String> names() {
        return DYNAMIC.keySet();
    }

    public static boolean isDynamic(final String name) {
        return DYNAMIC.containsKey(name);
    }

    /** @return the topic config whose default this dynamic broker config sets, or null if it is not one */
    public static @Nullable TopicConfigDef topicConfigOf(final String name) {
        return DYNAMIC.get(name);
    }

    /**
     * Validates a broker resource's dynamic configs as a whole.
     *
     * @return an error message per invalid name (not dynamically updatable, or a bad value); empty if valid.
     *         Kafka answers these with {@code INVALID_REQUEST} (KAFKA-13609), not INVALID_CONFIG.
     */
    public static Map<String, String> validate(final Map<String, String> configs) {
        final Map<String, String> errors = new LinkedHashMap<>();
        for (final Map.Entry<String, String> entry : configs.entrySet()) {
            final TopicConfigDef def = DYNAMIC.get(entry.getKey());
            if (def == null) {
                errors.put(entry.getKey(), "Cannot update these configs dynamically: " + entry.getKey());
                continue;
            }
            final String problem = def.validate(entry.getValue());
            if (problem != null) {
                errors.put(
                        entry.getKey(),
                        problem.replace("configuration " + def.name(), "configuration " + entry.getKey()));
            }
        }
        return errors;
    }
}
