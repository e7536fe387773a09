package io.runnel.quorum;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.config.ConfigException;

/**
 * What a node needs to join the metadata quorum, in Kafka's terms; {@link RatisProperties} turns it into Ratis
 * properties. Build one with {@link #of} (or {@link #fromConfigs}) and adjust it with the {@code with*} methods.
 *
 * @param nodeId this node's {@code node.id}; its Ratis peer id is the id as a string
 * @param clusterId the cluster id from format (a Kafka base64 {@link Uuid}); the Ratis group id is its 16 bytes
 * @param voters {@value QuorumPeers#VOTERS_CONFIG}
 * @param metadataLogDir {@code metadata.log.dir}: Ratis' storage dir, holding the group's log and snapshots
 * @param snapshotThresholdEntries a snapshot is taken every this many Raft log entries
 * @param electionTimeoutMinMs {@code controller.quorum.election.timeout.ms}: Ratis' rpc timeout min
 * @param electionTimeoutMaxMs Ratis' rpc timeout max (twice the min by default, as Ratis' own defaults are)
 * @param proposalTimeoutMs how long a proposal may wait to commit before it fails with a timeout
 * @param startupTimeoutMs how long {@code open} waits for the local log to be applied (and a one-voter quorum for
 *     its leader)
 * @param purgeGapEntries Ratis purges the log only once this many entries can go
 * @param segmentSizeBytes the size at which Ratis rolls a log segment (only closed segments are purged)
 */
