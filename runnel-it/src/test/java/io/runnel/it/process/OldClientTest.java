package io.runnel.it.process;

import static org.assertj.core.api.Assertions.assertThat;

import io.runnel.it.RunnelJvm;
import io.runnel.it.TestBroker;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Older kafka-clients (each copied with its runtime dependencies into its own directory under {@code target} by the
 * pom: 3.9.1, the last 3.x, and 4.1.1, the previous release line) run {@link OldClientRoundTrip} in a child JVM
 * against an in-process broker; the child's class path has that client and the test classes only.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class OldClientTest {
    @TempDir
    Path dir;

    @ParameterizedTest(name = "kafka-clients {0}")
    @CsvSource({"3.9.1, old-kafka-clients, classic", "4.1.1, kafka-clients-4.1.1, classic consumer"})
    void shouldRoundTripRecordsAndGroupOffsetsWhenTheClientIsAnOlderRelease(
            final String version, final String directory, final String groupProtocols) throws Exception {
        final Path target = RunnelJvm.targetDir();
        final Path oldClients = target.resolve(directory);
        try (Stream<Path> jars = Files.list(oldClients)) {
            assertThat(jars.map(p -> p.getFileName().toString()).filter(name -> name.startsWith("kafka-clients-")))
                    .as("copied by maven-dependency-plugin into %s", oldClients)
                    .containsExactly("kafka-clients-" + version + ".jar");
        }
        final Path output = target.resolve("process-logs").resolve("kafka-clients-" + version + ".log");
        Files.createDirectories(output.getParent());

        try (TestBroker broker = TestBroker.start(dir, "group.initial.rebalance.delay.ms", "0")) {
            final List<String> command = new ArrayList<>();
            command.add(RunnelJvm.javaExecutable());
            command.addAll(RunnelJvm.jvmFlags());
            command.add("-cp");
            command.add(oldClients.resolve("*") + File.pathSeparator + target.resolve("test-classes"));
            command.add(OldClientRoundTrip.class.getName());
            command.add(broker.bootstrap());
            command.addAll(List.of(groupProtocols.split(" ")));
            final Process child = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(output.toFile())
                    .start();
            final boolean exited = child.waitFor(45, TimeUnit.SECONDS);
            if (!exited) {
                child.destroyForcibly().waitFor();
            }
            final String log = Files.readString(output, StandardCharsets.UTF_8);

            assertThat(exited).as("child finished in time; output:\n%s", log).isTrue();
            assertThat(log)
                    .as("the old client was the one loaded")
                    .contains(OldClientRoundTrip.VERSION_LINE + version + "\n");
            assertThat(child.exitValue()).as("exit code; output:\n%s", log).isZero();
            assertThat(log).contains("ROUND TRIP OK");
            for (final String codec : List.of("none", "gzip", "snappy", "lz4", "zstd")) {
                assertThat(log).contains("old-client-" + codec + ": 100/100 records matched");
            }
            for (final String protocol : groupProtocols.split(" ")) {
                assertThat(log).contains("group-" + protocol + ": read 100, committed 100/100");
            }
        }
    }
}
