package io.runnel.storage.meta;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.common.Uuid;

/**
 * Kafka's {@code meta.properties}, version 1: the cluster and the node a directory belongs to, and the directory's own
 * id. Written by {@code runnel format} (Kafka's {@code kafka-storage format}) into every log directory and the metadata
 * directory; read at every start, which refuses a directory of another cluster or node.
 *
 * @param clusterId the cluster id, a Kafka {@link Uuid} in its base64 form
 * @param nodeId {@code node.id}
 * @param directoryId this directory's id (Kafka's {@code directory.id}, KIP-858)
 */
public record MetaProperties(String clusterId, int nodeId, Uuid directoryId) {
    public static final String FILE_NAME = "meta.properties";
    static final String VERSION = "version";
    static final String CLUSTER_ID = "cluster.id";
    static final String NODE_ID = "node.id";
    static final String DIRECTORY_ID = "directory.id";

    public MetaProperties {
        Objects.requireNonNull(clusterId, "clusterId");
        Objects.requireNonNull(directoryId, "directoryId");
        if (nodeId < 0) {
            throw new IllegalArgumentException("node.id must be non-negative, was " + nodeId);
        }
    }

    /**
     * Reads {@code dir/meta.properties}.
     *
     * @return empty when the file does not exist
     * @throws IOException if it cannot be read
     * @throws MetaPropertiesException if it says something Runnel cannot use (the file and the field in the message)
     */
    public static Optional<MetaProperties> read(final Path dir) throws IOException {
        final Path file = dir.resolve(FILE_NAME);
        final Properties props = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            props.load(reader);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        final String version = props.getProperty(VERSION, "0").trim();
        if (!version.equals("1")) {
            throw new MetaPropertiesException("Found unexpected version " + version + " in " + file
                    + ". Runnel reads only version 1, which KRaft writes.");
        }
        final String clusterId = props.getProperty(CLUSTER_ID);
        if (clusterId == null || clusterId.isBlank()) {
            throw new MetaPropertiesException("cluster.id was not specified in the v1 file: " + file);
        }
        final String nodeId = props.getProperty(NODE_ID);
        if (nodeId == null || nodeId.isBlank()) {
            throw new MetaPropertiesException("node.id was not specified in " + file);
        }
        final int node;
        try {
            node = Integer.parseInt(nodeId.trim());
        } catch (NumberFormatException e) {
            throw new MetaPropertiesException("node.id '" + nodeId + "' in " + file + " is not a number");
        }
        final String directoryId = props.getProperty(DIRECTORY_ID);
        Uuid dirId;
        try {
            // Files written before directory ids existed get one now, as Kafka gives them on start.
            dirId = directoryId == null ? Uuid.randomUuid() : Uuid.fromString(directoryId.trim());
        } catch (IllegalArgumentException e) {
            throw new MetaPropertiesException("directory.id '" + directoryId + "' in " + file + " is not a valid id");
        }
        return Optional.of(new MetaProperties(clusterId.trim(), node, dirId));
    }

    /** Writes {@code dir/meta.properties} whole or not at all: a temp file, fsync, atomic rename, fsync of the dir. */
    public void write(final Path dir) throws IOException {
        Files.createDirectories(dir);
        final Properties props = new Properties();
        props.setProperty(VERSION, "1");
        props.setProperty(CLUSTER_ID, clusterId);
        props.setProperty(NODE_ID, Integer.toString(nodeId));
        props.setProperty(DIRECTORY_ID, directoryId.toString());
        final Path file = dir.resolve(FILE_NAME);
        final Path temp = dir.resolve(FILE_NAME + ".tmp");
        try (Writer writer = Files.newBufferedWriter(temp, StandardCharsets.UTF_8)) {
            props.store(writer, "");
        }
        try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
            channel.force(true);
        }
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            // not every platform can open a directory; the rename itself is still atomic
        }
    }

    /** This directory's properties for another directory: the same cluster and node, a fresh directory id. */
    public MetaProperties forAnotherDirectory() {
        return new MetaProperties(clusterId, nodeId, Uuid.randomUuid());
    }
}
