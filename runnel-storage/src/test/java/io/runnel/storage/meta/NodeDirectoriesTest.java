package io.runnel.storage.meta;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A node's directories and their meta.properties, checked as Kafka checks them at start and at format. */
class NodeDirectoriesTest {
    private static final String CLUSTER = "MkU3OEVBNTcwNTJENDM2Qg";

    @TempDir
    Path root;

    private List<Path> dirs() {
        return List.of(root.resolve("a"), root.resolve("b"), root.resolve("meta"));
    }

    private String format(final boolean ignoreFormatted) throws IOException {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        NodeDirectories.load(dirs())
                .format(CLUSTER, 3, ignoreFormatted, new PrintStream(out, true, StandardCharsets.UTF_8));
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void shouldWriteKafkasVersionOneFileWithADistinctDirectoryIdInEveryDirectoryWhenFormatting() throws IOException {
        final String printed = format(false);

        assertThat(printed).contains("Formatting " + root.resolve("a") + " with cluster.id " + CLUSTER);
        final NodeDirectories loaded = NodeDirectories.load(dirs());
        assertThat(loaded.unformatted()).isEmpty();
        assertThat(loaded.verify(3, Optional.of(CLUSTER))).isEqualTo(CLUSTER);
        assertThat(Files.readString(root.resolve("a/meta.properties")))
                .contains("version=1", "cluster.id=" + CLUSTER, "node.id=3", "directory.id=");
        assertThat(loaded.properties(root.resolve("a")).orElseThrow().directoryId())
                .isNotEqualTo(loaded.properties(root.resolve("b")).orElseThrow().directoryId());
    }

    @Test
    void shouldRefuseToFormatAFormattedDirectoryUnlessAskedToIgnoreIt() throws IOException {
        new MetaProperties(CLUSTER, 3, Uuid.randomUuid()).write(root.resolve("b"));

        assertThatThrownBy(() -> format(false))
                .isInstanceOf(MetaPropertiesException.class)
                .hasMessage(
                        "Log directory " + root.resolve("b")
                                + " is already formatted. Use --ignore-formatted to ignore this directory and format the others.");
        assertThat(format(true)).contains("Formatting " + root.resolve("a")).doesNotContain(root.resolve("b") + " ");
        assertThat(format(true)).contains("All of the log directories are already formatted.");
    }

    @Test
    void shouldNameTheUnformattedDirectoryAndTheCommandWhenVerifying() throws IOException {
        new MetaProperties(CLUSTER, 3, Uuid.randomUuid()).write(root.resolve("a"));

        assertThatThrownBy(() -> NodeDirectories.load(dirs()).verify(3, Optional.empty()))
                .isInstanceOf(MetaPropertiesException.class)
                .hasMessage("No `meta.properties` found in " + root.resolve("b")
                        + " (have you run `bin/runnel format` to format the directory?)");
    }

    @Test
    void shouldNameTheDirectoryOfAnotherClusterWhenVerifying() throws IOException {
        format(false);
        new MetaProperties("other-cluster", 3, Uuid.randomUuid()).write(root.resolve("b"));

        assertThatThrownBy(() -> NodeDirectories.load(dirs()).verify(3, Optional.empty()))
                .hasMessage("Invalid cluster.id in: " + root.resolve("b/meta.properties") + ". Expected " + CLUSTER
                        + ", but read other-cluster");
        assertThatThrownBy(() -> NodeDirectories.load(dirs()).verify(3, Optional.of("expected")))
                .hasMessageStartingWith("Invalid cluster.id in: " + root.resolve("a/meta.properties")
                        + ". Expected expected, but read " + CLUSTER);
    }

    @Test
    void shouldRefuseDirectoriesOfAnotherNodeIdWhenVerifying() throws IOException {
        format(false);

        assertThatThrownBy(() -> NodeDirectories.load(dirs()).verify(4, Optional.empty()))
                .hasMessageStartingWith(
                        "Stored node id 3 doesn't match previous node id 4 in " + root.resolve("a/meta.properties"));
    }

    @Test
    void shouldRefuseTwoDirectoriesWithOneDirectoryId() throws IOException {
        final MetaProperties props = new MetaProperties(CLUSTER, 3, Uuid.randomUuid());
        for (final Path dir : dirs()) {
            props.write(dir);
        }

        assertThatThrownBy(() -> NodeDirectories.load(dirs()).verify(3, Optional.empty()))
                .hasMessageStartingWith("Duplicate directory ID " + props.directoryId());
    }

    @Test
    void shouldRefuseAFileWithoutAClusterIdOrOfAnotherVersion() throws IOException {
        Files.createDirectories(root.resolve("a"));
        Files.writeString(root.resolve("a/meta.properties"), "version=1\nnode.id=3\n");
        assertThatThrownBy(() -> NodeDirectories.load(dirs()))
                .isInstanceOf(MetaPropertiesException.class)
                .hasMessage("cluster.id was not specified in the v1 file: " + root.resolve("a/meta.properties"));

        Files.writeString(root.resolve("a/meta.properties"), "broker.id=3\ncluster.id=" + CLUSTER + "\n");
        assertThatThrownBy(() -> NodeDirectories.load(dirs())).hasMessageStartingWith("Found unexpected version 0");
    }

    @Test
    void shouldLeaveOutADirectoryThatCannotBeReadAndFormatTheOthers() throws IOException {
        Files.writeString(root.resolve("b"), "a file where a directory should be");

        final String printed = format(false);

        assertThat(printed).contains("I/O error trying to read log directory " + root.resolve("b") + ". Ignoring...");
        final NodeDirectories loaded = NodeDirectories.load(dirs());
        assertThat(loaded.failed()).containsExactly(root.resolve("b"));
        assertThat(loaded.verify(3, Optional.empty())).isEqualTo(CLUSTER);
    }

    @Test
    void shouldGiveADirectoryIdToAFileWrittenWithoutOne() throws IOException {
        Files.createDirectories(root.resolve("a"));
        Files.writeString(root.resolve("a/meta.properties"), "version=1\nnode.id=3\ncluster.id=" + CLUSTER + "\n");

        assertThat(MetaProperties.read(root.resolve("a")).orElseThrow().directoryId())
                .isNotNull();
    }
}
