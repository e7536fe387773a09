package io.runnel.broker.api.describecluster;

import io.runnel.metadata.image.BrokerRegistration;
import io.runnel.metadata.image.MetadataImage;
import io.runnel.protocol.ApiHandler;
import io.runnel.protocol.RequestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.EndpointType;
import org.apache.kafka.common.message.DescribeClusterRequestData;
import org.apache.kafka.common.message.DescribeClusterResponseData;
import org.apache.kafka.common.protocol.ApiKeys;

/**
 * DescribeCluster on a broker listener, as a KRaft broker answers it: the unfenced brokers (v2's
 * IncludeFencedBrokers adds the fenced ones, marked IsFenced, KIP-1073) and a random alive broker as the controller
 * clients send admin requests to. Controller endpoints (type 2, KIP-919) are served by controller listeners only;
 * asked here, the answer is MISMATCHED_ENDPOINT_TYPE.
 */
public final class DescribeClusterHandler implements ApiHandler<DescribeClusterRequestData> {
    private final Supplier<MetadataImage> image;

    public DescribeClusterHandler(final Supplier<MetadataImage> image) {
        this.image = image;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.DESCRIBE_CLUSTER;
    }

    @Override
    public CompletableFuture<DescribeClusterResponseData> handle(
            final RequestContext context, final DescribeClusterRequestData request) {
        final Optional<DescribeClusterResponseData> refusal =
                EndpointTypeCheck.refusal(context.apiVersion(), request, EndpointType.BROKER);
        if (refusal.isPresent()) {
            return CompletableFuture.completedFuture(refusal.get());
        }
        final DescribeClusterResponseData response = new DescribeClusterResponseData();
        final MetadataImage current = image.get();
        final boolean includeFenced = context.apiVersion() >= 2 && request.includeFencedBrokers();
        final List<Integer> alive = new ArrayList<>();
        for (final BrokerRegistration broker : current.brokers().values()) {
            if (!broker.fenced()) {
                alive.add(broker.brokerId());
            } else if (!includeFenced) {
                continue;
            }
            response.brokers()
                    .add(new DescribeClusterResponseData.DescribeClusterBroker()
                            .setBrokerId(broker.brokerId())
                            .setHost(broker.host())
                            .setPort(broker.port())
                            .setRack(broker.rack())
                            .setIsFenced(broker.fenced()));
        }
        response.setClusterId(current.clusterId())
                .setEndpointType(EndpointType.BROKER.id())
                .setControllerId(
                        alive.isEmpty()
                                ? -1
                                : alive.get(ThreadLocalRandom.current().nextInt(alive.size())));
        return CompletableFuture.completedFuture(response);
    }
}
