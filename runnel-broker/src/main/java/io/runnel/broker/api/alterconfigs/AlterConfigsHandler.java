package io.runnel.broker.api.alterconfigs;

import io.runnel.broker.api.ConfigResources;
import io.runnel.metadata.config.ConfigChange;
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
import org.apache.kafka.common.message.AlterConfigsRequestData;
import org.apache.kafka.common.message.AlterConfigsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;

/**
 * Legacy AlterConfigs: each resource's dynamic configs become exactly those in the request; configs it does not
 * name go back to their defaults. Validated and written by the controller like IncrementalAlterConfigs.
 */
public final class AlterConfigsHandler implements ApiHandler<AlterConfigsRequestData> {
    private final Controller controller;

    public AlterConfigsHandler(final Controller controller) {
        this.controller = controller;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.ALTER_CONFIGS;
    }

    @Override
    public CompletableFuture<AlterConfigsResponseData> handle(
            final RequestContext context, final AlterConfigsRequestData request) {
        final List<AlterConfigsRequestData.AlterConfigsResource> resources = new ArrayList<>(request.resources());
        final Map<Integer, String> refused = new HashMap<>();
        final List<AlterConfigsSpec> specs = new ArrayList<>();
        for (int i = 0; i < resources.size(); i++) {
            final AlterConfigsRequestData.AlterConfigsResource resource = resources.get(i);
            final ConfigResourceType type = ConfigResources.storedType(resource.resourceType());
            if (type == null) {
                refused.put(i, ConfigResources.unsupported(resource.resourceType()));
                continue;
            }
            final List<ConfigChange> changes = new ArrayList<>();
            for (final AlterConfigsRequestData.AlterableConfig config : resource.configs()) {
                changes.add(ConfigChange.set(config.name(), config.value()));
            }
            specs.add(new AlterConfigsSpec(type, resource.resourceName(), changes));
        }
        return controller.alterConfigs(specs, request.validateOnly()).thenApply(results -> {
            final AlterConfigsResponseData response = new AlterConfigsResponseData();
            int next = 0;
            for (int i = 0; i < resources.size(); i++) {
                final AlterConfigsRequestData.AlterConfigsResource resource = resources.get(i);
                final AlterConfigsResponseData.AlterConfigsResourceResponse out =
                        new AlterConfigsResponseData.AlterConfigsResourceResponse()
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
