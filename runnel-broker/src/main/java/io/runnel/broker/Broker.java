package io.runnel.broker;

import io.runnel.broker.config.BrokerConfig;
import io.runnel.broker.config.Endpoint;
import io.runnel.broker.config.ProcessRole;
import io.runnel.coordinator.group.GroupConfig;
import io.runnel.coordinator.group.GroupCoordinator;
import io.runnel.coordinator.group.consumer.ConsumerGroupConfig;
import io.runnel.coordinator.group.store.OffsetsTopic;
import io.runnel.coordinator.group.store.OffsetsTopicStore;
import io.runnel.coordinator.runtime.CoordinatorPublisher;
import io.runnel.coordinator.runtime.ExecutorScheduler;
import io.runnel.metadata.image.BrokerRegistration;
import io.runnel.network.NetworkServer;
import io.runnel.replication.Partitions;
import io.runnel.replication.PartitionsPublisher;
import io.runnel.storage.LogManager;
import io.runnel.storage.cleaner.CleanerConfig;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.InstantSource;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Runnel node: its metadata ({@link MetadataSide}: the log, the loader, the controller on a controller) and, on
 * a broker, its logs, its API handlers and its listener, started in that order and closed in reverse. A node of a
 * cluster also registers its broker and heartbeats ({@link ClusterMembership}). Threads (docs/architecture.md has
 * the full table): "runnel-acceptor" and "runnel-network-N" (Netty), "runnel-io-N" (request handlers),
 * "runnel-controller" (metadata), "runnel-ctl-*" (the controller listener), "runnel-quorum-*" and Ratis' own (the
 * metadata quorum), "runnel-broker-lifecycle" (registration and heartbeats), "runnel-group-coordinator" (groups and
 * committed offsets), "runnel-timer" (delayed operations), "runnel-log-retention" (deleting old segments),
 * "runnel-log-cleaner-N" (compaction), "runnel-log-flusher" (fsyncs and recovery-point checkpoints),
 * "runnel-log-dir-failure" (closing a failed log dir), and at start and shutdown only "runnel-log-recovery-N" and
 * "runnel-log-shutdown-N".
 */
