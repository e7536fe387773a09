package io.runnel.broker.config;

import io.runnel.metadata.Nullable;
import io.runnel.metadata.config.ListValues;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.config.ConfigException;

/**
 * The broker's static configuration, read from Kafka's property names. Unknown names are kept (they are
 * reported by DescribeConfigs and may be topic defaults such as {@code log.retention.ms}) but never fail
 * start-up, as in Kafka; a known name with a bad value does.
 */
public final class BrokerConfig {
    public static final String NODE_ID = "node.id";
    public static final String LISTENERS = "listeners";
    public static final String ADVERTISED_LISTENERS = "advertised.listeners";
    public static final String LOG_DIRS = "log.dirs";
    public static final String PROCESS_ROLES = "process.roles";
    public static final String CONTROLLER_LISTENER_NAMES = "controller.listener.names";
    public static final String CONTROLLER_QUORUM_VOTERS = "controller.quorum.voters";
    public static final String LISTENER_SECURITY_PROTOCOL_MAP = "listener.security.protocol.map";
    public static final String CLUSTER_ID = "cluster.id";
    public static final String METADATA_LOG_DIR = "metadata.log.dir";
    public static final String BROKER_HEARTBEAT_INTERVAL_MS = "broker.heartbeat.interval.ms";
    public static final String BROKER_SESSION_TIMEOUT_MS = "broker.session.timeout.ms";
    public static final String CONTROLLED_SHUTDOWN_ENABLE = "controlled.shutdown.enable";
    public static final String INITIAL_BROKER_REGISTRATION_TIMEOUT_MS = "initial.broker.registration.timeout.ms";
    public static final String LOG_DIR = "log.dir";
    public static final String NUM_PARTITIONS = "num.partitions";
    public static final String DEFAULT_REPLICATION_FACTOR = "default.replication.factor";
    public static final String AUTO_CREATE_TOPICS_ENABLE = "auto.create.topics.enable";
    public static final String SOCKET_REQUEST_MAX_BYTES = "socket.request.max.bytes";
    public static final String CONNECTIONS_MAX_IDLE_MS = "connections.max.idle.ms";
    public static final String NUM_NETWORK_THREADS = "num.network.threads";
    public static final String NUM_IO_THREADS = "num.io.threads";
    public static final String NUM_RECOVERY_THREADS_PER_DATA_DIR = "num.recovery.threads.per.data.dir";
    public static final String MAX_INCREMENTAL_FETCH_SESSION_CACHE_SLOTS = "max.incremental.fetch.session.cache.slots";
    public static final String BROKER_RACK = "broker.rack";
    public static final String LOG_RETENTION_CHECK_INTERVAL_MS = "log.retention.check.interval.ms";
    public static final String LOG_CLEANER_BACKOFF_MS = "log.cleaner.backoff.ms";
    public static final String LOG_CLEANER_THREADS = "log.cleaner.threads";
    public static final String LOG_CLEANER_IO_MAX_BYTES_PER_SECOND = "log.cleaner.io.max.bytes.per.second";
    public static final String LOG_FLUSH_SCHEDULER_INTERVAL_MS = "log.flush.scheduler.interval.ms";
    public static final String LOG_FLUSH_OFFSET_CHECKPOINT_INTERVAL_MS = "log.flush.offset.checkpoint.interval.ms";
    public static final String LOG_CLEANER_DEDUPE_BUFFER_SIZE = "log.cleaner.dedupe.buffer.size";
    public static final String LOG_CLEANER_IO_BUFFER_LOAD_FACTOR = "log.cleaner.io.buffer.load.factor";

    private final Map<String, String> props;
    private final int nodeId;
    private final Listeners listeners;
    private final List<Path> logDirs;
    private final Set<ProcessRole> processRoles;
    private final @Nullable String clusterId;
    private final Path metadataLogDir;
    private final long brokerHeartbeatIntervalMs;
    private final long brokerSessionTimeoutMs;
    private final boolean controlledShutdownEnable;
    private final long initialBrokerRegistrationTimeoutMs;
    private final int numPartitions;
    private final short defaultReplicationFactor;
    private final boolean autoCreateTopics;
    private final int socketRequestMaxBytes;
    private final long connectionsMaxIdleMs;
    private final int numNetworkThreads;
    private final int numIoThreads;
    private final int numRecoveryThreadsPerDataDir;
    private final int logCleanerThreads;
    private final double logCleanerIoMaxBytesPerSecond;
    private final int fetchSessionCacheSlots;
    private final long logRetentionCheckIntervalMs;
    private final long logCleanerBackoffMs;
    private final long logFlushSchedulerIntervalMs;
    private final long logFlushOffsetCheckpointIntervalMs;
    private final long logCleanerDedupeBufferSize;
    private final double logCleanerIoBufferLoadFactor;

