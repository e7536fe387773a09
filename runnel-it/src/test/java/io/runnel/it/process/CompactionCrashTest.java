package io.runnel.it.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The broker in its own JVM is SIGKILLed while the log cleaner compacts a topic under an acks=all producer that
 * keeps updating 400 keys (1 KiB values, every 16th round of writes tombstones) into 1 MiB segments, with the
 * cleaner looking every 20 ms at a dirty ratio of 0.01. After each restart the log is consistent when read from
 * the start: offsets strictly increase, every key's writes appear in the order they were sent, the last acknowledged
 * write of every key (or a later one) is there, an acknowledged record that is still there is at its offset, and the
 * open left no {@code .cleaned}, {@code .swap} or {@code .deleted} file behind.
 *
 * <p>The check runs with the cleaner slowed down to an hour, so what is on disk is what the open left; the next
 * round starts the broker again with the fast cleaner.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CompactionCrashTest {
    private static final TopicPartition TP = new TopicPartition("compacted", 0);
    private static final int ROUNDS = 3;
    private static final int KEYS = 400;
    private static final Duration STREAM_BEFORE_KILL = Duration.ofMillis(3000);
    private static final String INDEX_HEADER = "write";
    private static final String[] SLOW_CLEANER = {"log.cleaner.backoff.ms", "3600000"};

    @TempDir
    Path dir;

    /** Every write the producer attempted, per key, in send order: {@code round-seq}, or a tombstone. */
    private final Map<String, List<Write>> sent = new HashMap<>();
    /** The acknowledged writes, by offset. */
    private final Map<Long, Write> acked = new ConcurrentHashMap<>();

    /** One send: its key, its place among the key's sends, and its value (null for a tombstone). */
    private record Write(String key, int index, String value) {}

    @Test
    void shouldKeepTheLatestValueOfEveryKeyWhenKilledWhileTheCleanerCompacts() throws Exception {
        int cleanedPasses = 0;
        try (BrokerProcess broker = BrokerProcess.start(
                "compaction-crash", dir, "log.cleaner.backoff.ms", "20", "log.segment.delete.delay.ms", "10")) {
            try (Admin admin = broker.admin()) {
                admin.createTopics(List.of(new NewTopic(TP.topic(), 1, (short) 1)
                                .configs(Map.of(
                                        "cleanup.policy",
                                        "compact",
                                        "segment.bytes",
                                        "1048576",
                                        "min.cleanable.dirty.ratio",
                                        "0.01",
                                        "delete.retention.ms",
                                        "0"))))
                        .all()
                        .get(30, TimeUnit.SECONDS);
            }
            for (int round = 1; round <= ROUNDS; round++) {
                if (round > 1) {
                    broker.terminate(Duration.ofSeconds(10));
                    broker.start();
                }
                streamThenKill(broker, round);
                cleanedPasses += count(broker.log(), "Cleaned compacted-0");
                broker.start(SLOW_CLEANER);
                assertThat(broker.log()).contains("was not shut down cleanly");

                try (Stream<Path> files = Files.walk(dir)) {
                    assertThat(files.map(f -> f.getFileName().toString())
                                    .filter(name -> name.endsWith(".cleaned")
                                            || name.endsWith(".swap")
                                            || name.endsWith(".deleted")))
                            .as("the open finished or undid every interrupted cleaning")
                            .isEmpty();
                }
                assertConsistent(broker);
            }
            broker.terminate(Duration.ofSeconds(10));
        }
        assertThat(cleanedPasses)
                .as("the cleaner compacted the log while the producer ran")
                .isPositive();
    }

    private static int count(final String text, final String needle) {
        int n = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }

    /** Streams acks=all updates of the key set until the broker is SIGKILLed under them. */
    private void streamThenKill(final BrokerProcess broker, final int round) throws Exception {
        final String padding = "x".repeat(1000);
        final KafkaProducer<byte[], byte[]> producer = broker.producer(
                ProducerConfig.ACKS_CONFIG,
                "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                "false",
                ProducerConfig.RETRIES_CONFIG,
                "0",
                ProducerConfig.LINGER_MS_CONFIG,
                "2",
                ProducerConfig.MAX_BLOCK_MS_CONFIG,
                "2000",
                ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION,
                "1");
        final CrashSender sender = CrashSender.start("compaction-crash-sender-" + round, 20, seq -> {
            final String key = "key-" + (seq % KEYS);
            final boolean tombstone = (seq / KEYS) % 16 == 15;
            final String value = tombstone ? null : "r" + round + "-" + seq + "-" + padding;
            final Write write;
            synchronized (sent) {
                final List<Write> writes = sent.computeIfAbsent(key, k -> new ArrayList<>());
                write = new Write(key, writes.size(), value);
                writes.add(write);
            }
            final ProducerRecord<byte[], byte[]> record =
                    new ProducerRecord<>(TP.topic(), TP.partition(), utf8(key), value == null ? null : utf8(value));
            record.headers().add(INDEX_HEADER, utf8(Integer.toString(write.index())));
            producer.send(record, (metadata, exception) -> {
                if (exception == null) {
                    acked.put(metadata.offset(), write);
                }
            });
        });
        Thread.sleep(STREAM_BEFORE_KILL.toMillis()); // deliberate: the broker is killed mid-stream, this far in
        broker.kill();
        sender.stop();
        producer.close(Duration.ZERO);
    }

    private void assertConsistent(final BrokerProcess broker) throws Exception {
        final long end;
        try (Admin admin = broker.admin()) {
            end = admin.listOffsets(Map.of(TP, OffsetSpec.latest()))
                    .partitionResult(TP)
                    .get()
                    .offset();
        }
        final Map<String, Write> latestRead = new HashMap<>();
        final Map<String, Long> latestReadOffset = new HashMap<>();
        long previous = -1;
        int records = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = broker.consumer()) {
            consumer.assign(List.of(TP));
            consumer.seekToBeginning(List.of(TP));
            final long deadline = System.currentTimeMillis() + 30_000;
            while (previous < end - 1 && System.currentTimeMillis() < deadline) {
                for (final ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    assertThat(r.offset()).as("offsets strictly increase").isGreaterThan(previous);
                    previous = r.offset();
                    records++;
                    final String key = new String(r.key(), StandardCharsets.UTF_8);
                    final Write write = sentWrite(key, r);
                    final Write before = latestRead.put(key, write);
                    if (before != null) {
                        assertThat(write.index())
                                .as("writes of %s in send order", key)
                                .isGreaterThan(before.index());
                    }
                    latestReadOffset.put(key, r.offset());
                    final Write ackedHere = acked.get(r.offset());
                    if (ackedHere != null) {
                        assertThat(write)
                                .as("the acknowledged record at %d", r.offset())
                                .isEqualTo(ackedHere);
                    }
                }
            }
        }
        assertThat(previous).as("read up to the log end").isEqualTo(end - 1);
        assertThat(records).as("compaction removed records").isLessThan((int) end);
        final Map<String, Map.Entry<Long, Write>> lastAcked = new HashMap<>();
        acked.forEach((offset, write) ->
                lastAcked.merge(write.key(), Map.entry(offset, write), (a, b) -> a.getKey() > b.getKey() ? a : b));
        lastAcked.forEach((key, entry) -> {
            final Write last = entry.getValue();
            final Write read = latestRead.get(key);
            if (read == null) {
                assertThat(deletedAtOrAfter(key, last.index()))
                        .as("%s is gone only if a tombstone at or after its last acknowledged write removed it", key)
                        .isTrue();
                return;
            }
            assertThat(read.index())
                    .as("the last acknowledged write of %s or a later one is kept", key)
                    .isGreaterThanOrEqualTo(last.index());
            if (read.index() == last.index()) {
                assertThat(latestReadOffset.get(key))
                        .as("%s keeps its offset", key)
                        .isEqualTo(entry.getKey());
            }
        });
    }

    /** The send a record read back came from, by the index it carries in its header (tombstones have no value). */
    private Write sentWrite(final String key, final ConsumerRecord<byte[], byte[]> record) {
        final Header header = record.headers().lastHeader(INDEX_HEADER);
        assertThat(header)
                .as("record at %d carries its write index", record.offset())
                .isNotNull();
        final int index = Integer.parseInt(new String(header.value(), StandardCharsets.UTF_8));
        final Write write;
        synchronized (sent) {
            final List<Write> writes = sent.getOrDefault(key, List.of());
            assertThat(index).as("a write of %s that was sent", key).isLessThan(writes.size());
            write = writes.get(index);
        }
        final String value = record.value() == null ? null : new String(record.value(), StandardCharsets.UTF_8);
        assertThat(value).as("value of write %d of %s", index, key).isEqualTo(write.value());
        return write;
    }

    private boolean deletedAtOrAfter(final String key, final int index) {
        synchronized (sent) {
            final List<Write> writes = sent.get(key);
            for (int i = index; i < writes.size(); i++) {
                if (writes.get(i).value() == null) {
                    return true;
                }
            }
        }
        return false;
    }

    private static byte[] utf8(final String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
