package io.runnel.broker.api.describeconfigs;

import io.runnel.metadata.config.BrokerConfigCatalogue;
import io.runnel.metadata.config.BrokerConfigLayers;
import io.runnel.metadata.config.BrokerDynamicConfigs;
import io.runnel.metadata.config.BrokerSynonym;
import io.runnel.metadata.config.ConfigSynonym;
import io.runnel.metadata.config.ResolvedConfig;
import io.runnel.metadata.config.TopicConfigDef;
import io.runnel.metadata.config.TopicConfigs;
import io.runnel.metadata.image.MetadataImage;
import io.runnel.metadata.image.TopicImage;
import io.runnel.protocol.ApiHandler;
import io.runnel.protocol.RequestContext;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.message.DescribeConfigsRequestData;
import org.apache.kafka.common.message.DescribeConfigsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.DescribeConfigsResponse.ConfigSource;
import org.apache.kafka.common.requests.DescribeConfigsResponse.ConfigType;

/**
 * DescribeConfigs for topics (every topic config, with its effective value, source and synonyms) and for this
 * broker or the cluster default {@code ""} (the broker-level defaults of every topic config with their dynamic,
 * static or default source, every other property Runnel reads ({@link BrokerConfigCatalogue}) as set or at its
 * default, and whatever else the static properties hold).
 */
public final class DescribeConfigsHandler implements ApiHandler<DescribeConfigsRequestData> {
    private final Supplier<MetadataImage> image;
    private final int nodeId;
    private final Map<String, String> brokerProperties;

    public DescribeConfigsHandler(
            final Supplier<MetadataImage> image, final int nodeId, final Map<String, String> brokerProperties) {
        this.image = image;
        this.nodeId = nodeId;
        this.brokerProperties = brokerProperties;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.DESCRIBE_CONFIGS;
    }

    @Override
    public CompletableFuture<DescribeConfigsResponseData> handle(
            final RequestContext context, final DescribeConfigsRequestData request) {
        final DescribeConfigsResponseData response = new DescribeConfigsResponseData();
        final MetadataImage current = image.get();
        for (final DescribeConfigsRequestData.DescribeConfigsResource resource : request.resources()) {
            final DescribeConfigsResponseData.DescribeConfigsResult result =
                    new DescribeConfigsResponseData.DescribeConfigsResult()
                            .setResourceType(resource.resourceType())
                            .setResourceName(resource.resourceName());
            final ConfigResource.Type type = ConfigResource.Type.forId(resource.resourceType());
            if (type == ConfigResource.Type.TOPIC) {
                final TopicImage topic = current.topic(resource.resourceName());
                if (topic == null) {
                    result.setErrorCode(Errors.UNKNOWN_TOPIC_OR_PARTITION.code())
                            .setErrorMessage("Topic " + resource.resourceName() + " does not exist");
                } else {
                    result.setConfigs(entries(
                            TopicConfigs.resolve(topic.configs(), layers(current, true))
                                    .values(),
                            resource.configurationKeys(),
                            request));
                }
            } else if (type == ConfigResource.Type.BROKER) {
                if (!resource.resourceName().isEmpty()
                        && !resource.resourceName().equals(String.valueOf(nodeId))) {
                    result.setErrorCode(Errors.INVALID_REQUEST.code())
                            .setErrorMessage("This is broker " + nodeId + ", not " + resource.resourceName());
                } else {
                    result.setConfigs(entries(
                            brokerConfigs(
                                    layers(current, !resource.resourceName().isEmpty())),
                            resource.configurationKeys(),
                            request));
                }
            } else {
                result.setErrorCode(Errors.INVALID_REQUEST.code())
                        .setErrorMessage("Describing configs of resource type " + type + " is not supported");
            }
            response.results().add(result);
        }
        return CompletableFuture.completedFuture(response);
    }

    /** The broker layers a topic sees; the cluster-default resource ({@code ""}) leaves out this broker's own. */
    private BrokerConfigLayers layers(final MetadataImage current, final boolean includePerBroker) {
        final BrokerConfigLayers all = BrokerConfigLayers.of(current.brokerConfigs(), nodeId, brokerProperties);
        return includePerBroker ? all : new BrokerConfigLayers(Map.of(), all.clusterDefault(), all.staticProperties());
    }