    public BrokerConfig(final Map<String, String> properties) {
        this.props = Map.copyOf(properties);
        nodeId = intValue(NODE_ID, intValue("broker.id", 1));
        final String dirs = props.getOrDefault(LOG_DIRS, props.getOrDefault(LOG_DIR, "./data"));
        final List<Path> parsed = new ArrayList<>();
        for (final String dir : ListValues.parse(props.containsKey(LOG_DIRS) ? LOG_DIRS : LOG_DIR, dirs)) {
            final Path path = Path.of(dir).toAbsolutePath().normalize();
            if (!parsed.contains(path)) {
                parsed.add(path);
            }
        }
        if (parsed.isEmpty()) {
            throw new ConfigException(LOG_DIRS, dirs, "at least one directory is required");
        }
        logDirs = List.copyOf(parsed);
        processRoles = ProcessRole.parse(string(PROCESS_ROLES, ""));
        listeners = Listeners.from(props, nodeId, processRoles);
        brokerHeartbeatIntervalMs =
                atLeast(BROKER_HEARTBEAT_INTERVAL_MS, longValue(BROKER_HEARTBEAT_INTERVAL_MS, 2_000L), 1L);
        brokerSessionTimeoutMs = atLeast(BROKER_SESSION_TIMEOUT_MS, longValue(BROKER_SESSION_TIMEOUT_MS, 9_000L), 1L);
        controlledShutdownEnable = boolValue(CONTROLLED_SHUTDOWN_ENABLE, true);
        initialBrokerRegistrationTimeoutMs = atLeast(
                INITIAL_BROKER_REGISTRATION_TIMEOUT_MS, longValue(INITIAL_BROKER_REGISTRATION_TIMEOUT_MS, 60_000L), 1L);
        clusterId = props.containsKey(CLUSTER_ID) ? validClusterId(string(CLUSTER_ID, "")) : null;
        metadataLogDir = props.containsKey(METADATA_LOG_DIR)
                ? Path.of(string(METADATA_LOG_DIR, "")).toAbsolutePath().normalize()
                : logDirs.get(0);
        numPartitions = atLeast(NUM_PARTITIONS, intValue(NUM_PARTITIONS, 1), 1);
        defaultReplicationFactor =
                (short) atLeast(DEFAULT_REPLICATION_FACTOR, intValue(DEFAULT_REPLICATION_FACTOR, 1), 1);
        autoCreateTopics = boolValue(AUTO_CREATE_TOPICS_ENABLE, true);
        socketRequestMaxBytes =
                atLeast(SOCKET_REQUEST_MAX_BYTES, intValue(SOCKET_REQUEST_MAX_BYTES, 100 * 1024 * 1024), 1);
        connectionsMaxIdleMs = atLeast(CONNECTIONS_MAX_IDLE_MS, longValue(CONNECTIONS_MAX_IDLE_MS, 600_000L), 1L);
        numNetworkThreads = atLeast(NUM_NETWORK_THREADS, intValue(NUM_NETWORK_THREADS, 3), 1);
        numIoThreads = atLeast(NUM_IO_THREADS, intValue(NUM_IO_THREADS, 8), 1);
        numRecoveryThreadsPerDataDir =
                atLeast(NUM_RECOVERY_THREADS_PER_DATA_DIR, intValue(NUM_RECOVERY_THREADS_PER_DATA_DIR, 2), 1);
        fetchSessionCacheSlots = atLeast(
                MAX_INCREMENTAL_FETCH_SESSION_CACHE_SLOTS,
                intValue(MAX_INCREMENTAL_FETCH_SESSION_CACHE_SLOTS, 1000),
                0);
        logRetentionCheckIntervalMs =
                atLeast(LOG_RETENTION_CHECK_INTERVAL_MS, longValue(LOG_RETENTION_CHECK_INTERVAL_MS, 300_000L), 1L);
        logCleanerBackoffMs = atLeast(LOG_CLEANER_BACKOFF_MS, longValue(LOG_CLEANER_BACKOFF_MS, 15_000L), 0L);
        logCleanerThreads = atLeast(LOG_CLEANER_THREADS, intValue(LOG_CLEANER_THREADS, 1), 0);
        logCleanerIoMaxBytesPerSecond = doubleValue(LOG_CLEANER_IO_MAX_BYTES_PER_SECOND, Double.MAX_VALUE);
        if (!(logCleanerIoMaxBytesPerSecond > 0)) {
            throw new ConfigException(
                    LOG_CLEANER_IO_MAX_BYTES_PER_SECOND, logCleanerIoMaxBytesPerSecond, "must be positive");
        }
        logFlushSchedulerIntervalMs = atLeast(
                LOG_FLUSH_SCHEDULER_INTERVAL_MS, longValue(LOG_FLUSH_SCHEDULER_INTERVAL_MS, Long.MAX_VALUE), 1L);
        logFlushOffsetCheckpointIntervalMs = atLeast(
                LOG_FLUSH_OFFSET_CHECKPOINT_INTERVAL_MS,
                longValue(LOG_FLUSH_OFFSET_CHECKPOINT_INTERVAL_MS, 60_000L),
                1L);
        logCleanerDedupeBufferSize = atLeast(
                LOG_CLEANER_DEDUPE_BUFFER_SIZE, longValue(LOG_CLEANER_DEDUPE_BUFFER_SIZE, 128L * 1024 * 1024), 0L);
        logCleanerIoBufferLoadFactor = doubleValue(LOG_CLEANER_IO_BUFFER_LOAD_FACTOR, 0.9);
        if (!(logCleanerIoBufferLoadFactor > 0 && logCleanerIoBufferLoadFactor <= 1)) {
            throw new ConfigException(
                    LOG_CLEANER_IO_BUFFER_LOAD_FACTOR, logCleanerIoBufferLoadFactor, "must be above 0 and at most 1");
        }
    }

