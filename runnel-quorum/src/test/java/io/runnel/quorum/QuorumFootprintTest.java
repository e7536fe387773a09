package io.runnel.quorum;

import static org.assertj.core.api.Assertions.assertThat;

import io.runnel.testsupport.Await;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a running quorum costs in threads, and that closing gives everything back. The counts are printed (the
 * surefire report keeps them); the bounds are generous, to catch a regression (an unbounded pool), not to pin
 * Ratis' internals.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class QuorumFootprintTest {
    /**
     * Threads a JVM keeps once Ratis or the JDK made them, whoever started them: Ratis' {@code TimeoutTimer} (at most
     * eight {@code timerN}, one set per JVM, never stopped) and the JDK's common pool with its delay scheduler (the
     * tests' {@code orTimeout}).
     */
    private static final Pattern JVM_WIDE = Pattern.compile("timer\\d+|ForkJoinPool\\.commonPool-.*");

    @TempDir
    Path root;

    private static Set<Thread> liveThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(Thread::isAlive)
                .collect(Collectors.toSet());
    }

    /** The threads started since {@code before} (all, or only those of this quorum), by name with digits folded. */
    private static Map<String, Long> startedSince(final Set<Thread> before, final boolean withJvmWide) {
        return liveThreads().stream()
                .filter(thread -> !before.contains(thread))
                .filter(thread ->
                        withJvmWide || !JVM_WIDE.matcher(thread.getName()).matches())
                .collect(Collectors.groupingBy(
                        thread -> thread.getName().replaceAll("\\d+", "N"), TreeMap::new, Collectors.counting()));
    }

    private static long total(final Map<String, Long> threads) {
        return threads.values().stream().mapToLong(Long::longValue).sum();
    }

    @Test
    void shouldRunAOneVoterQuorumOnAFewThreadsAndGiveThemAndItsPortBackWhenClosed() throws IOException {
        final Set<Thread> before = liveThreads();
        final QuorumFixture quorum = new QuorumFixture(root, 1);
        final RatisMetadataLog log = quorum.start(1);
        log.setLeadershipListener(new LeadershipListener() {
            @Override
            public void onBecameLeader(final long term) {}

            @Override
            public void onResigned(final long term) {}
        });
        Batches.proposeAll(log, 0, 20);

        final Map<String, Long> running = startedSince(before, true);
        System.out.println("One-voter quorum: " + total(running) + " threads " + running);
        assertThat(total(startedSince(before, false))).isBetween(5L, 30L);

        final Set<Thread> beforeFollower = liveThreads();
        final MetadataFollower follower = MetadataFollower.open(
                FollowerSettings.of(100, quorum.settings(1).clusterId(), quorum.voters()));
        follower.replay(new RecordingListener());
        final Map<String, Long> following = startedSince(beforeFollower, true);
        System.out.println("A metadata follower adds " + total(following) + " threads " + following);
        assertThat(total(startedSince(beforeFollower, false))).isLessThan(20L);

        follower.close();
        quorum.close();

        Await.until(
                QuorumFixture.WAIT,
                () -> startedSince(before, false).isEmpty(),
                () -> "every thread of the quorum ends, left: " + startedSince(before, false));
        final QuorumPeers.Voter self = quorum.voters().voter(1).orElseThrow();
        try (ServerSocket reused = new ServerSocket(self.port(), 50, InetAddress.getByName(self.host()))) {
            assertThat(reused.getLocalPort()).isEqualTo(self.port());
        }
    }

    @Test
    void shouldRunAThreeVoterQuorumInOneJvmOnABoundedNumberOfThreads() {
        final Set<Thread> before = liveThreads();
        try (QuorumFixture quorum = new QuorumFixture(root, 3)) {
            quorum.startAll();
            final int leader = quorum.awaitLeader();
            Batches.proposeAll(quorum.log(leader), 0, 20);

            final Map<String, Long> running = startedSince(before, true);
            System.out.println("Three-voter quorum in one JVM: " + total(running) + " threads " + running);
            assertThat(total(startedSince(before, false))).isLessThan(80L);
        }
        Await.until(
                QuorumFixture.WAIT,
                () -> startedSince(before, false).isEmpty(),
                () -> "every thread of the quorum ends, left: " + startedSince(before, false));
    }
}
