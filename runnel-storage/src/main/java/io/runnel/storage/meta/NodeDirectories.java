package io.runnel.storage.meta;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.Uuid;

/**
 * The directories of one node (its log directories and its metadata directory) and the {@link MetaProperties} each
 * holds: Kafka's {@code MetaPropertiesEnsemble}. A node starts only when every directory is formatted for one cluster
 * and for its configured {@code node.id}; the messages say which directory disagrees, in Kafka's words.
 */
public final class NodeDirectories {
    private final List<Path> dirs;
    private final Map<Path, MetaProperties> formatted;

    private NodeDirectories(final List<Path> dirs, final Map<Path, MetaProperties> formatted) {
        this.dirs = dirs;
        this.formatted = formatted;
    }

    /**
     * Reads the {@code meta.properties} of each directory (a directory that does not exist yet is unformatted).
     *
     * @throws IOException if a file cannot be read or is malformed
     */
    public static NodeDirectories load(final List<Path> dirs) throws IOException {
        final List<Path> distinct = new ArrayList<>();
        for (final Path dir : dirs) {
            final Path normal = dir.toAbsolutePath().normalize();
            if (!distinct.contains(normal)) {
                distinct.add(normal);
            }
        }
        final Map<Path, MetaProperties> formatted = new LinkedHashMap<>();
        for (final Path dir : distinct) {
            final Optional<MetaProperties> props = MetaProperties.read(dir);
            if (props.isPresent()) {
                formatted.put(dir, props.get());
            }
        }
        return new NodeDirectories(List.copyOf(distinct), formatted);
    }

    public List<Path> dirs() {
        return dirs;
    }

    /** The directories that have no {@code meta.properties}, in configuration order. */
    public List<Path> unformatted() {
        return dirs.stream().filter(dir -> !formatted.containsKey(dir)).toList();
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
     * Checks that every directory is formatted, for one cluster ({@code expectedClusterId} when given), for
     * {@code nodeId}, and with distinct directory ids.
     *
     * @return the cluster id
     * @throws MetaPropertiesException naming the directory and what disagrees
     */
    public String verify(final int nodeId, final Optional<String> expectedClusterId) {
        for (final Path dir : dirs) {
            if (!formatted.containsKey(dir)) {
                throw new MetaPropertiesException("No `meta.properties` found in " + dir
                        + " (have you run `bin/runnel format` to format the directory?)");
            }
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
        if (unformatted().isEmpty()) {
            out.println("All of the log directories are already formatted.");
            return;
        }
        for (final Path dir : formatUnformatted(clusterId, nodeId)) {
            out.printf("Formatting %s with cluster.id %s and node.id %d.%n", dir, clusterId, nodeId);
        }
    }
}