    public static BrokerConfig defaults() {
        return new BrokerConfig(Map.of());
    }

    /** A copy with {@code overrides} applied on top. */
    public BrokerConfig with(final Map<String, String> overrides) {
        final Map<String, String> merged = new HashMap<>(props);
        merged.putAll(overrides);
        return new BrokerConfig(merged);
    }

    public Map<String, String> originals() {
        return props;
    }

    public int nodeId() {
        return nodeId;
    }

    /** The listener clients use; null on a controller-only node. */
    public Endpoint listener() {
        return listeners.broker();
    }

    /** What clients are told of {@link #listener()}; null on a controller-only node. */
    public Endpoint advertisedListener() {
        return listeners.advertisedBroker();
    }

    /** Every listener setting and the quorum's voters. */
    public Listeners listeners() {
        return listeners;
    }

    public List<Path> logDirs() {
        return logDirs;
    }

    /**
     * {@code process.roles}; empty when not set, which makes a single node that is broker and controller with a
     * quorum of one and formats its directories itself on first start.
     */
    public Set<ProcessRole> processRoles() {
        return processRoles;
    }

    /** True for the quick-start node: no {@code process.roles}, so it formats its own directories. */
    public boolean formatsItself() {
        return processRoles.isEmpty();
    }

    /** {@code cluster.id}: the id to format with (and to insist on), when set. */
    public Optional<String> clusterId() {
        return Optional.ofNullable(clusterId);
    }

    /** {@code metadata.log.dir}: where the metadata log lives; the first log directory by default, as in Kafka. */
    public Path metadataLogDir() {
        return metadataLogDir;
    }

    /** {@code broker.heartbeat.interval.ms}: how often a broker of a cluster heartbeats to the controller. */
    public long brokerHeartbeatIntervalMs() {
        return brokerHeartbeatIntervalMs;
    }

    /** {@code broker.session.timeout.ms}: a broker without a heartbeat for this long is fenced. */
    public long brokerSessionTimeoutMs() {
        return brokerSessionTimeoutMs;
    }

    /** {@code initial.broker.registration.timeout.ms}: how long a starting broker may take to register and be unfenced. */
    public long initialBrokerRegistrationTimeoutMs() {
        return initialBrokerRegistrationTimeoutMs;
    }

    /** {@code controlled.shutdown.enable}: a broker of a cluster moves its leaderships away before it stops. */
    public boolean controlledShutdownEnable() {
        return controlledShutdownEnable;
    }

    /** Every directory this node formats and checks: the log directories and the metadata log directory. */
    public List<Path> allDirs() {
        final List<Path> all = new ArrayList<>(logDirs);
        if (!all.contains(metadataLogDir)) {
            all.add(metadataLogDir);
        }
        return List.copyOf(all);
    }

