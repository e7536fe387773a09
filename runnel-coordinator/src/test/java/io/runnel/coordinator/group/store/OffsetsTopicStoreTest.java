package io.runnel.coordinator.group.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.runnel.metadata.controller.CreateTopicResult;
import io.runnel.metadata.image.TopicImage;
import io.runnel.replication.Partition;
import io.runnel.storage.PartitionLog;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.errors.CoordinatorNotAvailableException;
import org.apache.kafka.common.errors.CorruptRecordException;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.CompressionType;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class OffsetsTopicStoreTest {
    private static final long NOW = 1_700_000_000_000L;
    private static final InstantSource CLOCK = InstantSource.fixed(Instant.ofEpochMilli(NOW));
    private static final int PARTITIONS = 4;
    private static final Map<String, String> PROPS = Map.of(OffsetsTopic.NUM_PARTITIONS, Integer.toString(PARTITIONS));

    @TempDir
    Path tmp;

    private static GroupRecord.OffsetCommit commit(final String group, final int partition, final long offset) {
        return new GroupRecord.OffsetCommit(
                group, "orders", partition, offset, 0, offset % 2 == 0 ? null : "m", NOW, -1L);
    }

    private static GroupRecord.GroupMetadata group(final String group, final int generation, final byte[] assignment) {
        return new GroupRecord.GroupMetadata(
                group,
                "consumer",
                generation,
                "range",
                group + "-m1",
                NOW,
                List.of(new GroupRecord.Member(
                        group + "-m1", null, "client", "/127.0.0.1", 300_000, 45_000, new byte[] {9}, assignment)));
    }

    /** What replay must return: partition by partition, in append order within a partition. */
    private static List<GroupRecord> expectedReplay(final List<List<GroupRecord>> appends) {
        final Map<Integer, List<GroupRecord>> byPartition = new TreeMap<>();
        for (final List<GroupRecord> append : appends) {
            byPartition
                    .computeIfAbsent(
                            OffsetsTopicStore.partitionFor(append.get(0).groupId(), PARTITIONS), p -> new ArrayList<>())
                    .addAll(append);
        }
        final List<GroupRecord> all = new ArrayList<>();
        byPartition.values().forEach(all::addAll);
        return all;
    }

    private static List<GroupRecord> replayAll(final OffsetsTopicStore store) {
        final List<GroupRecord> replayed = new ArrayList<>();
        store.replay(replayed::add);
        return replayed;
    }

    /** Record by record; byte arrays by content, without AssertJ's element-wise walk of megabyte arrays. */
    private static void assertSameRecords(final List<GroupRecord> actual, final List<GroupRecord> expected) {
        assertThat(actual)
                .usingRecursiveComparison()
                .withEqualsForType(Arrays::equals, byte[].class)
                .isEqualTo(expected);
    }

    private static void appendAll(final GroupStore store, final List<List<GroupRecord>> appends) {
        for (final List<GroupRecord> append : appends) {
            store.append(append.get(0).groupId(), append).join();
        }
    }

    // ------------------------------------------------------------------------------------------ partitionFor

    @Test
    void shouldPlaceGroupsOnThePartitionKafkaWould() {
        final List<String> groups = new ArrayList<>(List.of(
                "",
                "g",
                "my-group",
                "console-consumer-12345",
                "polygenelubricants",
                "GydZG_",
                "DESIGNING WORKHOUSES",
                "ünïcødé-grøup"));
        for (int i = 0; i < 1000; i++) {
            groups.add("group-" + i);
        }
        assertThat("polygenelubricants".hashCode()).isEqualTo(Integer.MIN_VALUE);
        for (final String group : groups) {
            for (final int partitions : new int[] {1, 3, 50, 64}) {
                assertThat(OffsetsTopicStore.partitionFor(group, partitions))
                        .as("%s over %d", group, partitions)
                        .isEqualTo(Utils.abs(group.hashCode()) % partitions);
            }
        }
        assertThat(OffsetsTopicStore.partitionFor("polygenelubricants", 50)).isZero();
    }

    @Test
    void shouldUseKafkasAbsAndNotASignMaskForNegativeHashCodes() {
        // Utils.abs(h) is -h for a negative h, while h & 0x7fffffff is h + 2^31: most negative hashes land apart.
        int i = 0;
        while (("g" + i).hashCode() >= 0
                || (("g" + i).hashCode() & 0x7fffffff) % 50 == Math.abs(("g" + i).hashCode()) % 50) {
            i++;
        }
        final String negative = "g" + i;
        assertThat(OffsetsTopicStore.partitionFor(negative, 50))
                .isEqualTo(Math.abs(negative.hashCode()) % 50)
                .isNotEqualTo((negative.hashCode() & 0x7fffffff) % 50);
    }

    // ------------------------------------------------------------------------------------------ append/replay

    @Test
    void shouldFailWithCoordinatorNotAvailableWhenTheOffsetsTopicDoesNotExist() throws Exception {
        try (OffsetsNode node = new OffsetsNode(tmp, PROPS)) {
            final CompletableFuture<Void> result = node.store(CLOCK).append("g", List.of(commit("g", 0, 1)));
            assertThat(result).isCompletedExceptionally();
            assertThatThrownBy(result::get)
                    .isInstanceOf(ExecutionException.class)
                    .cause()
                    .isInstanceOf(CoordinatorNotAvailableException.class)
                    .hasMessageContaining("__consumer_offsets");
            assertThat(replayAll(node.store(CLOCK))).isEmpty();
        }
    }

    @Test
    void shouldReplayAppendedRecordsPartitionByPartitionInOffsetOrderAlsoAfterARestart() throws Exception {
        final List<List<GroupRecord>> appends = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            final String g = "group-" + i;
            appends.add(List.of(group(g, 1, new byte[] {(byte) i}), commit(g, 0, i), commit(g, 1, 100 + i)));
            appends.add(List.of(commit(g, 0, 1000 + i)));
        }
        appends.add(List.of(
                new GroupRecord.OffsetTombstone("group-3", "orders", 1), new GroupRecord.GroupTombstone("group-3")));
        appends.add(List.of(new GroupRecord.GroupMetadata("group-5", "consumer", 2, null, null, NOW, List.of())));
        final List<GroupRecord> expected = expectedReplay(appends);
        assertThat(appends.stream()
                        .map(a -> OffsetsTopicStore.partitionFor(a.get(0).groupId(), PARTITIONS))
                        .distinct()
                        .count())
                .as("the groups spread over several partitions")
                .isGreaterThanOrEqualTo(3);

        try (OffsetsNode node = new OffsetsNode(tmp, PROPS)) {
            assertThat(node.createOffsetsTopic().error().isSuccess()).isTrue();
            final OffsetsTopicStore store = node.store(CLOCK);
            appendAll(store, appends);
            assertSameRecords(replayAll(store), expected);
        }
        try (OffsetsNode node = new OffsetsNode(tmp, PROPS)) {
            assertThat(node.partitions.get(OffsetsTopic.NAME, 0))
                    .as("reopened from disk")
                    .isNotNull();
            assertSameRecords(replayAll(node.store(CLOCK)), expected);
            // and appends continue after what is there
            final List<GroupRecord> more = List.of(commit("group-0", 0, 5000));
            node.store(CLOCK).append("group-0", more).join();
            final List<List<GroupRecord>> all = new ArrayList<>(appends);
            all.add(more);
            assertSameRecords(replayAll(node.store(CLOCK)), expectedReplay(all));
        }
    }

    @Test
    void shouldReplayOnePartitionAReadAtATimeAndRefuseAPartitionThisBrokerDoesNotHave() throws Exception {
        try (OffsetsNode node = new OffsetsNode(tmp, PROPS)) {
            assertThatThrownBy(() -> node.store(CLOCK).replay(0))
                    .isInstanceOf(CoordinatorNotAvailableException.class)
                    .hasMessageContaining("__consumer_offsets");
            assertThat(node.createOffsetsTopic().error().isSuccess()).isTrue();
            final OffsetsTopicStore store = node.store(CLOCK);
            final String g = "big-group";
            final int partition = store.partitionFor(g);
            final List<List<GroupRecord>> appends = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                // 400 KiB of assignment each: several reads of the partition's 1 MiB
                appends.add(List.of(group(g, i + 1, new byte[400 * 1024]), commit(g, 0, i)));
            }
            appends.add(List.of(commit("other-" + partition, 0, 1)));
            appendAll(store, appends);

            final List<GroupRecord> replayed = new ArrayList<>();
            final var replay = store.replay(partition);
            int steps = 1;
            while (replay.next(replayed::add)) {
                steps++;
            }

            assertThat(steps).as("reads of about 1 MiB").isBetween(2, 4);
            final List<List<GroupRecord>> onPartition = appends.stream()
                    .filter(a -> store.partitionFor(a.get(0).groupId()) == partition)
                    .toList();
            assertSameRecords(replayed, expectedReplay(onPartition));
            assertThat(replay.next(replayed::add)).as("nothing after the end").isFalse();
        }
    }

    @Test
    void shouldAnswerAnAppendOnlyOnceItIsFsyncedWhenTheBrokerFsyncsBeforeAcknowledging() throws Exception {
        final Map<String, String> props =
                Map.of(OffsetsTopic.NUM_PARTITIONS, Integer.toString(PARTITIONS), "log.flush.interval.messages", "1");
        try (OffsetsNode node = new OffsetsNode(tmp, props)) {
            node.createOffsetsTopic();
            final PartitionLog log = node.log(OffsetsTopicStore.partitionFor("g", PARTITIONS));

            for (long offset = 0; offset < 20; offset++) {
                node.store(CLOCK).append("g", List.of(commit("g", 0, offset))).get();
                // the flusher thread fsyncs; the append is answered only after it moved the recovery point
                assertThat(log.recoveryPoint()).isEqualTo(offset + 1);
            }
        }
    }

    @Test
    void shouldWriteOneUncompressedV2BatchPerAppendToTheGroupsPartition() throws Exception {
        try (OffsetsNode node = new OffsetsNode(tmp, PROPS)) {
            node.createOffsetsTopic();
            final List<GroupRecord> records = List.of(
                    group("g", 1, new byte[0]), commit("g", 0, 7), new GroupRecord.OffsetTombstone("g", "orders", 1));
            node.store(CLOCK).append("g", records).join();

            final int index = OffsetsTopicStore.partitionFor("g", PARTITIONS);
            for (int p = 0; p < PARTITIONS; p++) {
                assertThat(node.partitions.get(OffsetsTopic.NAME, p).logEndOffset())
                        .as("partition %d", p)
                        .isEqualTo(p == index ? 3 : 0);
            }
            final Partition partition = node.partitions.get(OffsetsTopic.NAME, index);
            final var slice = partition.read(0, Integer.MAX_VALUE, true);
            final ByteBuffer bytes = ByteBuffer.allocate(slice.sizeInBytes());
            slice.channel().read(bytes, slice.position());
            bytes.flip();
            final List<MutableRecordBatch> batches = new ArrayList<>();
            MemoryRecords.readableRecords(bytes).batches().forEach(batches::add);
            assertThat(batches).hasSize(1);
            final MutableRecordBatch batch = batches.get(0);
            assertThat(batch.magic()).isEqualTo(RecordBatch.MAGIC_VALUE_V2);
            assertThat(batch.compressionType()).isEqualTo(CompressionType.NONE);
            assertThat(batch.timestampType()).isEqualTo(TimestampType.CREATE_TIME);
            assertThat(batch.producerId()).isEqualTo(RecordBatch.NO_PRODUCER_ID);
            assertThat(batch.partitionLeaderEpoch()).isEqualTo(partition.leaderEpoch());
            final List<Record> stored = new ArrayList<>();
            batch.forEach(stored::add);
            assertThat(stored).extracting(Record::offset).containsExactly(0L, 1L, 2L);
            assertThat(stored).extracting(Record::timestamp).containsOnly(NOW);
            assertThat(stored.get(2).hasValue())
                    .as("a tombstone has a null value")
                    .isFalse();
            assertThat(bytesOf(stored.get(1).key())).isEqualTo(GroupRecordSerde.key(records.get(1)));
        }
    }

    private static byte[] bytesOf(final ByteBuffer buffer) {
        final byte[] out = new byte[buffer.remaining()];
        buffer.duplicate().get(out);
        return out;
    }

    @Test
    void shouldReplayAcrossSegmentsAndReads() throws Exception {
        final Map<String, String> props =
                Map.of(OffsetsTopic.NUM_PARTITIONS, "1", OffsetsTopic.SEGMENT_BYTES, Integer.toString(1024 * 1024));
        try (OffsetsNode node = new OffsetsNode(tmp, props)) {
            node.createOffsetsTopic();
            final OffsetsTopicStore store = node.store(CLOCK);
            final List<GroupRecord> expected = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                final byte[] assignment = new byte[100_000 + i];
                Arrays.fill(assignment, (byte) i);
                final List<GroupRecord> records = List.of(group("g", i, assignment), commit("g", 0, i));
                store.append("g", records).join();
                expected.addAll(records);
            }
            // a batch close to max.message.bytes (1048588 by default) in a segment of its own
            final byte[] large = new byte[1_000_000];
            final List<GroupRecord> big = List.of(group("g", 99, large));
            store.append("g", big).join();
            expected.addAll(big);
            assertThat(node.log(0).segmentCount()).isGreaterThan(2);
            assertSameRecords(replayAll(store), expected);
        }
    }

    @Test
    void shouldPropagateTheLogsFailures() throws Exception {
        try (OffsetsNode node = new OffsetsNode(tmp, PROPS)) {
            node.createOffsetsTopic();
            final OffsetsTopicStore store = node.store(CLOCK);
            final CompletableFuture<Void> tooLarge = store.append("g", List.of(group("g", 1, new byte[2_000_000])));
            assertThatThrownBy(tooLarge::get).cause().isInstanceOf(RecordTooLargeException.class);

            final CompletableFuture<Void> otherGroup = store.append("g", List.of(commit("h", 0, 1)));
            assertThatThrownBy(otherGroup::get)
                    .cause()
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("group h");

            node.log(OffsetsTopicStore.partitionFor("g", PARTITIONS)).close();
            final CompletableFuture<Void> closed = store.append("g", List.of(commit("g", 0, 1)));
            assertThatThrownBy(closed::get).cause().isInstanceOf(KafkaStorageException.class);
            assertThat(store.append("g", List.of())).isCompletedWithValue(null);
        }
    }

    @Test
    void shouldNameThePartitionAndOffsetOfARecordThatDoesNotDecode() throws Exception {
        try (OffsetsNode node = new OffsetsNode(tmp, PROPS)) {
            node.createOffsetsTopic();
            final OffsetsTopicStore store = node.store(CLOCK);
            final int index = OffsetsTopicStore.partitionFor("g", PARTITIONS);
            store.append("g", List.of(commit("g", 0, 1))).join();
            node.partitions
                    .get(OffsetsTopic.NAME, index)
                    .appendAsLeader(MemoryRecords.withRecords(
                                    RecordBatch.MAGIC_VALUE_V2,
                                    0L,
                                    Compression.NONE,
                                    TimestampType.CREATE_TIME,
                                    new SimpleRecord(NOW, "not a group key".getBytes(StandardCharsets.UTF_8), null))
                            .buffer());
            assertThatThrownBy(() -> replayAll(store))
                    .isInstanceOf(CorruptRecordException.class)
                    .hasMessageStartingWith("Record at offset 1 of __consumer_offsets-" + index + " does not decode");
        }
    }

    // ------------------------------------------------------------------------------------------ the topic

    @Test
    void shouldCreateTheOffsetsTopicThroughTheControllerWithKafkasSettings() throws Exception {
        try (OffsetsNode node = new OffsetsNode(tmp, Map.of())) {
            final CreateTopicResult result = node.createOffsetsTopic();
            assertThat(result.error().isSuccess()).as("%s", result.error()).isTrue();
            assertThat(result.numPartitions()).isEqualTo(50);
            assertThat(result.replicationFactor()).isEqualTo((short) 1);
            final TopicImage topic = node.controller.image().topic("__consumer_offsets");
            assertThat(topic).isNotNull();
            assertThat(topic.configs())
                    .containsExactlyInAnyOrderEntriesOf(Map.of(
                            "cleanup.policy", "compact", "compression.type", "producer", "segment.bytes", "104857600"));
            assertThat(node.log(49).config().segmentBytes()).isEqualTo(104_857_600);
        }
    }
}
