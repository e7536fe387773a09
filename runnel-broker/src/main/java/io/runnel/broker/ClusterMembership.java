package io.runnel.broker;

import io.runnel.broker.config.BrokerConfig;
import io.runnel.broker.config.Endpoint;
import io.runnel.broker.lifecycle.BrokerLifecycleManager;
import io.runnel.metadata.controller.BrokerRegistrationSpec;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A broker's membership of its cluster: its registration with the active controller and its heartbeats, and the
 * controlled shutdown when it stops. The quick-start node has none (it registers itself once, unfenced).
 */
final class ClusterMembership implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterMembership.class);

    private final BrokerConfig config;
    private final BrokerLifecycleManager lifecycle;

    private ClusterMembership(final BrokerConfig config, final BrokerLifecycleManager lifecycle) {
        this.config = config;
        this.lifecycle = lifecycle;
    }

    /** Registers this broker and heartbeats; returns once the controller has unfenced it. */
    static ClusterMembership start(
            final BrokerConfig config, final MetadataSide metadata, final String clusterId, final int brokerPort)
            throws InterruptedException, ExecutionException {
        final Endpoint advertised = config.advertisedListener();
        final BrokerLifecycleManager lifecycle = new BrokerLifecycleManager(
                metadata.controller(),
                new BrokerRegistrationSpec(
                        config.nodeId(),
                        clusterId,
                        BrokerLifecycleManager.newIncarnation(),
                        advertised.host(),
                        advertised.port() == 0 ? brokerPort : advertised.port(),
                        advertised.listenerName(),
                        config.rack()),
                () -> metadata.loader().image().lastOffset(),
                Duration.ofMillis(config.brokerHeartbeatIntervalMs()),
                metadata.brokerEpoch()::set);
        try {
            lifecycle.start().get(config.initialBrokerRegistrationTimeoutMs(), TimeUnit.MILLISECONDS);
            return new ClusterMembership(config, lifecycle);
        } catch (TimeoutException e) {
            final Throwable last = lifecycle.lastRegistrationError();
            lifecycle.close();
            throw new ExecutionException(new IllegalStateException("Broker " + config.nodeId()
                    + " was not registered and unfenced within " + BrokerConfig.INITIAL_BROKER_REGISTRATION_TIMEOUT_MS
                    + "=" + config.initialBrokerRegistrationTimeoutMs() + " ms"
                    + (last == null
                            ? " (waiting for an active controller among controller.quorum.voters="
                                    + config.listeners().voters() + ")"
                            : "; the controller answered " + Errors.forException(last) + ": " + last.getMessage())));
        } catch (InterruptedException | ExecutionException | RuntimeException e) {
            lifecycle.close();
            throw e;
        }
    }

    /**
     * Controlled shutdown, when {@code controlled.shutdown.enable}: asks the controller to move this broker's
     * leaderships away and waits for its leave, up to the session timeout.
     */
    void shutDownBroker() throws InterruptedException {
        if (config.controlledShutdownEnable()) {
            LOG.info("Broker {} asks the controller for a controlled shutdown", config.nodeId());
            lifecycle.controlledShutdown(Duration.ofMillis(config.brokerSessionTimeoutMs()));
        }
    }

    @Override
    public void close() {
        lifecycle.close();
    }
}
