package io.runnel.broker.api.createpartitions;

import io.runnel.metadata.controller.Controller;
import io.runnel.metadata.controller.CreatePartitionsResult;
import io.runnel.metadata.controller.CreatePartitionsSpec;
import io.runnel.protocol.ApiHandler;
import io.runnel.protocol.RequestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.CreatePartitionsRequestData;
import org.apache.kafka.common.message.CreatePartitionsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;

/** CreatePartitions: grows topics to a new partition count, optionally with explicit replica assignments. */
public final class CreatePartitionsHandler implements ApiHandler<CreatePartitionsRequestData> {
    private final Controller controller;

    public CreatePartitionsHandler(final Controller controller) {
        this.controller = controller;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.CREATE_PARTITIONS;
    }

    @Override
    public CompletableFuture<CreatePartitionsResponseData> handle(
            final RequestContext context, final CreatePartitionsRequestData request) {
        final List<CreatePartitionsSpec> specs = new ArrayList<>();
        for (final CreatePartitionsRequestData.CreatePartitionsTopic topic : request.topics()) {
            List<List<Integer>> assignments = null;
            if (topic.assignments() != null) {
                assignments = new ArrayList<>();
                for (final CreatePartitionsRequestData.CreatePartitionsAssignment a : topic.assignments()) {
                    assignments.add(a.brokerIds());
                }
            }
            specs.add(new CreatePartitionsSpec(topic.name(), topic.count(), assignments));
        }
        return controller.createPartitions(specs, request.validateOnly()).thenApply(results -> {
            final CreatePartitionsResponseData response = new CreatePartitionsResponseData();
            for (final CreatePartitionsResult result : results) {
                response.results()
                        .add(new CreatePartitionsResponseData.CreatePartitionsTopicResult()
                                .setName(result.topic())
                                .setErrorCode(result.error().error().code())
                                .setErrorMessage(result.error().message()));
            }
            return response;
        });
    }
}
