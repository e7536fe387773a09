package io.runnel.metadata.config;

import io.runnel.metadata.Nullable;
import java.util.List;
import org.apache.kafka.common.requests.DescribeConfigsResponse.ConfigSource;
import org.apache.kafka.common.requests.DescribeConfigsResponse.ConfigType;

/**
 * The effective value of one topic config and where it came from, as DescribeConfigs and
 * CreateTopics report it. {@code synonyms} lists every place that sets it, highest priority first;
 * the first entry is the one in effect (broker values appear as written, e.g. in hours).
 */
public record ResolvedConfig(
        String name,
        @Nullable String value,
        ConfigSource source,
        ConfigType type,
        boolean sensitive,
        boolean readOnly,
        String documentation,
        List<ConfigSynonym> synonyms) {
    public ResolvedConfig {
        synonyms = List.copyOf(synonyms);
    }
}
