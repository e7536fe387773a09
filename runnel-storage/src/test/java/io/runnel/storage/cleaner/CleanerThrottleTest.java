package io.runnel.storage.cleaner;

import static io.runnel.testsupport.RecordBatches.keyed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.runnel.storage.CompactionConfig;
import io.runnel.storage.LogConfig;
import io.runnel.storage.PartitionLog;
import io.runnel.storage.retention.RetiredSegments;
import io.runnel.testsupport.ManualClock;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.record.internal.CompressionType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** log.cleaner.io.max.bytes.per.second: the cleaner's reads and writes held to a rate by sleeping. */
class CleanerThrottleTest {

    private static final long MS = 1_000_000L;

    @TempDir
    Path dir;

    /** Time that moves only when told to, or when the throttle sleeps. */
    private static final class VirtualTime {
        long nanos;
        final List<Long> sleeps = new ArrayList<>();

        CleanerThrottle throttle(final double maxBytesPerSecond) {
            return new CleanerThrottle(maxBytesPerSecond, () -> nanos, ms -> {
                sleeps.add(ms);
                nanos += ms * MS;
            });
        }
    }

    @Test
    void shouldSleepUntilTheRateOfTheLastIntervalIsBackAtTheLimit() {
        final VirtualTime time = new VirtualTime();
        final CleanerThrottle throttle = time.throttle(1_000_000);

        // 3 MB in 300 ms is 10 MB/s: the throttle sleeps until 3 s have passed since the interval began
        for (int i = 0; i < 30; i++) {
            time.nanos += 10 * MS;
            throttle.maybeThrottle(100_000);
        }

        assertThat(time.sleeps).containsExactly(2_700L);
    }

    @Test
    void shouldNotSleepBeforeAnIntervalHasPassedOrUnderTheLimit() {
        final VirtualTime time = new VirtualTime();

        time.throttle(1_000_000).maybeThrottle(50_000_000); // far over, but no interval has passed yet
        final CleanerThrottle slow = time.throttle(1_000_000);
        time.nanos += 400 * MS;
        slow.maybeThrottle(100_000); // 0.25 MB/s

        assertThat(time.sleeps).isEmpty();
    }

    @Test
    void shouldHoldACleaningOfALogToTheLimit() throws Exception {
        final LogConfig config = LogConfig.defaults()
                .withSegmentBytes(4096)
                .withCompaction(new CompactionConfig(true, 0.0, 60_000, 0, Long.MAX_VALUE));
        final PartitionLog log = PartitionLog.open(
                new TopicPartition("table", 0), dir, config, new ManualClock(1_700_000_000_000L), 0, 0, true);
        try {
            for (int i = 0; i < 400; i++) {
                log.appendAsLeader(keyed(CompressionType.NONE, 1_700_000_000_000L, "k" + (i % 20), "v" + i), 0);
            }
            final long closedSegmentBytes = log.sizeInBytes()
                    - log.cleaning()
                            .segmentsForCleaning()[log.segmentCount() - 1]
                            .size();
            final VirtualTime time = new VirtualTime();
            // every read of the clock moves it 10 ms, as if each batch took that long to read or write
            final CleanerThrottle throttle =
                    new CleanerThrottle(1_000, () -> time.nanos += 10 * MS, ms -> time.nanos += ms * MS);

            LogCleaner.clean(log, 1_700_000_000_000L, Long.MAX_VALUE, throttle, new RetiredSegments(), () -> {});

            // the cleaning read every closed segment at least once: at 1,000 B/s that takes as many ms as bytes,
            // but for the last interval, which ends unchecked (30 reads of the clock, a batch of under 100 B each)
            assertThat(time.nanos / MS).isGreaterThanOrEqualTo(closedSegmentBytes - 30 * 100);
        } finally {
            log.closeForDelete();
        }
    }

    @Test
    void shouldRefuseALimitThatIsNotPositive() {
        assertThatThrownBy(() -> new CleanerThrottle(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new CleanerThrottle(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
    }
}
