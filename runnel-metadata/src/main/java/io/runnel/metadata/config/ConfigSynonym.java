package io.runnel.metadata.config;

import io.runnel.metadata.Nullable;
import org.apache.kafka.common.requests.DescribeConfigsResponse.ConfigSource;

/** One entry of a DescribeConfigs synonym chain: where a value could come from, and the value there. */
public record ConfigSynonym(String name, @Nullable String value, ConfigSource source) {}
