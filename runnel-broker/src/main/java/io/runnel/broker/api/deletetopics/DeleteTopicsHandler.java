package io.runnel.broker.api.deletetopics;

import io.runnel.metadata.controller.Controller;
import io.runnel.metadata.controller.DeleteTopicResult;
import io.runnel.metadata.controller.DeleteTopicsResult;
import io.runnel.protocol.ApiHandler;
import io.runnel.protocol.RequestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.DeleteTopicsRequestData;
import org.apache.kafka.common.message.DeleteTopicsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;

/** DeleteTopics, by name (every version) or by topic id (v6+); the logs go when the new image is applied. */
public final class DeleteTopicsHandler implements ApiHandler<DeleteTopicsRequestData> {
    private final Controller controller;

    public DeleteTopicsHandler(final Controller controller) {
        this.controller = controller;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.DELETE_TOPICS;
    }

    @Override
    public CompletableFuture<DeleteTopicsResponseData> handle(
            final RequestContext context, final DeleteTopicsRequestData request) {
        final List<String> names = new ArrayList<>();
        final List<Uuid> ids = new ArrayList<>();
        if (context.apiVersion() >= 6) {
            for (final DeleteTopicsRequestData.DeleteTopicState topic : request.topics()) {
                if (topic.name() != null) {
                    names.add(topic.name());
                } else {
                    ids.add(topic.topicId());
                }
            }
        } else {
            names.addAll(request.topicNames());
        }
        return controller.deleteTopics(names, ids).thenApply(DeleteTopicsHandler::respond);
    }

    private static DeleteTopicsResponseData respond(final DeleteTopicsResult results) {
        final DeleteTopicsResponseData response = new DeleteTopicsResponseData();
        final List<DeleteTopicResult> all = new ArrayList<>(results.byName());
        all.addAll(results.byId());
        for (final DeleteTopicResult result : all) {
            response.responses()
                    .add(new DeleteTopicsResponseData.DeletableTopicResult()
                            .setName(result.name())
                            .setTopicId(result.topicId())
                            .setErrorCode(result.error().error().code())
                            .setErrorMessage(result.error().message()));
        }
        return response;
    }
}
