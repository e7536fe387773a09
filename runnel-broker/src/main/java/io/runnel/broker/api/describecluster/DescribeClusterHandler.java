package io.runnel.broker.api.describecluster;

import io.runnel.metadata.image.BrokerRegistration;
import io.runnel.metadata.image.MetadataImage;
import io.runnel.protocol.ApiHandler;
import io.runnel.protocol.RequestContext;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.apache.kafka.common.message.DescribeClusterRequestData;
import org.apache.kafka.common.message.DescribeClusterResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;

/** DescribeCluster: the cluster id, the brokers, and this broker as the controller clients should use. */
public final class DescribeClusterHandler implements ApiHandler<DescribeClusterRequestData> {
    /** Endpoint type 1: brokers (KIP-919); controllers are not reachable from clients here. */
    private static final byte BROKER_ENDPOINTS = 1;

    private final Supplier<MetadataImage> image;
    private final int nodeId;

    public DescribeClusterHandler(final Supplier<MetadataImage> image, final int nodeId) {
        this.image = image;
        this.nodeId = nodeId;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.DESCRIBE_CLUSTER;
    }

    @Override
    public CompletableFuture<DescribeClusterResponseData> handle(
            final RequestContext context, final DescribeClusterRequestData request) {
        final DescribeClusterResponseData response = new DescribeClusterResponseData();
        if (context.apiVersion() >= 1 && request.endpointType() != BROKER_ENDPOINTS) {
            return CompletableFuture.completedFuture(response.setErrorCode(Errors.UNSUPPORTED_ENDPOINT_TYPE.code())
                    .setErrorMessage("Only broker endpoints (type 1) are served"));
        }
        final MetadataImage current = image.get();
        response.setClusterId(current.clusterId()).setControllerId(nodeId).setEndpointType(BROKER_ENDPOINTS);
        for (final BrokerRegistration broker : current.brokers().values()) {
            response.brokers()
                    .add(new DescribeClusterResponseData.DescribeClusterBroker()
                            .setBrokerId(broker.brokerId())
                            .setHost(broker.host())
                            .setPort(broker.port())
                            .setRack(broker.rack()));
        }
        return CompletableFuture.completedFuture(response);
    }
}
