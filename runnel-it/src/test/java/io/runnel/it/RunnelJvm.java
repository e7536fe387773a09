package io.runnel.it;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Command lines that run Runnel's main class in a JVM of its own, on the tests' JDK and classpath. */
public final class RunnelJvm {
    private RunnelJvm() {}

    /** {@code java <jvmOptions> -cp <tests' classpath> io.runnel.server.RunnelServer <args>}. */
    public static List<String> command(final List<String> jvmOptions, final List<String> args) {
        final List<String> command = new ArrayList<>();
        command.add(javaExecutable());
        command.addAll(jvmFlags());
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add("io.runnel.server.RunnelServer");
        command.addAll(args);
        return command;
    }

    /** The running JVM's java, so the child runs on the same JDK as the tests. */
    public static String javaExecutable() {
        return ProcessHandle.current()
                .info()
                .command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    /** Lets Netty and the compression codecs use restricted JDK methods without warnings (as bin/runnel does). */
    public static List<String> jvmFlags() {
        final List<String> flags = new ArrayList<>();
        flags.add("--enable-native-access=ALL-UNNAMED");
        if (Runtime.version().feature() >= 24) {
            flags.add("--sun-misc-unsafe-memory-access=allow");
        }
        return flags;
    }

    /** The module's {@code target} directory: the parent of {@code target/test-classes}. */
    public static Path targetDir() {
        try {
            return Path.of(RunnelJvm.class
                            .getProtectionDomain()
                            .getCodeSource()
                            .getLocation()
                            .toURI())
                    .getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
