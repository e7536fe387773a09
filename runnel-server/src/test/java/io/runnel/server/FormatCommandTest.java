package io.runnel.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.runnel.storage.meta.MetaProperties;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code runnel format}, as Kafka's {@code kafka-storage format} behaves. */
class FormatCommandTest {
    private static final String CLUSTER = "MkU3OEVBNTcwNTJENDM2Qg";

    @TempDir
    Path dir;

    private Path config;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @BeforeEach
    void writeConfig() throws Exception {
        config = Files.writeString(
                dir.resolve("server.properties"),
                "node.id=2\nprocess.roles=broker,controller\nlisteners=PLAINTEXT://:9092,CONTROLLER://:9093\n"
                        + "controller.listener.names=CONTROLLER\ncontroller.quorum.voters=2@localhost:9093\nlog.dirs="
                        + dir.resolve("d1") + "," + dir.resolve("d2") + "\nmetadata.log.dir=" + dir.resolve("meta")
                        + "\n");
    }

    private int run(final String... args) {
        return FormatCommand.run(
                List.of(args),
                Map.of(),
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void shouldFormatEveryLogDirectoryAndTheMetadataDirectoryOfTheConfiguredNode() throws Exception {
        assertThat(run("--cluster-id", CLUSTER, "--config", config.toString())).isZero();

        for (final String d : List.of("d1", "d2", "meta")) {
            final MetaProperties props = MetaProperties.read(dir.resolve(d)).orElseThrow();
            assertThat(props.clusterId()).isEqualTo(CLUSTER);
            assertThat(props.nodeId()).isEqualTo(2);
        }
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("Formatting " + dir.resolve("meta"));
    }

    @Test
    void shouldFailOnAFormattedDirectoryUnlessIgnoringFormattedOnes() {
        assertThat(run("-t", CLUSTER, "-c", config.toString())).isZero();

        assertThat(run("-t", CLUSTER, "-c", config.toString())).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("is already formatted. Use --ignore-formatted");
        assertThat(run("-t", CLUSTER, "-c", config.toString(), "--ignore-formatted"))
                .isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("All of the log directories are already formatted.");
    }

    @Test
    void shouldRefuseAMissingOrInvalidClusterIdAndAMissingConfig() {
        assertThat(run("--config", config.toString())).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("You must specify the cluster id");

        assertThat(run("--cluster-id", "not-a-uuid", "--config", config.toString()))
                .isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains("Cluster ID string not-a-uuid does not appear to be a valid UUID");

        assertThat(run("--cluster-id", CLUSTER)).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("You must specify the server configuration");
        assertThat(Files.exists(dir.resolve("d1"))).isFalse();
    }
}
