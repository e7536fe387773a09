package io.runnel.broker.api.apiversions;

import io.runnel.protocol.ApiHandler;
import io.runnel.protocol.RequestContext;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ApiVersionsRequest;

/**
 * ApiVersions: exactly the APIs and versions this broker serves. (A request newer than any version served is
 * answered before it gets here, by the connection, at v0.)
 *
 * <p>Two checks come first, and a request that fails one gets its error and no API list, as from Kafka 4.4.0: a
 * v3+ request with an invalid client software name or version, or (v5+) a cluster id without a node id or the
 * other way round, gets INVALID_REQUEST (KIP-511, KIP-1242); a v5+ request naming a cluster id and node id that
 * are not this broker's gets REBOOTSTRAP_REQUIRED (KIP-1242): the client reached the wrong broker, for instance
 * through an address that now belongs to another cluster, and must bootstrap again rather than trust what it
 * would learn here. A request naming neither (a bootstrap connection) is not checked.
 *
 * <p>The answer also carries the {@link FeatureLevels feature levels} Runnel runs at ({@code kafka-features
 * describe}). Their epoch is, as in KRaft, the offset of the metadata image the node serves from: clients keep the
 * finalized features of the highest epoch they have seen.
 */
public final class ApiVersionsHandler implements ApiHandler<ApiVersionsRequestData> {
    /** A request's NodeId when it names no node. */
    private static final int NO_NODE = -1;

    private final Supplier<ApiVersionsResponseData.ApiVersionCollection> served;
    private final String clusterId;
    private final int nodeId;
    private final LongSupplier featuresEpoch;

    /** @param featuresEpoch the offset of the metadata image this node serves from */
    public ApiVersionsHandler(
            final Supplier<ApiVersionsResponseData.ApiVersionCollection> served,
            final String clusterId,
            final int nodeId,
            final LongSupplier featuresEpoch) {
        this.served = served;
        this.clusterId = clusterId;
        this.nodeId = nodeId;
        this.featuresEpoch = featuresEpoch;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.API_VERSIONS;
    }

    @Override
    public CompletableFuture<ApiVersionsResponseData> handle(
            final RequestContext context, final ApiVersionsRequestData request) {
        final ApiVersionsResponseData response = new ApiVersionsResponseData();
        // isValid covers KIP-1242's pairing too: ClusterId and NodeId are both set or both unset
        if (!new ApiVersionsRequest(request, context.apiVersion()).isValid()) {
            response.setErrorCode(Errors.INVALID_REQUEST.code());
        } else if (misrouted(request)) {
            response.setErrorCode(Errors.REBOOTSTRAP_REQUIRED.code());
        } else {
            response.setApiKeys(served.get())
                    .setSupportedFeatures(FeatureLevels.supported(context.apiVersion()))
                    .setFinalizedFeatures(FeatureLevels.finalized())
                    .setFinalizedFeaturesEpoch(featuresEpoch.getAsLong());
        }
        return CompletableFuture.completedFuture(response);
    }

    /** The fields exist from v5 on; below it they read as null and -1, so nothing is checked. */
    private boolean misrouted(final ApiVersionsRequestData request) {
        if (request.clusterId() == null && request.nodeId() == NO_NODE) {
            return false;
        }
        return !Objects.equals(request.clusterId(), clusterId) || request.nodeId() != nodeId;
    }
}
