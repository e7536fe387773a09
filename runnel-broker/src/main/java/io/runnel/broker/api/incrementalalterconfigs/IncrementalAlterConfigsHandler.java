package io.runnel.broker.api.incrementalalterconfigs;

import io.runnel.broker.api.ConfigResources;
import io.runnel.metadata.config.ConfigChange;
import io.runnel.metadata.config.ConfigOperation;
import io.runnel.metadata.controller.AlterConfigsResult;
import io.runnel.metadata.controller.AlterConfigsSpec;
import io.runnel.metadata.controller.Controller;
import io.runnel.metadata.record.ConfigResourceType;
import io.runnel.protocol.ApiHandler;
import io.runnel.protocol.RequestContext;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.IncrementalAlterConfigsRequestData;
import org.apache.kafka.common.message.IncrementalAlterConfigsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;

/**
 * IncrementalAlterConfigs (KIP-339): the controller validates, writes and publishes the changes, and the
 * partitions of a changed topic pick up their new log config from the metadata listener. This handler
 * refuses what the controller cannot be asked (resource types without stored configs, unknown operations)
 * and answers one result per resource in request order.
 */
public final class IncrementalAlterConfigsHandler implements ApiHandler<IncrementalAlterConfigsRequestData> {
    private final Controller controller;

    public IncrementalAlterConfigsHandler(final Controller controller) {
        this.controller = controller;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.INCREMENTAL_ALTER_CONFIGS;
    }

    @Override
    public CompletableFuture<IncrementalAlterConfigsResponseData> handle(
            final RequestContext context, final IncrementalAlterConfigsRequestData request) {
        final List<IncrementalAlterConfigsRequestData.AlterConfigsResource> resources =
                new ArrayList<>(request.resources());
        final Map<Integer, String> refused = new HashMap<>();
        final List<AlterConfigsSpec> specs = new ArrayList<>();
        for (int i = 0; i < resources.size(); i++) {
            final IncrementalAlterConfigsRequestData.AlterConfigsResource resource = resources.get(i);
            final ConfigResourceType type = ConfigResources.storedType(resource.resourceType());
            if (type == null) {
                refused.put(i, ConfigResources.unsupported(resource.resourceType()));
                continue;
            }
            final List<ConfigChange> changes = new ArrayList<>();
            for (final IncrementalAlterConfigsRequestData.AlterableConfig config : resource.configs()) {
                final ConfigOperation operation = ConfigOperation.forId(config.configOperation());
                if (operation == null) {
                    refused.put(i, "Unknown operations type " + config.configOperation());
                    break;
                }
                changes.add(new ConfigChange(config.name(), operation, config.value()));
            }
            if (!refused.containsKey(i)) {
                specs.add(new AlterConfigsSpec(type, resource.resourceName(), changes));
            }
        }
        return controller.incrementalAlterConfigs(specs, request.validateOnly()).thenApply(results -> {
            final IncrementalAlterConfigsResponseData response = new IncrementalAlterConfigsResponseData();
            int next = 0;
            for (int i = 0; i < resources.size(); i++) {
                final IncrementalAlterConfigsRequestData.AlterConfigsResource resource = resources.get(i);
                final IncrementalAlterConfigsResponseData.AlterConfigsResourceResponse out =
                        new IncrementalAlterConfigsResponseData.AlterConfigsResourceResponse()
                                .setResourceType(resource.resourceType())
                                .setResourceName(resource.resourceName());
                final String refusal = refused.get(i);
                if (refusal != null) {
                    out.setErrorCode(Errors.INVALID_REQUEST.code()).setErrorMessage(refusal);
                } else {
                    final AlterConfigsResult result = results.get(next++);
                    out.setErrorCode(result.error().error().code())
                            .setErrorMessage(result.error().message());
                }
                response.responses().add(out);
            }
            return response;
        });
    }
}
