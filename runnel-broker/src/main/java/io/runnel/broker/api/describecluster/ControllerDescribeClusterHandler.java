package io.runnel.broker.api.describecluster;

import io.runnel.protocol.ApiHandler;
import io.runnel.protocol.RequestContext;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.IntSupplier;
import org.apache.kafka.clients.admin.EndpointType;
import org.apache.kafka.common.message.DescribeClusterRequestData;
import org.apache.kafka.common.message.DescribeClusterResponseData;
import org.apache.kafka.common.protocol.ApiKeys;

/**
 * DescribeCluster on a controller listener, for clients bootstrapped with {@code --bootstrap-controller} (KIP-919):
 * the controllers, each at its controller listener, and the quorum leader as the controller to send requests to.
 * KRaft lists the controllers that registered themselves; Runnel's controllers are the static voters of
 * {@code controller.quorum.voters}, so it lists those, at the addresses that config gives. As in KRaft, a leader
 * that is not among the nodes listed is reported as -1 rather than pointing the client nowhere. Broker endpoints
 * (type 1) are served by broker listeners only; asked here, the answer is MISMATCHED_ENDPOINT_TYPE.
 */
public final class ControllerDescribeClusterHandler implements ApiHandler<DescribeClusterRequestData> {
    private static final int NO_CONTROLLER = -1;

    private final String clusterId;
    private final Map<Integer, InetSocketAddress> controllers;
    private final IntSupplier leaderId;

    /**
     * @param controllers each voter's controller listener
     * @param leaderId the quorum leader's id, or -1 while there is none
     */
    public ControllerDescribeClusterHandler(
            final String clusterId, final Map<Integer, InetSocketAddress> controllers, final IntSupplier leaderId) {
        this.clusterId = clusterId;
        this.controllers = new TreeMap<>(controllers);
        this.leaderId = leaderId;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.DESCRIBE_CLUSTER;
    }

    @Override
    public CompletableFuture<DescribeClusterResponseData> handle(
            final RequestContext context, final DescribeClusterRequestData request) {
        final Optional<DescribeClusterResponseData> refusal =
                EndpointTypeCheck.refusal(context.apiVersion(), request, EndpointType.CONTROLLER);
        if (refusal.isPresent()) {
            return CompletableFuture.completedFuture(refusal.get());
        }
        final DescribeClusterResponseData response =
                new DescribeClusterResponseData().setClusterId(clusterId).setEndpointType(EndpointType.CONTROLLER.id());
        controllers.forEach((id, address) -> response.brokers()
                .add(new DescribeClusterResponseData.DescribeClusterBroker()
                        .setBrokerId(id)
                        .setHost(address.getHostString())
                        .setPort(address.getPort())
                        .setRack(null)));
        final int leader = leaderId.getAsInt();
        response.setControllerId(controllers.containsKey(leader) ? leader : NO_CONTROLLER);
        return CompletableFuture.completedFuture(response);
    }
}
