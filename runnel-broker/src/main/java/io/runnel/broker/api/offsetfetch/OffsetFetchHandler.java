package io.runnel.broker.api.offsetfetch;

import io.runnel.coordinator.group.GroupCoordinator;
import io.runnel.protocol.ApiHandler;
import io.runnel.protocol.RequestContext;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.OffsetFetchRequestData;
import org.apache.kafka.common.message.OffsetFetchResponseData;
import org.apache.kafka.common.protocol.ApiKeys;

/** OffsetFetch, for one group or (from v8) a batch of groups. */
public final class OffsetFetchHandler implements ApiHandler<OffsetFetchRequestData> {
    private final GroupCoordinator coordinator;

    public OffsetFetchHandler(final GroupCoordinator coordinator) {
        this.coordinator = coordinator;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.OFFSET_FETCH;
    }

    /** Pinned below kafka-clients 4.4.0's latest: v10 names topics by id; served once ids are resolved. */
    @Override
    public short maxVersion() {
        return 9;
    }

    @Override
    public CompletableFuture<OffsetFetchResponseData> handle(
            final RequestContext context, final OffsetFetchRequestData request) {
        return coordinator.fetchOffsets(request, context.apiVersion());
    }
}
