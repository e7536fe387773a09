package io.runnel.protocol;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.requests.AbstractRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes a decoded request to the handler of its API and is the one place where exceptions become Kafka error
 * responses (through kafka-clients' {@link AbstractRequest#getErrorResponse}, which knows every API's shape).
 */
public final class ApiDispatcher {
    private static final Logger LOG = LoggerFactory.getLogger(ApiDispatcher.class);

    private final Map<ApiKeys, ApiHandler<?>> handlers = new EnumMap<>(ApiKeys.class);

    public ApiDispatcher(final List<ApiHandler<?>> handlers) {
        for (final ApiHandler<?> handler : handlers) {
            if (this.handlers.put(handler.apiKey(), handler) != null) {
                throw new IllegalArgumentException("Two handlers for " + handler.apiKey());
            }
        }
    }

    /** Every API served with its advertised version range, as ApiVersions lists it. */
    public ApiVersionsResponseData.ApiVersionCollection advertisedVersions() {
        final ApiVersionsResponseData.ApiVersionCollection versions =
                new ApiVersionsResponseData.ApiVersionCollection();
        handlers.forEach((key, handler) -> versions.add(new ApiVersionsResponseData.ApiVersion()
                .setApiKey(key.id)
                .setMinVersion(handler.advertisedMinVersion())
                .setMaxVersion(handler.maxVersion())));
        return versions;
    }

    public boolean supports(final ApiKeys key, final short version) {
        final ApiHandler<?> handler = handlers.get(key);
        return handler != null && version >= handler.minVersion() && version <= handler.maxVersion();
    }

    /**
     * Serves {@code request}. Failures arrive as the API's error response; the future completes exceptionally
     * only with a {@link CloseConnectionException}. Completes with {@code null} when no response is to be sent.
     */
    public CompletableFuture<ApiMessage> dispatch(final RequestContext context, final AbstractRequest request) {
        final ApiHandler<?> handler = handlers.get(context.header().apiKey());
        if (handler == null || !supports(context.header().apiKey(), context.apiVersion())) {
            return CompletableFuture.completedFuture(errorResponse(
                    context,
                    request,
                    new UnsupportedVersionException(
                            "Runnel does not serve " + context.header().apiKey() + " v" + context.apiVersion())));
        }
        CompletableFuture<? extends ApiMessage> result;
        try {
            result = invoke(handler, context, request.data());
        } catch (RuntimeException e) {
            result = CompletableFuture.failedFuture(e);
        }
        return result.handle((response, failure) -> {
            if (failure == null) {
                return response;
            }
            final Throwable cause = unwrap(failure);
            if (cause instanceof CloseConnectionException close) {
                throw close;
            }
            return errorResponse(context, request, cause);
        });
    }

    @SuppressWarnings("unchecked")
    private static <Q extends ApiMessage> CompletableFuture<? extends ApiMessage> invoke(
            final ApiHandler<Q> handler, final RequestContext context, final ApiMessage data) {
        return handler.handle(context, (Q) data);
    }

    private static ApiMessage errorResponse(
            final RequestContext context, final AbstractRequest request, final Throwable failure) {
        if (!(failure instanceof ApiException)) {
            LOG.error("Unexpected failure serving {} from {}", context.header(), context.clientAddress(), failure);
        }
        return request.getErrorResponse(0, failure).data();
    }

    private static Throwable unwrap(final Throwable failure) {
        Throwable t = failure;
        while (t instanceof CompletionException && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }
}