public final class Broker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Broker.class);
    /** Lives in the first log dir; the name has no "-N" suffix, so it is never taken for a partition. */
    static final String METADATA_DIR = "__cluster_metadata";

    private final BrokerConfig config;
    private final MetadataSide metadata;
    // The broker side; all null on a controller-only node.
    private final LogManager logs;
    private final GroupCoordinator groups;
    private final ScheduledThreadPoolExecutor timer;
    private final NetworkServer network;
    // Null on the quick-start node and on a controller-only node.
    private volatile ClusterMembership membership;
    private volatile boolean closed;

    private Broker(
            final BrokerConfig config,
            final MetadataSide metadata,
            final LogManager logs,
            final GroupCoordinator groups,
            final ScheduledThreadPoolExecutor timer,
            final NetworkServer network) {
        this.config = config;
        this.metadata = metadata;
        this.logs = logs;
        this.groups = groups;
        this.timer = timer;
        this.network = network;
    }

    public static Broker start(final BrokerConfig config) throws IOException, InterruptedException {
        final long startNs = System.nanoTime();
        final Path metadataDir = config.metadataLogDir().resolve(METADATA_DIR);
        final boolean quickStart = config.formatsItself();
        final boolean isBroker = quickStart || config.processRoles().contains(ProcessRole.BROKER);
        final String clusterId = NodeIdentity.establish(config, metadataDir);
        MetadataSide metadata = null;
        LogManager logs = null;
        GroupCoordinator groups = null;
        ScheduledThreadPoolExecutor timer = null;
        NetworkServer network = null;
        try {
            metadata = quickStart
                    ? MetadataSide.quickStart(config, clusterId, metadataDir, self(config))
                    : MetadataSide.cluster(config, clusterId, self(config));
            if (!isBroker) {
                LOG.info(
                        "Runnel controller {} of cluster {} listening on port {}; started in {} ms",
                        config.nodeId(),
                        clusterId,
                        metadata.controllerPort(),
                        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs));
                return new Broker(config, metadata, null, null, null, null);
            }
            logs = openLogs(config);
            final Partitions partitions = new Partitions();
            metadata.loader()
                    .registerListener(new PartitionsPublisher(config.nodeId(), logs, partitions, config.originals()));
            groups = new GroupCoordinator(
                    new OffsetsTopicStore(
                            partitions, OffsetsTopic.numPartitions(config.originals()), InstantSource.system()),
                    GroupConfig.from(config.originals()),
                    ConsumerGroupConfig.from(config.originals()),
                    metadata.loader()::image,
                    new ExecutorScheduler(),
                    new SecureRandom());
            // A group's coordinator is the leader of its partition of __consumer_offsets: the partitions led here
            // load now and whenever this broker is elected to lead one; the listener opens once the first are loaded.
            metadata.loader().registerListener(new CoordinatorPublisher(OffsetsTopic.NAME, config.nodeId(), groups));
            groups.whenLoaded().get();
            timer = new ScheduledThreadPoolExecutor(1, r -> {
                final Thread t = new Thread(r, "runnel-timer");
                t.setDaemon(true);
                return t;
            });
            timer.setRemoveOnCancelPolicy(true);
            final Endpoint listener = config.listener();
            network = new NetworkServer(
                    "runnel",
                    listener.host().isEmpty()
                            ? new InetSocketAddress(listener.port())
                            : new InetSocketAddress(listener.host(), listener.port()),
                    config.numNetworkThreads(),
                    config.numIoThreads(),
                    BrokerApis.dispatcher(config, metadata, logs, partitions, groups, timer, clusterId),
                    config.socketRequestMaxBytes(),
                    config.connectionsMaxIdleMs(),
                    null);
            final Broker broker = new Broker(config, metadata, logs, groups, timer, network);
            if (!quickStart) {
                broker.membership = ClusterMembership.start(config, metadata, clusterId, broker.port());
            }
            LOG.info(
                    "Runnel broker {} of cluster {} listening on {} (advertised as {}:{}), data in {}; started in {} ms",
                    config.nodeId(),
                    clusterId,
                    network.boundAddress(),
                    config.advertisedListener().host(),
                    broker.port(),
                    config.logDirs(),
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs));
            return broker;
        } catch (ExecutionException e) {
            closeQuietly(network, timer, groups, metadata, logs);
            throw new IOException("Metadata failed to load: " + e.getCause(), e.getCause());
        } catch (InterruptedException | RuntimeException e) {
            closeQuietly(network, timer, groups, metadata, logs);
            throw e;
        }
    }

    /** This node's broker as the quick-start node registers it; a controller-only node has no endpoint. */
    private static BrokerRegistration self(final BrokerConfig config) {
        final Endpoint advertised = config.advertisedListener();
        return advertised == null
                ? new BrokerRegistration(config.nodeId(), "", 0, "", config.rack())
                : new BrokerRegistration(
                        config.nodeId(),
                        advertised.host(),
                        advertised.port(),
                        advertised.listenerName(),
                        config.rack());
    }

    private static LogManager openLogs(final BrokerConfig config) throws IOException {
        return LogManager.open(
                config.logDirs(),
                InstantSource.system(),
                new LogManager.Settings(
                        config.logRetentionCheckIntervalMs(),
                        new CleanerConfig(
                                config.logCleanerBackoffMs(),
                                config.logCleanerDedupeBufferSize(),
                                config.logCleanerIoBufferLoadFactor(),
                                config.logCleanerThreads(),
                                config.logCleanerIoMaxBytesPerSecond()),
                        new LogManager.FlushIntervals(
                                config.logFlushSchedulerIntervalMs(), config.logFlushOffsetCheckpointIntervalMs()),
                        config.numRecoveryThreadsPerDataDir()));
    }

    /** The port the broker listener is bound to (useful when configured as 0); -1 on a controller-only node. */
    public int port() {
        return network == null ? -1 : network.boundAddress().getPort();
    }

    /** The port of the controller listener; -1 on a node without one. */
    public int controllerPort() {
        return metadata.controllerPort();
    }

    /** The partition logs (for tests and tools that look at the storage underneath); null on a controller. */
    public LogManager logs() {
        return logs;
    }

    public BrokerConfig config() {
        return config;
    }

    public String clusterId() {
        return metadata.loader().image().clusterId();
    }

    /**
     * Stops: a broker of a cluster first moves its leaderships away (controlled shutdown), then stops listening,
     * then closes metadata and logs; the logs write their clean-shutdown markers last.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        final long startNs = System.nanoTime();
        final ClusterMembership member = membership;
        if (member != null) {
            try {
                member.shutDownBroker();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            member.close();
        }
        closeQuietly(network, timer, groups, metadata, logs);
        LOG.info(
                "Runnel node {} stopped in {} ms",
                config.nodeId(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs));
    }

    private static void closeQuietly(
            final NetworkServer network,
            final ScheduledThreadPoolExecutor timer,
            final GroupCoordinator groups,
            final MetadataSide metadata,
            final LogManager logs) {
        if (network != null) {
            network.close();
        }
        if (timer != null) {
            // The delayed fetches still waiting end now, as their timers would have ended them: each completes
            // (its connection is gone, so the answer is dropped) and releases the request frame it holds. They run
            // before the shutdown, which would only cancel them; the network is closed, so no new one arrives.
            for (final Runnable expiry : timer.getQueue().toArray(new Runnable[0])) {
                try {
                    expiry.run();
                } catch (RuntimeException e) {
                    LOG.warn("A delayed operation failed as the broker stopped", e);
                }
            }
            timer.shutdownNow();
        }
        for (final AutoCloseable c : new AutoCloseable[] {groups, metadata, logs}) {
            if (c == null) {
                continue;
            }
            try {
                c.close();
            } catch (Exception e) {
                LOG.error("Error while closing {}", c.getClass().getSimpleName(), e);
            }
        }
    }
}
