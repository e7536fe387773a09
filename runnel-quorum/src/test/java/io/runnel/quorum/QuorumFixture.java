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

    /** Starts every node, each in its own thread, since a multi-voter node waits for nothing but itself. */
    void startAll() {
        for (final QuorumPeers.Voter voter : voters.voters()) {
            start(voter.id());
        }
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

    @Override
    public void close() {
        for (final int id : List.copyOf(running.keySet())) {
            stop(id);
        }
    }
}
