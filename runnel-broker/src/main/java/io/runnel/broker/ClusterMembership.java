package io.runnel.broker;

import io.runnel.broker.config.BrokerConfig;
import io.runnel.broker.config.Endpoint;
import io.runnel.broker.config.ProcessRole;
import io.runnel.broker.lifecycle.BrokerLifecycleManager;
import io.runnel.metadata.controller.BrokerRegistrationSpec;
import io.runnel.metadata.controller.MetadataController;
import io.runnel.metadata.loader.MetadataLoader;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.common.config.ConfigException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a node with {@code process.roles} runs beside its broker: the controller listener that brokers register
 * and heartbeat on, the controller's tracking of their sessions, and this broker's own registration and heartbeats.
 * The quick-start node has none of it (it registers itself once, unfenced).
 */
final class ClusterMembership implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterMembership.class);
    private static final Duration FIRST_UNFENCE_TIMEOUT = Duration.ofSeconds(60);

    private final BrokerConfig config;
    private final ControllerEndpoint endpoint;
    private final BrokerLifecycleManager lifecycle;

    private ClusterMembership(
            final BrokerConfig config, final ControllerEndpoint endpoint, final BrokerLifecycleManager lifecycle) {
        this.config = config;
        this.endpoint = endpoint;
        this.lifecycle = lifecycle;
    }

    /**
     * Until the metadata quorum spans several nodes, a cluster node is combined and the only voter.
     *
     * @throws ConfigException for any other topology, saying what is supported
     */
    static void checkSupported(final BrokerConfig config) {
        if (!config.processRoles().equals(Set.of(ProcessRole.BROKER, ProcessRole.CONTROLLER))
                || config.listeners().voters().size() != 1) {
            throw new ConfigException("This Runnel runs a metadata quorum of one combined node (process.roles="
                    + "broker,controller with itself as the only voter); dedicated roles and several voters come with"
                    + " the replicated quorum");
        }
    }

    /** Opens the controller listener, tracks broker sessions and registers this broker; returns once unfenced. */
    static ClusterMembership start(
            final BrokerConfig config,
            final MetadataController controller,
            final MetadataLoader loader,
            final String clusterId,
            final int brokerPort)
            throws InterruptedException, ExecutionException {
        final ControllerEndpoint endpoint = ControllerEndpoint.start(config, () -> controller, clusterId, null);
        BrokerLifecycleManager lifecycle = null;
        try {
            controller
                    .trackBrokerSessions(Math.min(1_000, config.brokerHeartbeatIntervalMs()))
                    .get();
            final Endpoint advertised = config.advertisedListener();
            lifecycle = new BrokerLifecycleManager(
                    controller,
                    new BrokerRegistrationSpec(
                            config.nodeId(),
                            clusterId,
                            BrokerLifecycleManager.newIncarnation(),
                            advertised.host(),
                            advertised.port() == 0 ? brokerPort : advertised.port(),
                            advertised.listenerName(),
                            config.rack()),
                    () -> loader.image().lastOffset(),
                    Duration.ofMillis(config.brokerHeartbeatIntervalMs()));
            lifecycle.start().get(FIRST_UNFENCE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            LOG.info(
                    "Node {} serves the controller listener on {}; broker {} is registered with epoch {} and unfenced",
                    config.nodeId(),
                    endpoint.boundAddress(),
                    config.nodeId(),
                    lifecycle.epoch());
            return new ClusterMembership(config, endpoint, lifecycle);
        } catch (TimeoutException e) {
            closeBoth(endpoint, lifecycle);
            throw new ExecutionException(new IllegalStateException("Broker " + config.nodeId()
                    + " was not unfenced within " + FIRST_UNFENCE_TIMEOUT.toSeconds() + " s"));
        } catch (InterruptedException | ExecutionException | RuntimeException e) {
            closeBoth(endpoint, lifecycle);
            throw e;
        }
    }

    int controllerPort() {
        return endpoint.boundAddress().getPort();
    }

    /**
     * Controlled shutdown, when {@code controlled.shutdown.enable}: asks the controller to move this broker's
     * leaderships away and waits for its leave, up to the session timeout.
     */
    void shutDownBroker() throws InterruptedException {
        if (config.controlledShutdownEnable()) {
            lifecycle.controlledShutdown(Duration.ofMillis(config.brokerSessionTimeoutMs()));
        }
    }

    @Override
    public void close() {
        closeBoth(endpoint, lifecycle);
    }

    private static void closeBoth(final ControllerEndpoint endpoint, final BrokerLifecycleManager lifecycle) {
        if (lifecycle != null) {
            lifecycle.close();
        }
        endpoint.close();
    }
}
