package io.runnel.server;

import io.runnel.broker.config.BrokerConfig;
import io.runnel.storage.meta.NodeDirectories;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.Uuid;

/**
 * {@code runnel format --config FILE --cluster-id ID [--ignore-formatted]}: Kafka's {@code kafka-storage format}.
 * Writes {@code meta.properties} into every log directory and the metadata log directory of the node the config
 * describes. The config is read as {@code runnel server} reads it ({@code RUNNEL_*} variables and
 * {@code --override} flags included), so the directories formatted are the ones the server will open.
 */
final class FormatCommand {
    static final String USAGE =
            "usage: runnel format --cluster-id ID --config FILE [--ignore-formatted]" + " [--override name=value ...]";

    private FormatCommand() {}

    /** Runs the command; returns the process exit code. */
    static int run(
            final List<String> args, final Map<String, String> env, final PrintStream out, final PrintStream err) {
        String clusterId = null;
        boolean ignoreFormatted = false;
        boolean configGiven = false;
        final List<String> serverArgs = new ArrayList<>();
        try {
            for (int i = 0; i < args.size(); i++) {
                final String arg = args.get(i);
                switch (arg) {
                    case "--cluster-id", "-t" -> clusterId = value(args, ++i, arg);
                    case "--ignore-formatted", "-g" -> ignoreFormatted = true;
                    // one static voter set is all Runnel's quorum knows; accepted so Kafka's scripts run unchanged
                    case "--standalone", "-s" -> {}
                    case "--config", "-c", "--override", "-o" -> {
                        configGiven |= arg.equals("--config") || arg.equals("-c");
                        serverArgs.add(arg);
                        serverArgs.add(value(args, ++i, arg));
                    }
                    default -> throw new IllegalArgumentException("Unknown option '" + arg + "'");
                }
            }
            if (clusterId == null) {
                throw new IllegalArgumentException("You must specify the cluster id (--cluster-id).");
            }
            if (!configGiven) {
                throw new IllegalArgumentException("You must specify the server configuration (--config).");
            }
            try {
                Uuid.fromString(clusterId);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(
                        "Cluster ID string " + clusterId + " does not appear to be a valid UUID: " + e.getMessage());
            }
            final BrokerConfig config =
                    new BrokerConfig(ServerOptions.parse(serverArgs, env).properties());
            NodeDirectories.load(config.allDirs()).format(clusterId, config.nodeId(), ignoreFormatted, out);
            return 0;
        } catch (IOException | RuntimeException e) {
            err.println("Error: " + e.getMessage());
            if (e instanceof IllegalArgumentException) {
                err.println(USAGE);
            }
            return 1;
        }
    }

    private static String value(final List<String> args, final int i, final String option) {
        if (i >= args.size()) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args.get(i);
    }
}
