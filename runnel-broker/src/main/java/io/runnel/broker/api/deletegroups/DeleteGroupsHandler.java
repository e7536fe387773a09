package io.runnel.broker.api.deletegroups;

import io.runnel.coordinator.group.GroupCoordinator;
import io.runnel.protocol.ApiHandler;
import io.runnel.protocol.RequestContext;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.DeleteGroupsRequestData;
import org.apache.kafka.common.message.DeleteGroupsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;

/** DeleteGroups: empty groups only; their committed offsets go with them. */
public final class DeleteGroupsHandler implements ApiHandler<DeleteGroupsRequestData> {
    private final GroupCoordinator coordinator;

    public DeleteGroupsHandler(final GroupCoordinator coordinator) {
        this.coordinator = coordinator;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.DELETE_GROUPS;
    }

    /** Pinned below kafka-clients 4.4.0's latest: v3 adds a per-group error message; served once it is filled. */
    @Override
    public short maxVersion() {
        return 2;
    }

    @Override
    public CompletableFuture<DeleteGroupsResponseData> handle(
            final RequestContext context, final DeleteGroupsRequestData request) {
        return coordinator.deleteGroups(request, context.apiVersion());
    }
}