    /**
     * The broker's static properties, plus the broker-level names of every topic config: each synonym at its value
     * where it has the highest priority (with the others as synonyms), or at its default if nothing sets it (no
     * value but for the lowest-priority synonym, which carries the default, as in Kafka). Only {@link BrokerDynamicConfigs} are
     * not read-only.
     */
    private static Collection<ResolvedConfig> brokerConfigs(final BrokerConfigLayers layers) {
        final Map<String, ResolvedConfig> configs = new TreeMap<>();
        for (final TopicConfigDef def : TopicConfigs.all().values()) {
            for (int i = 0; i < def.synonyms().size(); i++) {
                final BrokerSynonym synonym = def.synonyms().get(i);
                final List<ConfigSynonym> chain = new ArrayList<>();
                addIfSet(chain, synonym.name(), layers.perBroker(), ConfigSource.DYNAMIC_BROKER_CONFIG);
                addIfSet(chain, synonym.name(), layers.clusterDefault(), ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG);
                addIfSet(chain, synonym.name(), layers.staticProperties(), ConfigSource.STATIC_BROKER_CONFIG);
                if (i == def.synonyms().size() - 1) {
                    chain.add(new ConfigSynonym(
                            synonym.name(),
                            synonym.unit().fromTopicValue(def.defaultValue()),
                            ConfigSource.DEFAULT_CONFIG));
                }
                if (chain.isEmpty()) {
                    // a higher-priority synonym nothing sets: Kafka's default for it is no value (log.retention.ms
                    // unset means log.retention.minutes, then hours), and --describe --all lists it so
                    chain.add(new ConfigSynonym(synonym.name(), null, ConfigSource.DEFAULT_CONFIG));
                }
                configs.put(
                        synonym.name(),
                        new ResolvedConfig(
                                synonym.name(),
                                chain.get(0).value(),
                                chain.get(0).source(),
                                def.type(),
                                def.sensitive(),
                                !BrokerDynamicConfigs.isDynamic(synonym.name()),
                                def.documentation(),
                                chain));
            }
        }
        // the broker-only properties Runnel reads, each listed even when unset (at the value Runnel uses), as
        // kafka-configs --describe --all shows every broker config Kafka knows
        for (final BrokerConfigCatalogue.Entry entry :
                BrokerConfigCatalogue.all().values()) {
            final List<ConfigSynonym> chain = new ArrayList<>();
            addIfSet(chain, entry.name(), layers.staticProperties(), ConfigSource.STATIC_BROKER_CONFIG);
            chain.add(new ConfigSynonym(entry.name(), entry.defaultValue(), ConfigSource.DEFAULT_CONFIG));
            configs.putIfAbsent(
                    entry.name(),
                    new ResolvedConfig(
                            entry.name(),
                            chain.get(0).value(),
                            chain.get(0).source(),
                            entry.type(),
                            false,
                            true,
                            entry.documentation(),
                            chain));
        }
        layers.staticProperties()
                .forEach((name, value) -> configs.putIfAbsent(
                        name,
                        new ResolvedConfig(
                                name,
                                value,
                                ConfigSource.STATIC_BROKER_CONFIG,
                                ConfigType.STRING,
                                false,
                                true,
                                "",
                                List.of(new ConfigSynonym(name, value, ConfigSource.STATIC_BROKER_CONFIG)))));
        return configs.values();
    }

    private static void addIfSet(
            final List<ConfigSynonym> chain,
            final String name,
            final Map<String, String> layer,
            final ConfigSource source) {
        final String value = layer.get(name);
        if (value != null) {
            chain.add(new ConfigSynonym(name, value, source));
        }
    }

    private static List<DescribeConfigsResponseData.DescribeConfigsResourceResult> entries(
            final Collection<ResolvedConfig> configs,
            final List<String> keys,
            final DescribeConfigsRequestData request) {
        final List<DescribeConfigsResponseData.DescribeConfigsResourceResult> out = new ArrayList<>();
        for (final ResolvedConfig config : configs) {
            if (keys != null && !keys.contains(config.name())) {
                continue;
            }
            final DescribeConfigsResponseData.DescribeConfigsResourceResult entry =
                    new DescribeConfigsResponseData.DescribeConfigsResourceResult()
                            .setName(config.name())
                            .setValue(config.sensitive() ? null : config.value())
                            .setReadOnly(config.readOnly())
                            .setConfigSource(config.source().id())
                            .setIsSensitive(config.sensitive())
                            .setConfigType(config.type().id())
                            .setDocumentation(request.includeDocumentation() ? config.documentation() : null);
            if (request.includeSynonyms()) {
                for (final ConfigSynonym synonym : config.synonyms()) {
                    entry.synonyms()
                            .add(new DescribeConfigsResponseData.DescribeConfigsSynonym()
                                    .setName(synonym.name())
                                    .setValue(config.sensitive() ? null : synonym.value())
                                    .setSource(synonym.source().id()));
                }
            }
            out.add(entry);
        }
        return out;
    }
}
