package io.runnel.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One of Apache Kafka's own command-line tools (kafka-tools is on this module's test class path), run as a separate
 * process against a broker, as a user would run {@code kafka-consumer-groups.sh} and its siblings.
 */
public final class KafkaTool {
    private KafkaTool() {}

    /**
     * Runs {@code org.apache.kafka.tools.<tool>} with {@code --bootstrap-server bootstrap} and {@code args}; fails
     * the test, showing the output, unless it exits 0 within a minute.
     *
     * @return what the tool printed, line by line
     */
    public static List<String> run(final String tool, final String bootstrap, final String... args)
            throws IOException, InterruptedException {
        final List<String> all = new ArrayList<>(List.of("--bootstrap-server", bootstrap));
        all.addAll(List.of(args));
        return runWithArgs(tool, all);
    }

    /**
     * Runs {@code org.apache.kafka.tools.<tool>} with exactly {@code args}, for a tool whose connection options
     * follow a subcommand ({@code kafka-cluster cluster-id --bootstrap-server ...}) or that bootstraps from the
     * controllers ({@code --bootstrap-controller}); fails the test as {@link #run} does.
     *
     * @return what the tool printed, line by line
     */
    public static List<String> runWithArgs(final String tool, final List<String> args)
            throws IOException, InterruptedException {
        final List<String> command = new ArrayList<>(List.of(
                ProcessHandle.current().info().command().orElse("java"),
                "-cp",
                System.getProperty("java.class.path"),
                "org.apache.kafka.tools." + tool));
        command.addAll(args);
        final Process process =
                new ProcessBuilder(command).redirectErrorStream(true).start();
        final String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue())
                .as("%s %s:%n%s", tool, String.join(" ", args), output)
                .isZero();
        return output.lines().toList();
    }
}
