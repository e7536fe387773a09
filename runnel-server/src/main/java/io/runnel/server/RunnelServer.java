package io.runnel.server;

import io.runnel.broker.Broker;
import io.runnel.broker.config.BrokerConfig;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.common.Uuid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code runnel server [--config FILE] [--override name=value ...]}: runs one broker until SIGTERM or SIGINT,
 * then shuts it down cleanly (the log directories get their clean-shutdown marker, so the next start skips
 * recovery). {@code runnel format} formats a node's directories ({@link FormatCommand}); {@code runnel random-uuid}
 * prints a new cluster id, as {@code kafka-storage random-uuid} does.
 */
public final class RunnelServer {
    private static final Logger LOG = LoggerFactory.getLogger(RunnelServer.class);
    private static final String USAGE = String.join(
            System.lineSeparator(),
            "usage: runnel server [--config FILE] [--override name=value ...]",
            "       runnel format --cluster-id ID --config FILE [--ignore-formatted]",
            "       runnel random-uuid");

    private RunnelServer() {}

    public static void main(final String[] args) {
        final List<String> argv = Arrays.asList(args);
        final String command = argv.isEmpty() ? "" : argv.get(0);
        switch (command) {
            case "server" -> {}
            case "format" -> {
                System.exit(FormatCommand.run(argv.subList(1, argv.size()), System.getenv(), System.out, System.err));
                return;
            }
            case "random-uuid" -> {
                System.out.println(Uuid.randomUuid());
                return;
            }
            default -> {
                System.err.println(USAGE);
                System.exit(2);
                return;
            }
        }
        final Broker broker;
        try {
            final ServerOptions options = ServerOptions.parse(argv.subList(1, argv.size()), System.getenv());
            broker = Broker.start(new BrokerConfig(options.properties()));
        } catch (Exception e) {
            LOG.error("Runnel failed to start: {}", e.getMessage(), e);
            System.exit(1);
            return;
        }
        final CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            LOG.info("Shutting down");
                            broker.close();
                            stopped.countDown();
                        },
                        "runnel-shutdown"));
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
