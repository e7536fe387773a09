package io.runnel.broker;

import io.runnel.broker.api.allocateproducerids.AllocateProducerIdsHandler;
import io.runnel.broker.api.alterconfigs.AlterConfigsHandler;
import io.runnel.broker.api.apiversions.ApiVersionsHandler;
import io.runnel.broker.api.brokerheartbeat.BrokerHeartbeatHandler;
import io.runnel.broker.api.brokerregistration.BrokerRegistrationHandler;
import io.runnel.broker.api.createpartitions.CreatePartitionsHandler;
import io.runnel.broker.api.createtopics.CreateTopicsHandler;
import io.runnel.broker.api.deletetopics.DeleteTopicsHandler;
import io.runnel.broker.api.describecluster.ControllerDescribeClusterHandler;
import io.runnel.broker.api.describequorum.DescribeQuorumHandler;
import io.runnel.broker.api.incrementalalterconfigs.IncrementalAlterConfigsHandler;
import io.runnel.broker.api.unregisterbroker.UnregisterBrokerHandler;
import io.runnel.broker.config.BrokerConfig;
import io.runnel.broker.config.Endpoint;
import io.runnel.metadata.controller.Controller;
import io.runnel.network.NetworkServer;
import io.runnel.protocol.ApiDispatcher;
import io.runnel.protocol.ApiHandler;
import io.runnel.quorum.QuorumState;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * A controller's listener ({@code controller.listener.names}): the requests brokers send to the active controller
 * (BrokerRegistration, BrokerHeartbeat, AllocateProducerIds, and the admin requests they forward), on their own Netty
 * server so that a broker's clients never share its threads; a controller that is not the active one answers
 * NOT_CONTROLLER. Tools bootstrapped with {@code --bootstrap-controller} come here too: DescribeCluster lists the
 * controllers and DescribeQuorum describes the quorum (answered by its leader). The quorum's gRPC connections to
 * this port are relayed to the local Ratis server. It has one network thread and one request handler: controller
 * traffic is a heartbeat per broker every couple of seconds.
 */
final class ControllerEndpoint implements AutoCloseable {
    /** Its threads: {@code runnel-ctl-acceptor}, {@code runnel-ctl-network-0} and {@code runnel-ctl-io-0}. */
    static final String THREAD_NAME = "runnel-ctl";

    private final NetworkServer server;

    private ControllerEndpoint(final NetworkServer server) {
        this.server = server;
    }

    /**
     * @param relayTo the local quorum server that the quorum's gRPC connections on this port go to; null for none
     * @param quorum the quorum as this node's member sees it
     * @param imageOffset the offset of the metadata image this node serves from
     */
    static ControllerEndpoint start(
            final BrokerConfig config,
            final Controller controller,
            final String clusterId,
            final InetSocketAddress relayTo,
            final Supplier<QuorumState> quorum,
            final LongSupplier imageOffset)
            throws InterruptedException {
        final List<ApiHandler<?>> handlers = new ArrayList<>();
        final ApiDispatcher[] dispatcher = new ApiDispatcher[1];
        handlers.add(new ApiVersionsHandler(
                () -> dispatcher[0].advertisedVersions(), clusterId, config.nodeId(), imageOffset));
        handlers.add(new ControllerDescribeClusterHandler(
                clusterId, config.listeners().voters(), () -> quorum.get().leaderId()));
        handlers.add(describeQuorum(config, quorum));
        handlers.add(new BrokerRegistrationHandler(controller));
        handlers.add(new BrokerHeartbeatHandler(controller));
        handlers.add(new UnregisterBrokerHandler(controller));
        handlers.add(new AllocateProducerIdsHandler(controller));
        handlers.add(new CreateTopicsHandler(controller));
        handlers.add(new DeleteTopicsHandler(controller));
        handlers.add(new CreatePartitionsHandler(controller));
        handlers.add(new IncrementalAlterConfigsHandler(controller));
        handlers.add(new AlterConfigsHandler(controller));
        dispatcher[0] = new ApiDispatcher(handlers);
        final Endpoint listener = config.listeners().controller();
        final InetSocketAddress bind = listener.host().isEmpty()
                ? new InetSocketAddress(listener.port())
                : new InetSocketAddress(listener.host(), listener.port());
        return new ControllerEndpoint(new NetworkServer(
                THREAD_NAME,
                bind,
                1,
                1,
                dispatcher[0],
                config.socketRequestMaxBytes(),
                config.connectionsMaxIdleMs(),
                relayTo));
    }

    /** DescribeQuorum as this node answers it, on either listener: from its own view of the quorum. */
    static DescribeQuorumHandler describeQuorum(final BrokerConfig config, final Supplier<QuorumState> quorum) {
        final List<String> names = config.listeners().controllerListenerNames();
        return new DescribeQuorumHandler(
                config.nodeId(), quorum, config.listeners().voters(), names.isEmpty() ? "CONTROLLER" : names.get(0));
    }

    InetSocketAddress boundAddress() {
        return server.boundAddress();
    }

    @Override
    public void close() {
        server.close();
    }
}
