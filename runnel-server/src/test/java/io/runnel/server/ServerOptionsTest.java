package io.runnel.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The broker's properties from the config file, RUNNEL_* environment variables and --override flags. */
class ServerOptionsTest {
    @TempDir
    Path dir;

    @Test
    void shouldLetOverridesBeatTheEnvironmentAndTheEnvironmentBeatTheConfigFile() throws Exception {
        final Path config = Files.writeString(
                dir.resolve("server.properties"), "node.id = 7\nnum.partitions=3\nlog.dirs=/from/file\n");
        final ServerOptions options = ServerOptions.parse(
                List.of("--config", config.toString(), "--override", "log.dirs=/from/flag"),
                Map.of("RUNNEL_NUM_PARTITIONS", "5", "RUNNEL_LOG_DIRS", "/from/env"));

        assertThat(options.properties())
                .containsExactlyInAnyOrderEntriesOf(
                        Map.of("node.id", "7", "num.partitions", "5", "log.dirs", "/from/flag"));
    }

    @Test
    void shouldReadOnlyRunnelPrefixedVariablesAsLowerCaseDottedNamesWhenTakingTheEnvironment() throws Exception {
        final ServerOptions options = ServerOptions.parse(
                List.of(), Map.of("RUNNEL_LOG_RETENTION_MS", "1000", "RUNNEL_", "ignored", "PATH", "/bin"));

        assertThat(options.properties()).containsExactly(Map.entry("log.retention.ms", "1000"));
    }

    @Test
    void shouldTrimAnOverridesNameAndValueAndKeepEqualsSignsInTheValue() throws Exception {
        final ServerOptions options = ServerOptions.parse(
                List.of("-o", " listeners = PLAINTEXT://:9092 ", "-o", "sasl.jaas.config=a=b"), Map.of());

        assertThat(options.properties())
                .containsEntry("listeners", "PLAINTEXT://:9092")
                .containsEntry("sasl.jaas.config", "a=b");
    }

    @Test
    void shouldRefuseAnOverrideWithoutANameOrAnEqualsSign() {
        for (final String pair : List.of("=value", "novalue")) {
            assertThatThrownBy(() -> ServerOptions.parse(List.of("--override", pair), Map.of()))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("--override expects name=value");
        }
    }

    @Test
    void shouldRefuseAnUnknownOptionAndAnOptionWithoutItsValue() {
        assertThatThrownBy(() -> ServerOptions.parse(List.of("--verbose"), Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Unknown option '--verbose'");
        assertThatThrownBy(() -> ServerOptions.parse(List.of("--config"), Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--config needs a value");
    }
}
