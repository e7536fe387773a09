package io.runnel.broker;

import io.runnel.broker.config.BrokerConfig;
import io.runnel.broker.config.ProcessRole;
import io.runnel.broker.controller.ControllerChannel;
import io.runnel.broker.controller.ControllerRouter;
import io.runnel.broker.controller.RefusingController;
import io.runnel.broker.controller.RemoteController;
import io.runnel.metadata.controller.Controller;
import io.runnel.metadata.controller.MetadataController;
import io.runnel.metadata.image.BrokerRegistration;
import io.runnel.metadata.loader.MetadataLoader;
import io.runnel.metadata.log.LocalMetadataLog;
import io.runnel.metadata.log.MetadataLog;
import io.runnel.quorum.FollowerSettings;
import io.runnel.quorum.LeadershipListener;
import io.runnel.quorum.MetadataFollower;
import io.runnel.quorum.QuorumPeers;
import io.runnel.quorum.QuorumSettings;
import io.runnel.quorum.QuorumState;
import io.runnel.quorum.RatisMetadataLog;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.apache.kafka.common.config.ConfigException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything a node has of the metadata: the log it applies (the local file of the quick-start node, its member of
 * the Ratis quorum on a controller, the quorum followed from a broker-only node), the {@link MetadataLoader} that
 * makes the image, the {@link MetadataController} on a controller, and the {@link Controller} the node's own requests
 * go to: its controller while that is the active one, the active controller over the wire otherwise. On a
 * controller it also runs the controller listener, which carries the quorum's gRPC traffic as well.
 */
