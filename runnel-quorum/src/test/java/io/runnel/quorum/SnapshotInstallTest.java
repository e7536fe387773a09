package io.runnel.quorum;

import static io.runnel.quorum.Batches.proposeAll;
import static org.assertj.core.api.Assertions.assertThat;

import io.runnel.testsupport.Await;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The path Ratis' history says to test (CLUSTER.md §4): snapshots every 50 entries, the log purged up to them, and a
 * voter that was away while that happened gets the leader's snapshot installed instead of the entries.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SnapshotInstallTest {
    private static final int BATCHES = 500;

    @TempDir
    Path root;

    private QuorumFixture quorum;
    private final Map<Integer, RecordingListener> listeners = new HashMap<>();

    @AfterEach
    void stopQuorum() {
        if (quorum != null) {
            quorum.close();
        }
    }

    private RecordingListener listen(final int id) {
        final RecordingListener listener = new RecordingListener();
        quorum.log(id).replay(listener);
        listeners.put(id, listener);
        return listener;
    }

    @Test
    void shouldPurgeTheLeadersLogAndInstallItsSnapshotOnAVoterThatWasAway() throws IOException {
        quorum = new QuorumFixture(
                root, 3, settings -> settings.withSnapshotThresholdEntries(50).withLogRetention(4096, 20));
        quorum.startAll();
        quorum.runningIds().forEach(this::listen);
        final int leader = quorum.awaitLeader();
        final int away = quorum.runningIds().stream()
                .filter(id -> id != leader)
                .findFirst()
                .orElseThrow();
        proposeAll(quorum.log(leader), 0, 5);
        Await.until(QuorumFixture.WAIT, () -> listeners.get(away).lastOffset() == Batches.lastOffsetOf(4), "caught up");
        quorum.stop(away);

        Batches.proposePipelined(quorum.log(leader), 5, BATCHES);

        final Path groupDir = groupDir(leader);
        Await.until(
                QuorumFixture.WAIT,
                () -> segments(groupDir).size() <= 4,
                () -> "the leader's log purged: " + segments(groupDir));
        // Ratis deletes snapshots beyond the retained two after it writes a new one, a moment later.
        Await.until(QuorumFixture.WAIT, () -> snapshots(groupDir).size() <= 2, "at most two snapshots kept");
        assertThat(snapshots(groupDir)).isNotEmpty();
        assertThat(segmentBytes(groupDir)).isLessThan(64 * 1024);
        assertThat(quorum.log(leader).snapshotOffset()).isPositive();

        quorum.start(away);
        final RecordingListener returned = listen(away);

        Await.until(
                QuorumFixture.WAIT,
                () -> returned.image().equals(listeners.get(leader).image()),
                () -> "the returned voter holds the leader's state: " + returned.image() + " vs "
                        + listeners.get(leader).image());
        assertThat(returned.snapshotsLoaded()).as("a snapshot was installed").isNotEmpty();
        assertThat(quorum.log(away).lastOffset()).isEqualTo(Batches.lastOffsetOf(BATCHES - 1));

        proposeAll(quorum.log(leader), BATCHES, BATCHES + 5);
        for (final int id : quorum.runningIds()) {
            Await.until(
                    QuorumFixture.WAIT,
                    () -> listeners.get(id).lastOffset() == Batches.lastOffsetOf(BATCHES + 4),
                    () -> "node " + id + " at " + listeners.get(id).lastOffset());
            assertThat(listeners.get(id).image())
                    .isEqualTo(listeners.get(leader).image());
        }
        assertThat(returned.batches())
                .last()
                .isEqualTo(new CommittedBatch(Batches.batch(BATCHES + 4), Batches.lastOffsetOf(BATCHES + 4)));
    }

    private Path groupDir(final int id) throws IOException {
        try (Stream<Path> groups = Files.list(quorum.dir(id))) {
            return groups.filter(Files::isDirectory).findFirst().orElseThrow();
        }
    }

    private static List<Path> segments(final Path groupDir) {
        try (Stream<Path> files = Files.list(groupDir.resolve("current"))) {
            return files.filter(f -> f.getFileName().toString().startsWith("log_"))
                    .sorted()
                    .toList();
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static long segmentBytes(final Path groupDir) throws IOException {
        long bytes = 0;
        for (final Path segment : segments(groupDir)) {
            bytes += Files.size(segment);
        }
        return bytes;
    }

    private static List<Path> snapshots(final Path groupDir) throws IOException {
        try (Stream<Path> files = Files.list(groupDir.resolve("sm"))) {
            return files.filter(f -> f.getFileName().toString().matches("snapshot\\.\\d+_\\d+"))
                    .toList();
        }
    }
}
