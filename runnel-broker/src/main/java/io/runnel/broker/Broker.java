package io.runnel.broker;

import io.runnel.broker.api.alterconfigs.AlterConfigsHandler;
import io.runnel.broker.api.apiversions.ApiVersionsHandler;
import io.runnel.broker.api.consumergroupdescribe.ConsumerGroupDescribeHandler;
import io.runnel.broker.api.consumergroupheartbeat.ConsumerGroupHeartbeatHandler;
import io.runnel.broker.api.createpartitions.CreatePartitionsHandler;
import io.runnel.broker.api.createtopics.CreateTopicsHandler;
import io.runnel.broker.api.deletegroups.DeleteGroupsHandler;
import io.runnel.broker.api.deleterecords.DeleteRecordsHandler;
import io.runnel.broker.api.deletetopics.DeleteTopicsHandler;
import io.runnel.broker.api.describecluster.DescribeClusterHandler;
import io.runnel.broker.api.describeconfigs.DescribeConfigsHandler;
import io.runnel.broker.api.describegroups.DescribeGroupsHandler;
import io.runnel.broker.api.describelogdirs.DescribeLogDirsHandler;
import io.runnel.broker.api.fetch.FetchHandler;
import io.runnel.broker.api.findcoordinator.FindCoordinatorHandler;
import io.runnel.broker.api.heartbeat.HeartbeatHandler;
import io.runnel.broker.api.incrementalalterconfigs.IncrementalAlterConfigsHandler;
import io.runnel.broker.api.initproducerid.InitProducerIdHandler;
import io.runnel.broker.api.joingroup.JoinGroupHandler;
import io.runnel.broker.api.leavegroup.LeaveGroupHandler;
import io.runnel.broker.api.listgroups.ListGroupsHandler;
import io.runnel.broker.api.listoffsets.ListOffsetsHandler;
import io.runnel.broker.api.metadata.MetadataHandler;
import io.runnel.broker.api.offsetcommit.OffsetCommitHandler;
import io.runnel.broker.api.offsetdelete.OffsetDeleteHandler;
import io.runnel.broker.api.offsetfetch.OffsetFetchHandler;
import io.runnel.broker.api.produce.ProduceHandler;
import io.runnel.broker.api.syncgroup.SyncGroupHandler;
import io.runnel.broker.api.unregisterbroker.UnregisterBrokerHandler;
import io.runnel.broker.config.BrokerConfig;
import io.runnel.broker.config.Endpoint;
import io.runnel.coordinator.group.GroupConfig;
import io.runnel.coordinator.group.GroupCoordinator;
import io.runnel.coordinator.group.consumer.ConsumerGroupConfig;
import io.runnel.coordinator.group.store.OffsetsTopic;
import io.runnel.coordinator.group.store.OffsetsTopicStore;
import io.runnel.coordinator.runtime.ExecutorScheduler;
import io.runnel.metadata.controller.MetadataController;
import io.runnel.metadata.image.BrokerRegistration;
import io.runnel.metadata.loader.MetadataLoader;
import io.runnel.metadata.log.LocalMetadataLog;
import io.runnel.metadata.log.MetadataLog;
import io.runnel.network.NetworkServer;
import io.runnel.protocol.ApiDispatcher;
import io.runnel.protocol.ApiHandler;
import io.runnel.replication.Partitions;
import io.runnel.replication.PartitionsPublisher;
import io.runnel.storage.LogManager;
import io.runnel.storage.cleaner.CleanerConfig;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Runnel broker: its logs, its metadata, its API handlers and its listener, started in that order and closed
 * in reverse. Threads (docs/architecture.md has the full table): "runnel-acceptor" and "runnel-network-N" (Netty),
 * "runnel-io-N" (request handlers), "runnel-controller" (metadata), "runnel-group-coordinator" (groups and committed
 * offsets), "runnel-timer" (delayed operations), "runnel-log-retention" (deleting old segments),
 * "runnel-log-cleaner-N" (compaction), "runnel-log-flusher" (fsyncs and recovery-point checkpoints),
 * "runnel-log-dir-failure" (closing a failed log dir), and at start and shutdown only "runnel-log-recovery-N" and
 * "runnel-log-shutdown-N".
 */
