package io.runnel.quorum;

import io.runnel.testsupport.Await;
import io.runnel.testsupport.Ports;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.apache.kafka.common.Uuid;

/**
 * A quorum of voters in this JVM, each with its own directory under {@code root} and a free loopback port kept
 * across its restarts. Nodes are started and stopped one by one; {@link #close()} stops what is left.
 */
final class QuorumFixture implements AutoCloseable {
    static final Duration WAIT = Duration.ofSeconds(15);

    private final Path root;
    private final String clusterId = Uuid.randomUuid().toString();
    private final QuorumPeers voters;
    private final UnaryOperator<QuorumSettings> tuning;
    private final Map<Integer, RatisMetadataLog> running = new HashMap<>();

    /** @param tuning adjusts every node's settings (snapshot threshold, segment size, ...) */
    QuorumFixture(final Path root, final int size, final UnaryOperator<QuorumSettings> tuning) {
        this.root = root;
        this.tuning = tuning;
        final List<String> entries = new ArrayList<>();
        for (int id = 1; id <= size; id++) {
            entries.add(id + "@127.0.0.1:" + Ports.free());
        }
        this.voters = QuorumPeers.parse(String.join(",", entries));
    }

    QuorumFixture(final Path root, final int size) {
        this(root, size, UnaryOperator.identity());
    }

    QuorumSettings settings(final int id) {
        return tuning.apply(QuorumSettings.of(id, clusterId, voters, root.resolve("node-" + id)));
    }

    Path dir(final int id) {
        return settings(id).metadataLogDir().resolve(RatisMetadataLog.DIR_NAME);
    }

    QuorumPeers voters() {
        return voters;
    }

    RatisMetadataLog start(final int id) {
        if (running.containsKey(id)) {
            throw new IllegalStateException("Node " + id + " runs already");
        }
        final RatisMetadataLog log = RatisMetadataLog.open(settings(id));
        running.put(id, log);
        return log;
    }

    /**
     * Starts every node at once, each on its own thread (a voter of several waits only for its own log), so their
     * first elections overlap as they do when a cluster boots.
     */
    void startAll() {
        final Map<Integer, java.util.concurrent.CompletableFuture<RatisMetadataLog>> starting = new HashMap<>();
        for (final QuorumPeers.Voter voter : voters.voters()) {
            final java.util.concurrent.CompletableFuture<RatisMetadataLog> future =
                    new java.util.concurrent.CompletableFuture<>();
            Thread.ofPlatform().name("test-start-" + voter.id()).start(() -> {
                try {
                    future.complete(RatisMetadataLog.open(settings(voter.id())));
                } catch (final RuntimeException e) {
                    future.completeExceptionally(e);
                }
            });
            starting.put(voter.id(), future);
        }
        starting.forEach((id, future) -> running.put(id, future.join()));
    }

    void stop(final int id) {
        final RatisMetadataLog log = running.remove(id);
        if (log != null) {
            log.close();
        }
    }

    RatisMetadataLog log(final int id) {
        final RatisMetadataLog log = running.get(id);
        if (log == null) {
            throw new IllegalStateException("Node " + id + " is not running");
        }
        return log;
    }

    List<Integer> runningIds() {
        return List.copyOf(running.keySet());
    }

    /** Waits until exactly one running node is the ready leader, and returns its id. */
    int awaitLeader() {
        final int[] leader = {-1};
        Await.until(
                WAIT,
                () -> {
                    final List<Integer> leaders = running.entrySet().stream()
                            .filter(e -> e.getValue().isLeader())
                            .map(Map.Entry::getKey)
                            .toList();
                    if (leaders.size() == 1) {
                        leader[0] = leaders.get(0);
                        return true;
                    }
                    return false;
                },
                () -> "one ready leader among " + running.keySet());
        return leader[0];
    }

    /** Stops every running node at once: each Ratis server takes up to a second to close. */
    @Override
    public void close() {
        stopAll(runningIds());
    }

    /** Stops these nodes at once. */
    void stopAll(final List<Integer> ids) {
        final List<Thread> closers = new ArrayList<>();
        for (final int id : ids) {
            final RatisMetadataLog log = running.remove(id);
            if (log != null) {
                closers.add(Thread.ofPlatform().name("test-close-" + id).start(log::close));
            }
        }
        for (final Thread closer : closers) {
            try {
                closer.join();
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