final class MetadataSide implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MetadataSide.class);
    private static final Duration CONTROLLER_RETRY = Duration.ofSeconds(30);
    private static final String ELECTION_TIMEOUT_MS = "controller.quorum.election.timeout.ms";
    private static final String SNAPSHOT_ENTRIES = "metadata.log.snapshot.entries";
    private static final String SEGMENT_BYTES = "metadata.log.segment.bytes";
    /** What a broker-only node knows of the quorum it follows for DescribeQuorum: no leader, no voters. */
    private static final QuorumState NOT_A_VOTER =
            new QuorumState(-1, QuorumState.UNKNOWN, QuorumState.UNKNOWN, List.of());

    private final MetadataLoader loader;
    private final MetadataLog log;
    private final MetadataController controller;
    private final Controller router;
    private final BooleanSupplier localActive;
    private final ControllerChannel channel;
    private final ControllerEndpoint endpoint;
    private final AtomicLong brokerEpoch;
    private final Supplier<QuorumState> quorum;

    private MetadataSide(
            final MetadataLoader loader,
            final MetadataLog log,
            final MetadataController controller,
            final Controller router,
            final BooleanSupplier localActive,
            final ControllerChannel channel,
            final ControllerEndpoint endpoint,
            final AtomicLong brokerEpoch,
            final Supplier<QuorumState> quorum) {
        this.loader = loader;
        this.log = log;
        this.controller = controller;
        this.router = router;
        this.localActive = localActive;
        this.channel = channel;
        this.endpoint = endpoint;
        this.brokerEpoch = brokerEpoch;
        this.quorum = quorum;
    }

    /** The quick-start node: the local metadata log, its own controller always active, registered at once. */
    static MetadataSide quickStart(
            final BrokerConfig config, final String clusterId, final Path metadataDir, final BrokerRegistration self)
            throws InterruptedException, ExecutionException {
        final MetadataLoader loader = new MetadataLoader();
        final MetadataLog log = LocalMetadataLog.open(metadataDir);
        MetadataController controller = null;
        try {
            log.replay(loader);
            controller = newController(config, log, loader, self);
            controller.start(clusterId, true).get();
            return new MetadataSide(
                    loader,
                    log,
                    controller,
                    controller,
                    () -> true,
                    null,
                    null,
                    new AtomicLong(-1),
                    () -> soleVoter(self.brokerId(), log));
        } catch (InterruptedException | ExecutionException | RuntimeException e) {
            closeAll(controller, log);
            throw e;
        }
    }

    /**
     * A node of a cluster. A controller joins the quorum (its Ratis server behind the controller listener), starts
     * its controller, which becomes active whenever the quorum makes this node leader, and opens the controller
     * listener; a broker-only node follows the metadata from the controllers.
     */
    static MetadataSide cluster(final BrokerConfig config, final String clusterId, final BrokerRegistration self)
            throws InterruptedException, ExecutionException {
        final MetadataLoader loader = new MetadataLoader();
        final QuorumPeers peers = QuorumPeers.parse(config.originals().get(BrokerConfig.CONTROLLER_QUORUM_VOTERS));
        final AtomicLong brokerEpoch = new AtomicLong(-1);
        final int nodeId = config.nodeId();
        if (!config.processRoles().contains(ProcessRole.CONTROLLER)) {
            final MetadataFollower follower = MetadataFollower.open(
                    FollowerSettings.of(nodeId, clusterId, peers).withCatchUpTimeoutMs((int)
                            Math.min(Integer.MAX_VALUE, config.initialBrokerRegistrationTimeoutMs())));
            try {
                follower.replay(loader);
                checkVoters(config, loader);
                loader.startPublishing();
                final ControllerChannel channel =
                        new ControllerChannel(nodeId, config.listeners().voters(), () -> -1, CONTROLLER_RETRY);
                final Controller remote = new RemoteController(channel, nodeId, brokerEpoch::get);
                return new MetadataSide(
                        loader,
                        follower,
                        null,
                        new ControllerRouter(null, () -> false, remote),
                        () -> false,
                        channel,
                        null,
                        brokerEpoch,
                        () -> NOT_A_VOTER);
            } catch (RuntimeException e) {
                follower.close();
                throw e;
            }
        }
        final int electionTimeoutMs = Integer.parseInt(config.originals().getOrDefault(ELECTION_TIMEOUT_MS, "1000"));
        QuorumSettings settings = QuorumSettings.of(nodeId, clusterId, peers, config.metadataLogDir())
                .withElectionTimeoutMs(electionTimeoutMs, 2 * electionTimeoutMs);
        if (config.originals().containsKey(SNAPSHOT_ENTRIES)) {
            final long entries = Long.parseLong(config.originals().get(SNAPSHOT_ENTRIES));
            // The log is purged behind a snapshot once this many entries can go: never more than a snapshot holds.
            settings = settings.withSnapshotThresholdEntries(entries)
                    .withLogRetention(settings.segmentSizeBytes(), (int)
                            Math.min(QuorumSettings.DEFAULT_PURGE_GAP_ENTRIES, entries));
        }
        if (config.originals().containsKey(SEGMENT_BYTES)) {
            settings = settings.withLogRetention(
                    Long.parseLong(config.originals().get(SEGMENT_BYTES)), settings.purgeGapEntries());
        }
        // The Ratis server listens on loopback only; peers reach it through this node's controller listener.
        final RatisMetadataLog ratis = RatisMetadataLog.open(settings, new InetSocketAddress("127.0.0.1", 0));
        MetadataController controller = null;
        ControllerChannel channel = null;
        try {
            ratis.replay(loader);
            checkVoters(config, loader);
            controller = newController(config, ratis, loader, self);
            controller.start(clusterId, false).get();
            final MetadataController local = controller;
            // Active once the quorum made this node leader and the controller has written what a leader must.
            final BooleanSupplier active = () -> ratis.isLeader() && local.isActive();
            final long checkIntervalMs = Math.min(1_000, config.brokerHeartbeatIntervalMs());
            ratis.setLeadershipListener(new LeadershipListener() {
                @Override
                public void onBecameLeader(final long term) {
                    local.activate(clusterId, votersOf(config), checkIntervalMs);
                }

                @Override
                public void onResigned(final long term) {
                    local.deactivate();
                }
            });
            channel = new ControllerChannel(
                    nodeId,
                    config.listeners().voters(),
                    () -> ratis.quorumState().leaderId(),
                    CONTROLLER_RETRY);
            final Controller remote = new RemoteController(channel, nodeId, brokerEpoch::get);
            final ControllerEndpoint endpoint = ControllerEndpoint.start(
                    config,
                    new ControllerRouter(controller, active, new RefusingController(nodeId)),
                    clusterId,
                    ratis.serverAddress(),
                    ratis::quorumState,
                    () -> loader.image().lastOffset());
            LOG.info(
                    "Node {} joined the metadata quorum {} on {} (Ratis on {})",
                    nodeId,
                    peers,
                    endpoint.boundAddress(),
                    ratis.serverAddress());
            return new MetadataSide(
                    loader,
                    ratis,
                    controller,
                    new ControllerRouter(controller, active, remote),
                    active,
                    channel,
                    endpoint,
                    brokerEpoch,
                    ratis::quorumState);
        } catch (InterruptedException | ExecutionException | RuntimeException e) {
            if (channel != null) {
                channel.close();
            }
            closeAll(controller, ratis);
            throw e;
        }
    }

    /** {@code controller.quorum.voters} in one form for every node: {@code id@host:port}, by id. */
    static String votersOf(final BrokerConfig config) {
        return new TreeMap<>(config.listeners().voters())
                .entrySet().stream()
                        .map(e -> e.getKey() + "@" + e.getValue().getHostString() + ":"
                                + e.getValue().getPort())
                        .collect(Collectors.joining(","));
    }

    /**
     * Refuses to run with voters that disagree with the ones the quorum's active controller wrote: the node would
     * look for controllers where there are none, or count a quorum differently.
     */
    private static void checkVoters(final BrokerConfig config, final MetadataLoader loader) {
        final String quorum = loader.image().voters();
        final String mine = votersOf(config);
        if (quorum != null && !quorum.equals(mine)) {
            throw new ConfigException(BrokerConfig.CONTROLLER_QUORUM_VOTERS + "=" + mine + " on node " + config.nodeId()
                    + " disagrees with the voters the metadata quorum runs with: " + quorum);
        }
    }

    /**
     * The quick-start node's quorum: itself alone, leading since it started, every entry committed as written. Its
     * epoch is 1, the one a single voter's first election gives in KRaft; it never holds another. Its last entry is
     * the local log's last record.
     */
    private static QuorumState soleVoter(final int nodeId, final MetadataLog log) {
        final long now = System.currentTimeMillis();
        final long last = log.lastOffset();
        return new QuorumState(nodeId, 1, last, List.of(new QuorumState.ReplicaState(nodeId, last, now, now)));
    }

    private static MetadataController newController(
            final BrokerConfig config,
            final MetadataLog log,
            final MetadataLoader loader,
            final BrokerRegistration self) {
        return new MetadataController(
                log,
                loader,
                self,
                config.numPartitions(),
                config.defaultReplicationFactor(),
                config.originals(),
                config.brokerSessionTimeoutMs());
    }

    MetadataLoader loader() {
        return loader;
    }

    /** Where this node's commands go: its own controller while active, the active one over the wire otherwise. */
    Controller controller() {
        return router;
    }

    /** True while this node's controller is the active one (always on the quick-start node). */
    BooleanSupplier localActive() {
        return localActive;
    }

    /** The way to the active controller; null on the quick-start node, which is its own. */
    ControllerChannel channel() {
        return channel;
    }

    /** The node's broker epoch, for the requests that carry it. */
    AtomicLong brokerEpoch() {
        return brokerEpoch;
    }

    /**
     * The metadata quorum as this node sees it, for DescribeQuorum: its member's view on a controller; on the
     * quick-start node a quorum of one, itself; a broker-only node is no voter and knows no leader.
     */
    QuorumState quorumState() {
        return quorum.get();
    }

    /** The controller listener's port; -1 on a node without one. */
    int controllerPort() {
        return endpoint == null ? -1 : endpoint.boundAddress().getPort();
    }

    @Override
    public void close() {
        // The quorum member leaves first, while its controller listener still carries the quorum's traffic.
        closeAll(controller, log);
        if (channel != null) {
            channel.close();
        }
        if (endpoint != null) {
            endpoint.close();
        }
    }

    private static void closeAll(final MetadataController controller, final MetadataLog log) {
        if (controller != null) {
            try {
                controller.close();
            } catch (RuntimeException e) {
                LOG.error("Error while closing the metadata controller", e);
            }
        }
        try {
            log.close();
        } catch (RuntimeException e) {
            LOG.error("Error while closing the metadata log", e);
        }
    }
}
