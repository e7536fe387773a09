package io.runnel.broker.api.apiversions;

import io.runnel.protocol.ApiHandler;
import io.runnel.protocol.RequestContext;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ApiVersionsRequest;

/**
 * ApiVersions: exactly the APIs and versions this broker serves. (A request newer than any version served is
 * answered before it gets here, by the connection, at v0.) A v3+ request with an invalid client software name
 * or version gets INVALID_REQUEST, as KIP-511 says.
 */
public final class ApiVersionsHandler implements ApiHandler<ApiVersionsRequestData> {
    private final Supplier<ApiVersionsResponseData.ApiVersionCollection> served;

    public ApiVersionsHandler(final Supplier<ApiVersionsResponseData.ApiVersionCollection> served) {
        this.served = served;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.API_VERSIONS;
    }

    /** Pinned below kafka-clients 4.4.0's latest: v5 (KIP-1242) checks the client's cluster and node id; served once that check is here. */
    @Override
    public short maxVersion() {
        return 4;
    }

    @Override
    public CompletableFuture<ApiVersionsResponseData> handle(
            final RequestContext context, final ApiVersionsRequestData request) {
        final ApiVersionsResponseData response = new ApiVersionsResponseData();
        if (!new ApiVersionsRequest(request, context.apiVersion()).isValid()) {
            response.setErrorCode(Errors.INVALID_REQUEST.code());
        }
        response.setApiKeys(served.get());
        return CompletableFuture.completedFuture(response);
    }
}