    public int numPartitions() {
        return numPartitions;
    }

    public short defaultReplicationFactor() {
        return defaultReplicationFactor;
    }

    public boolean autoCreateTopics() {
        return autoCreateTopics;
    }

    public int socketRequestMaxBytes() {
        return socketRequestMaxBytes;
    }

    public long connectionsMaxIdleMs() {
        return connectionsMaxIdleMs;
    }

    public int numNetworkThreads() {
        return numNetworkThreads;
    }

    /** {@code num.io.threads}: the request handler threads that serve requests off the event loops. */
    public int numIoThreads() {
        return numIoThreads;
    }

    /** {@code log.cleaner.io.max.bytes.per.second}: the cleaner's disk IO at most (default: no limit). */
    public double logCleanerIoMaxBytesPerSecond() {
        return logCleanerIoMaxBytesPerSecond;
    }

    /** {@code log.cleaner.threads}: how many compacted logs are cleaned at once (0: none). */
    public int logCleanerThreads() {
        return logCleanerThreads;
    }

    /** {@code num.recovery.threads.per.data.dir}: how many logs of one directory are opened at once at start. */
    public int numRecoveryThreadsPerDataDir() {
        return numRecoveryThreadsPerDataDir;
    }

    public int fetchSessionCacheSlots() {
        return fetchSessionCacheSlots;
    }

    /** {@code log.cleaner.backoff.ms}: how often the cleaner looks for compacted logs to clean. */
    public long logCleanerBackoffMs() {
        return Math.max(1, logCleanerBackoffMs);
    }

    /**
     * {@code log.flush.scheduler.interval.ms}: how often logs are flushed whose last flush is older than their
     * {@code flush.ms}; Kafka's default, {@link Long#MAX_VALUE}, means never.
     */
    public long logFlushSchedulerIntervalMs() {
        return logFlushSchedulerIntervalMs;
    }

    /** {@code log.flush.offset.checkpoint.interval.ms}: how often the recovery points are written to disk. */
    public long logFlushOffsetCheckpointIntervalMs() {
        return logFlushOffsetCheckpointIntervalMs;
    }

    /** {@code log.cleaner.dedupe.buffer.size}: the memory the cleaner's offset map of one pass may take. */
    public long logCleanerDedupeBufferSize() {
        return logCleanerDedupeBufferSize;
    }

    /** {@code log.cleaner.io.buffer.load.factor}: how full the offset map gets before a pass stops reading. */
    public double logCleanerIoBufferLoadFactor() {
        return logCleanerIoBufferLoadFactor;
    }

    /** How often the logs delete segments that retention no longer keeps. */
    public long logRetentionCheckIntervalMs() {
        return logRetentionCheckIntervalMs;
    }

    public String rack() {
        return props.get(BROKER_RACK);
    }

    private static String validClusterId(final String value) {
        try {
            Uuid.fromString(value);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(
                    CLUSTER_ID,
                    value,
                    "Cluster ID string " + value + " does not appear to be a valid UUID: " + e.getMessage());
        }
        return value;
    }

    private String string(final String key, final String dflt) {
        return props.getOrDefault(key, dflt).trim();
    }

    private int intValue(final String key, final int dflt) {
        final String v = props.get(key);
        try {
            return v == null ? dflt : Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new ConfigException(key, v, "expected an int");
        }
    }

    private long longValue(final String key, final long dflt) {
        final String v = props.get(key);
        try {
            return v == null ? dflt : Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new ConfigException(key, v, "expected a long");
        }
    }

    private double doubleValue(final String key, final double dflt) {
        final String v = props.get(key);
        try {
            return v == null ? dflt : Double.parseDouble(v.trim());
        } catch (NumberFormatException e) {
            throw new ConfigException(key, v, "expected a double");
        }
    }

    private boolean boolValue(final String key, final boolean dflt) {
        final String v = props.get(key);
        if (v == null) {
            return dflt;
        }
        return switch (v.trim().toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new ConfigException(key, v, "expected true or false");
        };
    }

    private static int atLeast(final String key, final int value, final int min) {
        if (value < min) {
            throw new ConfigException(key, value, "must be at least " + min);
        }
        return value;
    }

    private static long atLeast(final String key, final long value, final long min) {
        if (value < min) {
            throw new ConfigException(key, value, "must be at least " + min);
        }
        return value;
    }
}
