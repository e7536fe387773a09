package io.runnel.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.runnel.storage.AppendResult;
import io.runnel.storage.LogConfig;
import io.runnel.storage.LogDirFailures;
import io.runnel.storage.PartitionLog;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.errors.PolicyViolationException;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A partition led by this broker offers operations that respect its high watermark, never its raw log. The high
 * watermark follows the log end offset, except that records whose
 * append waits for an fsync ({@code flush.messages}) become visible only once they are fsync'd, as in Kafka.
 * The log's flusher here only records the requests; the test flushes when it wants to.
 */
class PartitionTest {
    private static final TopicPartition TP = new TopicPartition("t", 0);

    @TempDir
    Path dir;

    private final List<PartitionLog> flushRequests = new ArrayList<>();
    private PartitionLog log;

    private Partition open(final LogConfig config) {
        log = PartitionLog.open(
                TP,
                dir.resolve("t-0"),
                config,
                InstantSource.system(),
                0L,
                0L,
                true,
                LogDirFailures.unobserved(),
                flushRequests::add);
        return new Partition(TP, Uuid.randomUuid(), log, 0);
    }

    @AfterEach
    void close() {
        log.close();
    }

    @Test
    void shouldExposeRecordsAtOnceWhenTheirAppendDoesNotWaitForAnFsync() {
        final Partition partition = open(LogConfig.defaults());
        final AppendResult appended = partition.appendAsLeader(batch(3));
        assertThat(appended.awaitsFlush()).isFalse();
        assertThat(partition.highWatermark()).isEqualTo(3);
    }

    @Test
    void shouldExposeRecordsOfAFlushMessagesAppendOnlyOnceTheyAreFsynced() {
        final Partition partition = open(LogConfig.defaults().withFlushInterval(1, Long.MAX_VALUE));
        final List<Long> seenByListener = new ArrayList<>();
        partition.addListener(p -> seenByListener.add(p.highWatermark()));

        final AppendResult appended = partition.appendAsLeader(batch(3));
        assertThat(appended.flushed()).isNotDone();
        assertThat(partition.highWatermark()).isZero();
        assertThat(flushRequests).containsExactly(log);

        log.flush();
        assertThat(appended.flushed()).isDone();
        assertThat(partition.highWatermark()).isEqualTo(3);
        assertThat(seenByListener).containsExactly(3L);
    }

    @Test
    void shouldHideTimestampsOfRecordsNotYetVisible() {
        final Partition partition = open(LogConfig.defaults().withFlushInterval(1, Long.MAX_VALUE));
        partition.appendAsLeader(batch(3));
        assertThat(partition.offsetForTimestamp(0))
                .as("below the high watermark of 0 there is nothing")
                .isEmpty();

        log.flush();
        assertThat(partition.offsetForTimestamp(0))
                .hasValueSatisfying(found -> assertThat(found.offset()).isZero());
    }

    @Test
    void shouldReadNoFurtherThanTheGivenBoundOrTheHighWatermark() {
        final Partition partition = open(LogConfig.defaults());
        final ByteBuffer first = batch(3);
        final int firstBytes = first.remaining();
        partition.appendAsLeader(first);
        partition.appendAsLeader(batch(2));

        assertThat(partition.read(0, 1 << 20, 3, true).sizeInBytes()).isEqualTo(firstBytes);
        assertThat(partition.read(0, 1 << 20, Long.MAX_VALUE, true).sizeInBytes())
                .isGreaterThan(firstBytes);
    }

    @Test
    void shouldRefuseToDeleteRecordsWhenTheCleanupPolicyHasNoDelete() {
        final Partition partition = open(LogConfig.defaults().withCleanupPolicyDelete(false));
        partition.appendAsLeader(batch(3));
        assertThatThrownBy(() -> partition.deleteRecordsBefore(2))
                .isInstanceOf(PolicyViolationException.class)
                .hasMessageContaining("cleanup.policy");
        assertThat(partition.logStartOffset()).isZero();
    }

    @Test
    void shouldTakeNewConfigsWithoutHandingOutItsLog() {
        final Partition partition = open(LogConfig.defaults());
        partition.appendAsLeader(batch(3));
        partition.updateConfig(LogConfig.defaults().withCleanupPolicyDelete(false));
        assertThatThrownBy(() -> partition.deleteRecordsBefore(1)).isInstanceOf(PolicyViolationException.class);
        assertThat(partition.isBackedBy(log)).isTrue();
        assertThat(partition.isOffline()).isFalse();
    }

    private static ByteBuffer batch(final int records) {
        final SimpleRecord[] content = new SimpleRecord[records];
        for (int i = 0; i < records; i++) {
            content[i] = new SimpleRecord(System.currentTimeMillis(), null, new byte[] {(byte) i});
        }
        return MemoryRecords.withRecords(Compression.NONE, content).buffer();
    }
}
