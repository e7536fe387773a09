package io.runnel.storage.meta;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.common.Uuid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The directories of one node (its log directories and its metadata directory) and the {@link MetaProperties} each
 * holds: Kafka's {@code MetaPropertiesEnsemble}. A node starts only when every directory is formatted for one cluster
 * and for its configured {@code node.id}; the messages say which directory disagrees, in Kafka's words.
 */
public final class NodeDirectories {
    private static final Logger LOG = LoggerFactory.getLogger(NodeDirectories.class);

    private final List<Path> dirs;
    private final Map<Path, MetaProperties> formatted;
    private final Set<Path> failed;

    private NodeDirectories(final List<Path> dirs, final Map<Path, MetaProperties> formatted, final Set<Path> failed) {
        this.dirs = dirs;
        this.formatted = formatted;
        this.failed = failed;
    }

    /**
     * Reads the {@code meta.properties} of each directory (a directory that does not exist yet is unformatted). A
     * directory whose file cannot be read (a disk error, a path that is not a directory) is failed: it is left out,
     * as Kafka leaves it offline, and the log manager finds it offline too.
     *
     * @throws MetaPropertiesException if a file is malformed
     */
    public static NodeDirectories load(final List<Path> dirs) {
        final List<Path> distinct = new ArrayList<>();
        for (final Path dir : dirs) {
            final Path normal = dir.toAbsolutePath().normalize();
            if (!distinct.contains(normal)) {
                distinct.add(normal);
            }
        }
        final Map<Path, MetaProperties> formatted = new LinkedHashMap<>();
        final Set<Path> failed = new LinkedHashSet<>();
        for (final Path dir : distinct) {
            try {
                MetaProperties.read(dir).ifPresent(props -> formatted.put(dir, props));
            } catch (IOException e) {
                LOG.error(
                        "Cannot read {} in {}; the directory is offline: {}",
                        MetaProperties.FILE_NAME,
                        dir,
                        e.toString());
                failed.add(dir);
            }
        }
        return new NodeDirectories(List.copyOf(distinct), formatted, failed);
    }

    /** The directories whose {@code meta.properties} could not be read: offline. */
    public Set<Path> failed() {
        return Collections.unmodifiableSet(failed);
    }

    public List<Path> dirs() {
        return dirs;
    }

    /** The readable directories that have no {@code meta.properties}, in configuration order. */
    public List<Path> unformatted() {
        return dirs.stream()
                .filter(dir -> !formatted.containsKey(dir) && !failed.contains(dir))
                .toList();
    }

    public boolean noneFormatted() {
        return formatted.isEmpty();
    }

    /** The cluster id the formatted directories name (the first one's; {@link #verify} checks they agree). */
    public Optional<String> clusterId() {
        return formatted.values().stream().map(MetaProperties::clusterId).findFirst();
    }

    public Optional<MetaProperties> properties(final Path dir) {
        return Optional.ofNullable(formatted.get(dir.toAbsolutePath().normalize()));
    }

    /**
     * Checks that every readable directory is formatted, for one cluster ({@code expectedClusterId} when given), for
     * {@code nodeId}, and with distinct directory ids.
     *
     * @return the cluster id
     * @throws MetaPropertiesException naming the directory and what disagrees
     */
    public String verify(final int nodeId, final Optional<String> expectedClusterId) {
        final List<Path> unformatted = unformatted();
        if (!unformatted.isEmpty()) {
            throw new MetaPropertiesException("No `meta.properties` found in " + unformatted.get(0)
                    + " (have you run `bin/runnel format` to format the directory?)");
        }
        return verifyFormatted(nodeId, expectedClusterId);
    }

    /**
     * {@link #verify} of the directories that are formatted, at least one of which must be.
     *
     * @return the cluster id they name
     */
    public String verifyFormatted(final int nodeId, final Optional<String> expectedClusterId) {
        if (formatted.isEmpty()) {
            throw new MetaPropertiesException("No readable meta.properties files found in " + dirs);
        }
        String clusterId = expectedClusterId.orElse(null);
        final Map<Uuid, Path> directoryIds = new HashMap<>();
        for (final Map.Entry<Path, MetaProperties> entry : formatted.entrySet()) {
            final Path file = entry.getKey().resolve(MetaProperties.FILE_NAME);
            final MetaProperties props = entry.getValue();
            if (clusterId == null) {
                clusterId = props.clusterId();
            } else if (!clusterId.equals(props.clusterId())) {
                throw new MetaPropertiesException("Invalid cluster.id in: " + file + ". Expected " + clusterId
                        + ", but read " + props.clusterId());
            }
            if (props.nodeId() != nodeId) {
                throw new MetaPropertiesException("Stored node id " + props.nodeId()
                        + " doesn't match previous node id " + nodeId + " in " + file
                        + ". If you moved your data, make sure your configured node id matches. If you intend to"
                        + " create a new node, you should remove all data in your data directories.");
            }
            final Path previous = directoryIds.putIfAbsent(props.directoryId(), entry.getKey());
            if (previous != null) {
                throw new MetaPropertiesException("Duplicate directory ID " + props.directoryId()
                        + " found. It was the ID of " + previous + ", but also of " + entry.getKey());
            }
        }
        return clusterId;
    }

    /**
     * Writes {@code meta.properties} into the directories that have none, each with a fresh directory id.
     *
     * @return the directories written
     */
    public List<Path> formatUnformatted(final String clusterId, final int nodeId) throws IOException {
        final List<Path> written = new ArrayList<>();
        for (final Path dir : unformatted()) {
            final MetaProperties props = new MetaProperties(clusterId, nodeId, Uuid.randomUuid());
            props.write(dir);
            formatted.put(dir, props);
            written.add(dir);
        }
        return written;
    }

    /**
     * {@code runnel format}: formats every directory, as Kafka's {@code kafka-storage format} does.
     *
     * @param ignoreFormatted skip directories already formatted instead of failing
     * @param out where each formatted directory is reported
     * @throws MetaPropertiesException when a directory is formatted already and {@code ignoreFormatted} is false
     */
    public void format(final String clusterId, final int nodeId, final boolean ignoreFormatted, final PrintStream out)
            throws IOException {
        if (!ignoreFormatted && !formatted.isEmpty()) {
            throw new MetaPropertiesException(
                    "Log directory " + formatted.keySet().iterator().next()
                            + " is already formatted. Use --ignore-formatted to ignore this directory and format the others.");
        }
        for (final Path dir : failed) {
            out.println("I/O error trying to read log directory " + dir + ". Ignoring...");
        }
        if (unformatted().isEmpty()) {
            if (formatted.isEmpty()) {
                throw new MetaPropertiesException("No available log directories to format.");
            }
            out.println("All of the log directories are already formatted.");
            return;
        }
        for (final Path dir : formatUnformatted(clusterId, nodeId)) {
            out.printf("Formatting %s with cluster.id %s and node.id %d.%n", dir, clusterId, nodeId);
        }
    }
}
