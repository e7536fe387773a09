package io.runnel.storage;

import static io.runnel.storage.TestBatches.contents;
import static io.runnel.testsupport.RecordBatches.keyed;
import static org.assertj.core.api.Assertions.assertThat;

import io.runnel.storage.cleaner.CleanerConfig;
import io.runnel.storage.cleaner.LogCleaner;
import io.runnel.testsupport.Await;
import io.runnel.testsupport.ManualClock;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.record.internal.CompressionType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * log.cleaner.threads: several cleaner threads share the compacted logs, never two on one log, while producers
 * keep appending; 0 threads cleans nothing.
 */
class LogCleanerThreadsTest {

    private static final long T0 = 1_700_000_000_000L;
    private static final int LOGS = 4;
    private static final int KEYS = 8;
    private static final int ROUNDS = 40;
    /** One keyed batch per segment; cleaned whenever anything is dirty. */
    private static final LogConfig COMPACTED = LogConfig.defaults()
            .withSegmentBytes(100)
            .withCompaction(new CompactionConfig(true, 0.0, 60_000, 0, Long.MAX_VALUE));

    @TempDir
    Path tmp;

    private static LogManager.Settings cleanerThreads(final int threads) {
        final LogManager.Settings defaults = LogManager.Settings.defaults();
        return new LogManager.Settings(
                defaults.retentionCheckIntervalMs(),
                CleanerConfig.defaults().withBackoffMs(1).withThreads(threads),
                defaults.flush(),
                defaults.recoveryThreadsPerDir());
    }

    @Test
    void shouldKeepTheLatestValueOfEveryKeyWhileThreeThreadsCleanLogsThatAreStillWritten() throws Exception {
        try (LogManager manager = LogManager.open(List.of(tmp.resolve("d1")), new ManualClock(T0), cleanerThreads(3))) {
            final List<PartitionLog> logs = new ArrayList<>();
            for (int p = 0; p < LOGS; p++) {
                logs.add(manager.getOrCreate(new TopicPartition("table", p), COMPACTED));
            }
            final List<Map<String, String>> latest = new ArrayList<>();
            for (int p = 0; p < LOGS; p++) {
                latest.add(new HashMap<>());
            }
            for (int round = 0; round < ROUNDS; round++) {
                for (int p = 0; p < LOGS; p++) {
                    final String key = "k" + (round % KEYS);
                    final String value = "v" + round;
                    logs.get(p).appendAsLeader(keyed(CompressionType.NONE, T0, key, value), 0);
                    latest.get(p).put(key, value);
                }
            }
            assertThat(Thread.getAllStackTraces().keySet())
                    .extracting(Thread::getName)
                    .contains(
                            LogCleaner.THREAD_PREFIX + "0",
                            LogCleaner.THREAD_PREFIX + "1",
                            LogCleaner.THREAD_PREFIX + "2")
                    .doesNotContain(LogCleaner.THREAD_PREFIX + "3");

            awaitCleaned(logs);

            assertThat(manager.offlineDirs()).isEmpty();
            for (int p = 0; p < LOGS; p++) {
                final List<String> records = contents(logs.get(p));
                final Map<String, String> survivors = new HashMap<>();
                long previous = -1;
                for (final String record : records) {
                    final long offset = Long.parseLong(record.substring(0, record.indexOf(':')));
                    assertThat(offset).as("offsets only grow").isGreaterThan(previous);
                    previous = offset;
                    final String[] keyValue =
                            record.substring(record.indexOf(':') + 1).split("=");
                    survivors.put(keyValue[0], keyValue[1]);
                }
                assertThat(survivors).isEqualTo(latest.get(p));
                // the active segment holds the last record, which is never cleaned; the rest is one per key
                assertThat(records).hasSizeLessThanOrEqualTo(KEYS + 1);
            }
        }
    }

    @Test
    void shouldCleanNothingWithNoCleanerThreads() throws Exception {
        try (LogManager manager = LogManager.open(List.of(tmp.resolve("d1")), new ManualClock(T0), cleanerThreads(0))) {
            final PartitionLog log = manager.getOrCreate(new TopicPartition("table", 0), COMPACTED);
            for (int round = 0; round < 20; round++) {
                log.appendAsLeader(keyed(CompressionType.NONE, T0, "k", "v" + round), 0);
            }
            Thread.sleep(200); // deliberate: many backoffs of 1 ms pass, and none of them may clean

            assertThat(contents(log)).hasSize(20);
        }
    }

    /** Until every log is down to one record per key plus its active segment, or 30 s. */
    private static void awaitCleaned(final List<PartitionLog> logs) {
        for (final PartitionLog log : logs) {
            Await.until(
                    Duration.ofSeconds(30),
                    () -> contents(log).size() <= KEYS + 1,
                    () -> log.topicPartition() + " is cleaned down to one record per key");
        }
    }
}
