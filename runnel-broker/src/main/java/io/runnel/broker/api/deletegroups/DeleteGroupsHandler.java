package io.runnel.broker.api.deletegroups;

import io.runnel.coordinator.group.GroupCoordinator;
import io.runnel.protocol.ApiHandler;
import io.runnel.protocol.RequestContext;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.DeleteGroupsRequestData;
import org.apache.kafka.common.message.DeleteGroupsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;

/**
 * DeleteGroups: empty groups only; their committed offsets go with them.
 *
 * <p>From v3 each group's result has an ErrorMessage, filled here for every result that carries an error (with
 * the error's own text), so a v3 client has something to print besides the code. Kafka 4.4.0 leaves it null
 * for NON_EMPTY_GROUP and GROUP_ID_NOT_FOUND (observed); its Admin then shows the same text, from the code.
 */
public final class DeleteGroupsHandler implements ApiHandler<DeleteGroupsRequestData> {
    private static final short FIRST_ERROR_MESSAGE_VERSION = 3;

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
        final CompletableFuture<DeleteGroupsResponseData> response =
                coordinator.deleteGroups(request, context.apiVersion());
        return context.apiVersion() < FIRST_ERROR_MESSAGE_VERSION
                ? response
                : response.thenApply(DeleteGroupsHandler::withErrorMessages);
    }

    private static DeleteGroupsResponseData withErrorMessages(final DeleteGroupsResponseData response) {
        for (final DeleteGroupsResponseData.DeletableGroupResult result : response.results()) {
            if (result.errorCode() != Errors.NONE.code() && result.errorMessage() == null) {
                result.setErrorMessage(Errors.forCode(result.errorCode()).message());
            }
        }
        return response;
    }
}
