package io.runnel.it.process;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs kcat (librdkafka's command-line client) and hands back what it printed. kcat is required, not optional:
 * {@link #find()} fails the test when it is missing, so a CI image without it cannot pass by skipping.
 */
public final class Kcat {
    private static final long TIMEOUT_SECONDS = 30;

    private final Path executable;
    private final String bootstrap;
    private final Path workDir;

    private Kcat(final Path executable, final String bootstrap, final Path workDir) {
        this.executable = executable;
        this.bootstrap = bootstrap;
        this.workDir = workDir;
    }

    /** kcat from the PATH, talking to {@code bootstrap}; its stdout and stderr are kept in {@code workDir}. */
    public static Kcat find(final String bootstrap, final Path workDir) {
        for (final String entry : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            final Path candidate = Path.of(entry.isEmpty() ? "." : entry, "kcat");
            if (Files.isExecutable(candidate)) {
                return new Kcat(candidate, bootstrap, workDir);
            }
        }
        throw new AssertionError("kcat is not on the PATH (" + System.getenv("PATH") + "); these tests need it:"
                + " apt-get install kcat (.ci/run installs it)");
    }

    /** What one run printed; it exited 0 (anything else fails the test with both streams). */
    public record Result(String stdout, String stderr) {
        public List<String> lines() {
            return stdout.isEmpty() ? List.of() : Arrays.asList(stdout.split("\n"));
        }
    }

    /** Starts {@code kcat -b <bootstrap> args...} in the background, its stdout going to {@code out}. */
    public Process start(final Path out, final String... args) throws IOException {
        final List<String> command = new ArrayList<>(List.of(executable.toString(), "-b", bootstrap));
        command.addAll(List.of(args));
        return new ProcessBuilder(command)
                .redirectOutput(out.toFile())
                .redirectError(workDir.resolve("kcat-background-err.txt").toFile())
                .start();
    }

    /** Runs {@code kcat -b <bootstrap> args...} with {@code stdin} as its input. */
    public Result run(final String stdin, final String... args) throws IOException, InterruptedException {
        final List<String> command = new ArrayList<>();
        command.add(executable.toString());
        command.add("-b");
        command.add(bootstrap);
        command.addAll(List.of(args));
        final Path in = Files.createTempFile(workDir, "kcat-in", ".txt");
        final Path out = Files.createTempFile(workDir, "kcat-out", ".txt");
        final Path err = Files.createTempFile(workDir, "kcat-err", ".txt");
        Files.writeString(in, stdin, StandardCharsets.UTF_8);
        final Process process = new ProcessBuilder(command)
                .redirectInput(in.toFile())
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .start();
        if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not finish in " + TIMEOUT_SECONDS
                    + " s; stderr:\n" + Files.readString(err, StandardCharsets.UTF_8));
        }
        final Result result = new Result(
                Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
        if (process.exitValue() != 0) {
            throw new AssertionError(String.join(" ", command) + " exited with " + process.exitValue() + "; stdout:\n"
                    + result.stdout() + "\nstderr:\n" + result.stderr());
        }
        return result;
    }
}