public final class Broker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Broker.class);
    /** Lives in the first log dir; the name has no "-N" suffix, so it is never taken for a partition. */
    static final String METADATA_DIR = "__cluster_metadata";

    private final BrokerConfig config;
    private final LogManager logs;
    private final MetadataLog metadataLog;
    private final MetadataController controller;
    private final GroupCoordinator groups;
    private final ScheduledThreadPoolExecutor timer;
    private final NetworkServer network;
    // Null on the quick-start node.
    private volatile ClusterMembership membership;
    private volatile boolean closed;

    private Broker(
            final BrokerConfig config,
            final LogManager logs,
            final MetadataLog metadataLog,
            final MetadataController controller,
            final GroupCoordinator groups,
            final ScheduledThreadPoolExecutor timer,
            final NetworkServer network) {
        this.config = config;
        this.logs = logs;
        this.metadataLog = metadataLog;
        this.controller = controller;
        this.groups = groups;
        this.timer = timer;
        this.network = network;
    }

    public static Broker start(final BrokerConfig config) throws IOException, InterruptedException {
        final long startNs = System.nanoTime();
        final Path metadataDir = config.metadataLogDir().resolve(METADATA_DIR);
        final boolean cluster = !config.formatsItself();
        if (cluster) {
            ClusterMembership.checkSupported(config);
        }
        final String clusterId = NodeIdentity.establish(config, metadataDir);
        final LogManager logs = LogManager.open(
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
        MetadataLog metadataLog = null;
        MetadataController controller = null;
        GroupCoordinator groupCoordinator = null;
        ScheduledThreadPoolExecutor timer = null;
        try {
            metadataLog = LocalMetadataLog.open(metadataDir);
            final Endpoint advertised = config.advertisedListener();
            final MetadataLoader loader = new MetadataLoader();
            metadataLog.replay(loader);
            controller = new MetadataController(
                    metadataLog,
                    loader,
                    new BrokerRegistration(
                            config.nodeId(),
                            advertised.host(),
                            advertised.port(),
                            advertised.listenerName(),
                            config.rack()),
                    config.numPartitions(),
                    config.defaultReplicationFactor(),
                    config.originals(),
                    config.brokerSessionTimeoutMs());
            final Partitions partitions = new Partitions();
            controller.start(clusterId, !cluster).get();
            controller
                    .registerListener(new PartitionsPublisher(config.nodeId(), logs, partitions, config.originals()))
                    .get();

            final GroupCoordinator groups = new GroupCoordinator(
                    new OffsetsTopicStore(
                            partitions, OffsetsTopic.numPartitions(config.originals()), InstantSource.system()),
                    GroupConfig.from(config.originals()),
                    ConsumerGroupConfig.from(config.originals()),
                    controller::image,
                    new ExecutorScheduler(),
                    new SecureRandom());
            groupCoordinator = groups;
            groups.load().get();

            timer = new ScheduledThreadPoolExecutor(1, r -> {
                final Thread t = new Thread(r, "runnel-timer");
                t.setDaemon(true);
                return t;
            });
            timer.setRemoveOnCancelPolicy(true);

            final List<ApiHandler<?>> handlers = new ArrayList<>();
            final ApiDispatcher[] dispatcher = new ApiDispatcher[1];
            handlers.add(new ApiVersionsHandler(
                    () -> dispatcher[0].advertisedVersions(), controller.image().clusterId(), config.nodeId()));
            handlers.add(new MetadataHandler(
                    controller::image, controller, config.nodeId(), config.autoCreateTopics(), partitions::isOffline));
            handlers.add(new CreateTopicsHandler(controller));
            handlers.add(new DeleteTopicsHandler(controller));
            handlers.add(new CreatePartitionsHandler(controller));
            handlers.add(new ProduceHandler(partitions));
            handlers.add(new FetchHandler(partitions, config.fetchSessionCacheSlots(), timer));
            handlers.add(new ListOffsetsHandler(partitions));
            handlers.add(new DeleteRecordsHandler(partitions, logs::checkpointLogStartOffsetsLater));
            handlers.add(new DescribeConfigsHandler(controller::image, config.nodeId(), config.originals()));
            handlers.add(new IncrementalAlterConfigsHandler(controller));
            handlers.add(new AlterConfigsHandler(controller));
            handlers.add(new DescribeClusterHandler(controller::image));
            final MetadataController local = controller;
            handlers.add(new UnregisterBrokerHandler(() -> local));
            handlers.add(new DescribeLogDirsHandler(logs, partitions));
            handlers.add(new InitProducerIdHandler(controller));
            handlers.add(new FindCoordinatorHandler(
                    controller::image, controller, config.nodeId(), OffsetsTopic.topicSpec(config.originals(), 1)));
            handlers.add(new JoinGroupHandler(groups));
            handlers.add(new SyncGroupHandler(groups));
            handlers.add(new HeartbeatHandler(groups));
            handlers.add(new LeaveGroupHandler(groups));
            handlers.add(new OffsetCommitHandler(groups, partitions, controller::image));
            handlers.add(new OffsetFetchHandler(groups, controller::image));
            handlers.add(new OffsetDeleteHandler(groups));
            handlers.add(new ListGroupsHandler(groups));
            handlers.add(new DescribeGroupsHandler(groups));
            handlers.add(new DeleteGroupsHandler(groups));
            handlers.add(new ConsumerGroupHeartbeatHandler(groups));
            handlers.add(new ConsumerGroupDescribeHandler(groups));
            dispatcher[0] = new ApiDispatcher(handlers);

            final Endpoint listener = config.listener();
            final InetSocketAddress bind = listener.host().isEmpty()
                    ? new InetSocketAddress(listener.port())
                    : new InetSocketAddress(listener.host(), listener.port());
            final NetworkServer network = new NetworkServer(
                    "runnel",
                    bind,
                    config.numNetworkThreads(),
                    config.numIoThreads(),
                    dispatcher[0],
                    config.socketRequestMaxBytes(),
                    config.connectionsMaxIdleMs(),
                    null);
            final Broker broker = new Broker(config, logs, metadataLog, controller, groups, timer, network);
            if (cluster) {
                try {
                    broker.membership = ClusterMembership.start(config, controller, loader, clusterId, broker.port());
                } catch (ExecutionException | InterruptedException | RuntimeException e) {
                    network.close();
                    throw e;
                }
            }
            LOG.info(
                    "Runnel broker {} of cluster {} listening on {} (advertised as {}:{}), data in {}; started in {} ms",
                    config.nodeId(),
                    controller.image().clusterId(),
                    network.boundAddress(),
                    advertised.host(),
                    broker.port(),
                    config.logDirs(),
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs));
            return broker;
        } catch (ExecutionException e) {
            closeQuietly(timer, groupCoordinator, controller, metadataLog, logs);
            throw new IOException("Metadata failed to load: " + e.getCause(), e.getCause());
        } catch (InterruptedException | RuntimeException e) {
            closeQuietly(timer, groupCoordinator, controller, metadataLog, logs);
            throw e;
        }
    }

    /** The port the listener is bound to (useful when configured as 0). */
    public int port() {
        return network.boundAddress().getPort();
    }

    /** The port of the controller listener; -1 on the quick-start node, which has none. */
    public int controllerPort() {
        final ClusterMembership member = membership;
        return member == null ? -1 : member.controllerPort();
    }

    /** The partition logs (for tests and tools that look at the storage underneath). */
    public LogManager logs() {
        return logs;
    }

    public BrokerConfig config() {
        return config;
    }

    public String clusterId() {
        return controller.image().clusterId();
    }

    /** Stops listening, then closes metadata and logs; the logs write their clean-shutdown markers last. */
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
        }
        network.close();
        if (member != null) {
            member.close();
        }
        closeQuietly(timer, groups, controller, metadataLog, logs);
        LOG.info(
                "Runnel broker {} stopped in {} ms",
                config.nodeId(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs));
    }

    private static void closeQuietly(
            final ScheduledThreadPoolExecutor timer,
            final GroupCoordinator groups,
            final MetadataController controller,
            final MetadataLog metadataLog,
            final LogManager logs) {
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
        for (final AutoCloseable c : new AutoCloseable[] {groups, controller, metadataLog, logs}) {
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