public record QuorumSettings(
        int nodeId,
        String clusterId,
        QuorumPeers voters,
        Path metadataLogDir,
        long snapshotThresholdEntries,
        int electionTimeoutMinMs,
        int electionTimeoutMaxMs,
        int proposalTimeoutMs,
        int startupTimeoutMs,
        int purgeGapEntries,
        long segmentSizeBytes) {
    public static final String NODE_ID_CONFIG = "node.id";
    public static final String METADATA_LOG_DIR_CONFIG = "metadata.log.dir";
    public static final String LOG_DIRS_CONFIG = "log.dirs";
    public static final String LOG_DIR_CONFIG = "log.dir";
    public static final String ELECTION_TIMEOUT_MS_CONFIG = "controller.quorum.election.timeout.ms";

    public static final long DEFAULT_SNAPSHOT_THRESHOLD_ENTRIES = 10_000;
    /** Kafka's default election timeout; Ratis' own 150/300 ms make spurious elections with three JVMs on two cores. */
    public static final int DEFAULT_ELECTION_TIMEOUT_MS = 1_000;

    public static final int DEFAULT_PROPOSAL_TIMEOUT_MS = 10_000;
    public static final int DEFAULT_STARTUP_TIMEOUT_MS = 30_000;
    /** Ratis' default. */
    public static final int DEFAULT_PURGE_GAP_ENTRIES = 1024;

    public static final long DEFAULT_SEGMENT_SIZE_BYTES = 8L * 1024 * 1024;

    public QuorumSettings {
        Objects.requireNonNull(clusterId, "clusterId");
        Objects.requireNonNull(voters, "voters");
        Objects.requireNonNull(metadataLogDir, "metadataLogDir");
        if (voters.voter(nodeId).isEmpty()) {
            throw new ConfigException("If process.roles contains just the 'controller' role, the node id " + nodeId
                    + " must be included in the set of voters " + QuorumPeers.VOTERS_CONFIG + "=" + voters);
        }
        try {
            Uuid.fromString(clusterId);
        } catch (final IllegalArgumentException e) {
            throw new ConfigException("Cluster id " + clusterId + " is not a base64 Uuid: " + e.getMessage());
        }
        if (snapshotThresholdEntries < 1) {
            throw new IllegalArgumentException(
                    "Snapshot threshold must be at least 1 entry, was " + snapshotThresholdEntries);
        }
        if (electionTimeoutMinMs < 1 || electionTimeoutMaxMs < electionTimeoutMinMs) {
            throw new ConfigException(
                    ELECTION_TIMEOUT_MS_CONFIG,
                    electionTimeoutMinMs,
                    "needs 0 < min <= max, max is " + electionTimeoutMaxMs);
        }
        if (proposalTimeoutMs < 1 || startupTimeoutMs < 1 || purgeGapEntries < 1 || segmentSizeBytes < 1024) {
            throw new IllegalArgumentException(
                    "Timeouts and the purge gap must be positive and segments at least 1 KiB");
        }
    }

    /** The defaults: snapshots every 10000 entries, election timeouts 1000/2000 ms. */
    public static QuorumSettings of(
            final int nodeId, final String clusterId, final QuorumPeers voters, final Path metadataLogDir) {
        return new QuorumSettings(
                nodeId,
                clusterId,
                voters,
                metadataLogDir,
                DEFAULT_SNAPSHOT_THRESHOLD_ENTRIES,
                DEFAULT_ELECTION_TIMEOUT_MS,
                2 * DEFAULT_ELECTION_TIMEOUT_MS,
                DEFAULT_PROPOSAL_TIMEOUT_MS,
                DEFAULT_STARTUP_TIMEOUT_MS,
                DEFAULT_PURGE_GAP_ENTRIES,
                DEFAULT_SEGMENT_SIZE_BYTES);
    }

    /**
     * From a node's configs by Kafka's names: {@value #NODE_ID_CONFIG}, {@value QuorumPeers#VOTERS_CONFIG},
     * {@value #METADATA_LOG_DIR_CONFIG} (else the first of {@value #LOG_DIRS_CONFIG} or {@value #LOG_DIR_CONFIG}, as
     * Kafka falls back) and {@value #ELECTION_TIMEOUT_MS_CONFIG}.
     *
     * @param clusterId from the formatted storage, not a config
     * @throws ConfigException if one is missing or malformed
     */
    public static QuorumSettings fromConfigs(final Map<String, String> configs, final String clusterId) {
        final int nodeId = intConfig(configs, NODE_ID_CONFIG, null);
        final QuorumPeers voters = QuorumPeers.parse(configs.get(QuorumPeers.VOTERS_CONFIG));
        final int electionTimeoutMs = intConfig(configs, ELECTION_TIMEOUT_MS_CONFIG, DEFAULT_ELECTION_TIMEOUT_MS);
        return of(nodeId, clusterId, voters, metadataLogDir(configs))
                .withElectionTimeoutMs(electionTimeoutMs, 2 * electionTimeoutMs);
    }

    private static Path metadataLogDir(final Map<String, String> configs) {
        final String dir = configs.get(METADATA_LOG_DIR_CONFIG);
        if (dir != null && !dir.isBlank()) {
            return Path.of(dir.trim());
        }
        final String logDirs = configs.getOrDefault(LOG_DIRS_CONFIG, configs.get(LOG_DIR_CONFIG));
        if (logDirs == null || logDirs.isBlank()) {
            throw new ConfigException(METADATA_LOG_DIR_CONFIG, null, "no metadata.log.dir, log.dirs or log.dir is set");
        }
        return Path.of(logDirs.split(",")[0].trim());
    }

    private static int intConfig(final Map<String, String> configs, final String name, final Integer defaultValue) {
        final String value = configs.get(name);
        if (value == null || value.isBlank()) {
            if (defaultValue == null) {
                throw new ConfigException(
                        "Missing required configuration \"" + name + "\" which has no default value.");
            }
            return defaultValue;
        }
        try {
            return Integer.parseInt(value.trim());
        } catch (final NumberFormatException e) {
            throw new ConfigException(name, value, "Not a number of type INT");
        }
    }

    public QuorumSettings withSnapshotThresholdEntries(final long entries) {
        return new QuorumSettings(
                nodeId,
                clusterId,
                voters,
                metadataLogDir,
                entries,
                electionTimeoutMinMs,
                electionTimeoutMaxMs,
                proposalTimeoutMs,
                startupTimeoutMs,
                purgeGapEntries,
                segmentSizeBytes);
    }

    public QuorumSettings withElectionTimeoutMs(final int minMs, final int maxMs) {
        return new QuorumSettings(
                nodeId,
                clusterId,
                voters,
                metadataLogDir,
                snapshotThresholdEntries,
                minMs,
                maxMs,
                proposalTimeoutMs,
                startupTimeoutMs,
                purgeGapEntries,
                segmentSizeBytes);
    }

    public QuorumSettings withProposalTimeoutMs(final int ms) {
        return new QuorumSettings(
                nodeId,
                clusterId,
                voters,
                metadataLogDir,
                snapshotThresholdEntries,
                electionTimeoutMinMs,
                electionTimeoutMaxMs,
                ms,
                startupTimeoutMs,
                purgeGapEntries,
                segmentSizeBytes);
    }

    /** Smaller segments and purge gap, so a test's few hundred entries roll and purge segments. */
    public QuorumSettings withLogRetention(final long segmentBytes, final int purgeGap) {
        return new QuorumSettings(
                nodeId,
                clusterId,
                voters,
                metadataLogDir,
                snapshotThresholdEntries,
                electionTimeoutMinMs,
                electionTimeoutMaxMs,
                proposalTimeoutMs,
                startupTimeoutMs,
                purgeGap,
                segmentBytes);
    }

    public QuorumSettings withMetadataLogDir(final Path dir) {
        return new QuorumSettings(
                nodeId,
                clusterId,
                voters,
                dir,
                snapshotThresholdEntries,
                electionTimeoutMinMs,
                electionTimeoutMaxMs,
                proposalTimeoutMs,
                startupTimeoutMs,
                purgeGapEntries,
                segmentSizeBytes);
    }

    /** The voter this node is. */
    public QuorumPeers.Voter self() {
        return voters.voter(nodeId).orElseThrow();
    }
}
