package io.runnel.broker.api.deletegroups;

import io.runnel.coordinator.group.GroupCoordinator;
import io.runnel.protocol.ApiHandler;
import io.runnel.protocol.RequestContext;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.DeleteGroupsRequestData;
import org.apache.kafka.common.message.DeleteGroupsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;

/**
 * DeleteGroups: empty groups only; their committed offsets go with them.
 *
 * <p>From v3 each group's result has an ErrorMessage. Kafka 4.4.0 leaves it null for NON_EMPTY_GROUP and
 * GROUP_ID_NOT_FOUND (observed), and so does Runnel: its Admin then shows the error code's own text.
 */
public final class DeleteGroupsHandler implements ApiHandler<DeleteGroupsRequestData> {

    private final GroupCoordinator coordinator;

    public DeleteGroupsHandler(final GroupCoordinator coordinator) {
        this.coordinator = coordinator;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.DELETE_GROUPS;
    }

    @Override
    public CompletableFuture<DeleteGroupsResponseData> handle(
            final RequestContext context, final DeleteGroupsRequestData request) {
        return coordinator.deleteGroups(request, context.apiVersion());
    }
}
