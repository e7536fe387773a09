package io.runnel.broker;

import io.runnel.broker.config.BrokerConfig;
import io.runnel.metadata.log.LocalMetadataLog;
import io.runnel.metadata.log.MetadataLog;
import io.runnel.metadata.record.ClusterIdRecord;
import io.runnel.storage.meta.MetaPropertiesException;
import io.runnel.storage.meta.NodeDirectories;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.common.Uuid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which cluster this node belongs to, from the {@code meta.properties} of its directories, checked before anything
 * else opens them.
 *
 * <p>A node with {@code process.roles} set must have been formatted ({@code bin/runnel format}), as in Kafka, unless
 * its configuration names the cluster ({@code cluster.id}): then it formats its unformatted directories with that id
 * itself, so a cluster starts with one command per node. The quick-start node (no {@code process.roles}) formats
 * itself: on its first start with {@code cluster.id} if set,
 * else with the cluster id of a metadata log an earlier Runnel wrote there without {@code meta.properties} (so its
 * topics, configs and records stay), else with a fresh id; a log directory added later is formatted with the
 * node's cluster id.
 */
final class NodeIdentity {
    private static final Logger LOG = LoggerFactory.getLogger(NodeIdentity.class);

    private NodeIdentity() {}

    /**
     * @return the cluster id, once every directory is formatted for it and for this node
     * @throws io.runnel.storage.meta.MetaPropertiesException naming the directory that disagrees
     * @throws IOException if a directory cannot be read or written
     */
    static String establish(final BrokerConfig config, final Path metadataDir) throws IOException {
        final NodeDirectories dirs = NodeDirectories.load(config.allDirs());
        if (dirs.failed().contains(config.metadataLogDir())) {
            throw new MetaPropertiesException("Encountered I/O error in metadata log directory "
                    + config.metadataLogDir() + ". Cannot continue.");
        }
        // The quick-start node formats itself; so does a node of a cluster whose configuration names the cluster.
        if ((config.formatsItself() || config.clusterId().isPresent())
                && !dirs.unformatted().isEmpty()) {
            final String clusterId;
            if (dirs.noneFormatted()) {
                clusterId = config.clusterId()
                        .or(() -> clusterIdOfLegacyLog(metadataDir))
                        .orElseGet(() -> Uuid.randomUuid().toString());
            } else {
                clusterId = dirs.verifyFormatted(config.nodeId(), config.clusterId());
            }
            final List<Path> formatted = dirs.formatUnformatted(clusterId, config.nodeId());
            LOG.info("Formatted {} for cluster {} as node {}", formatted, clusterId, config.nodeId());
        }
        return dirs.verify(config.nodeId(), config.clusterId());
    }

    /** The cluster id in a metadata log written before Runnel wrote {@code meta.properties}, if there is one. */
    private static Optional<String> clusterIdOfLegacyLog(final Path metadataDir) {
        if (!Files.exists(metadataDir.resolve(LocalMetadataLog.FILE_NAME))) {
            return Optional.empty();
        }
        final AtomicReference<String> clusterId = new AtomicReference<>();
        try (MetadataLog log = LocalMetadataLog.open(metadataDir)) {
            log.replay((batch, lastOffset) -> batch.forEach(record -> {
                if (record instanceof ClusterIdRecord id && clusterId.get() == null) {
                    clusterId.set(id.clusterId());
                }
            }));
        }
        if (clusterId.get() != null) {
            LOG.info("Taking over the metadata log in {} of cluster {}", metadataDir, clusterId.get());
        }
        return Optional.ofNullable(clusterId.get());
    }
}
