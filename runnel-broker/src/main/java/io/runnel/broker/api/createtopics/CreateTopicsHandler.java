package io.runnel.broker.api.createtopics;

import io.runnel.metadata.config.ResolvedConfig;
import io.runnel.metadata.controller.Controller;
import io.runnel.metadata.controller.CreateTopicResult;
import io.runnel.metadata.controller.CreateTopicSpec;
import io.runnel.protocol.ApiHandler;
import io.runnel.protocol.RequestContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.CreateTopicsRequestData;
import org.apache.kafka.common.message.CreateTopicsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;

/**
 * CreateTopics: the controller validates and creates; this handler only translates. From v5 the response
 * carries each created topic's partition count, replication factor and effective configs.
 */
public final class CreateTopicsHandler implements ApiHandler<CreateTopicsRequestData> {
    private final Controller controller;

    public CreateTopicsHandler(final Controller controller) {
        this.controller = controller;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.CREATE_TOPICS;
    }

    @Override
    public CompletableFuture<CreateTopicsResponseData> handle(
            final RequestContext context, final CreateTopicsRequestData request) {
        final List<CreateTopicSpec> specs = new ArrayList<>();
        for (final CreateTopicsRequestData.CreatableTopic topic : request.topics()) {
            final Map<Integer, List<Integer>> assignments = new TreeMap<>();
            for (final CreateTopicsRequestData.CreatableReplicaAssignment a : topic.assignments()) {
                assignments.put(a.partitionIndex(), a.brokerIds());
            }
            final Map<String, String> configs = new LinkedHashMap<>();
            for (final CreateTopicsRequestData.CreatableTopicConfig c : topic.configs()) {
                configs.put(c.name(), c.value());
            }
            specs.add(new CreateTopicSpec(
                    topic.name(), topic.numPartitions(), topic.replicationFactor(), assignments, configs));
        }
        return controller.createTopics(specs, request.validateOnly()).thenApply(CreateTopicsHandler::respond);
    }

    private static CreateTopicsResponseData respond(final List<CreateTopicResult> results) {
        final CreateTopicsResponseData response = new CreateTopicsResponseData();
        for (final CreateTopicResult result : results) {
            final CreateTopicsResponseData.CreatableTopicResult out =
                    new CreateTopicsResponseData.CreatableTopicResult()
                            .setName(result.name())
                            .setTopicId(result.topicId())
                            .setErrorCode(result.error().error().code())
                            .setErrorMessage(result.error().message())
                            .setNumPartitions(result.numPartitions())
                            .setReplicationFactor(result.replicationFactor());
            if (result.error().isSuccess()) {
                final List<CreateTopicsResponseData.CreatableTopicConfigs> configs = new ArrayList<>();
                for (final ResolvedConfig config : result.configs().values()) {
                    configs.add(new CreateTopicsResponseData.CreatableTopicConfigs()
                            .setName(config.name())
                            .setValue(config.sensitive() ? null : config.value())
                            .setReadOnly(config.readOnly())
                            .setConfigSource(config.source().id())
                            .setIsSensitive(config.sensitive()));
                }
                out.setConfigs(configs);
            } else {
                out.setConfigs(null);
            }
            response.topics().add(out);
        }
        return response;
    }
}
