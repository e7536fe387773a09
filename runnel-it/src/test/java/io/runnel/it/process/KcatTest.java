package io.runnel.it.process;

import static org.assertj.core.api.Assertions.assertThat;

import io.runnel.it.TestBroker;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * kcat (librdkafka, a non-Java client) against an in-process broker: metadata, keyed produce with headers,
 * consume with every field checked, each compression codec. The Java consumer reads what kcat wrote.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class KcatTest {
    /** Output of {@code kcat -C -f}: topic, partition, offset, key, value, headers, timestamp. */
    private static final String FORMAT = "%t|%p|%o|%k|%s|%h|%T\\n";

    private static final Map<String, Integer> CODEC_IDS = Map.of("gzip", 1, "snappy", 2, "lz4", 3, "zstd", 4);

    @TempDir
    Path dir;

    @TempDir
    Path work;

    private TestBroker broker;
    private Kcat kcat;

    @BeforeEach
    void startBroker() throws Exception {
        broker = TestBroker.start(dir);
        kcat = Kcat.find(broker.bootstrap(), work);
    }

    @AfterEach
    void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    private record Line(
            String topic, int partition, long offset, String key, String value, String headers, long timestamp) {
        static Line parse(final String line) {
            final String[] f = line.split("\\|", -1);
            assertThat(f).as("fields of %s", line).hasSize(7);
            return new Line(f[0], Integer.parseInt(f[1]), Long.parseLong(f[2]), f[3], f[4], f[5], Long.parseLong(f[6]));
        }
    }

    @Test
    void shouldListTheBrokerAndEveryPartitionOfATopicWhenKcatAsksForMetadata() throws Exception {
        createTopic("kcat-listed", 3);

        final String json = kcat.run("", "-L", "-J").stdout();

        assertThat(json)
                .contains("\"brokers\":[{\"id\":1,\"name\":\"" + broker.bootstrap() + "\"}]")
                .contains("\"controllerid\":1");
        final int start = json.indexOf("{\"topic\":\"kcat-listed\"");
        assertThat(start).as("topic kcat-listed in %s", json).isNotNegative();
        final int next = json.indexOf("{\"topic\":", start + 1);
        final String topic = json.substring(start, next < 0 ? json.length() : next);
        assertThat(topic).doesNotContain("\"error\"");
        for (int p = 0; p < 3; p++) {
            assertThat(topic)
                    .contains("{\"partition\":" + p + ",\"leader\":1,\"replicas\":[{\"id\":1}],\"isrs\":[{\"id\":1}]}");
        }
        assertThat(topic).doesNotContain("\"partition\":3");

        final String plain = kcat.run("", "-L", "-t", "kcat-listed").stdout();
        assertThat(plain)
                .contains("broker 1 at " + broker.bootstrap())
                .contains("topic \"kcat-listed\" with 3 partitions:")
                .contains("partition 0, leader 1, replicas: 1, isrs: 1")
                .contains("partition 2, leader 1, replicas: 1, isrs: 1");
    }

    @Test
    void shouldConsumeKeysValuesHeadersAndTimestampsThatKcatProduced() throws Exception {
        createTopic("kcat-keyed", 3);
        final int count = 30;
        final StringBuilder input = new StringBuilder();
        for (int i = 0; i < count; i++) {
            input.append("key-")
                    .append(i)
                    .append(':')
                    .append("value-")
                    .append(i)
                    .append('\n');
        }
        final long before = System.currentTimeMillis();

        kcat.run(input.toString(), "-P", "-t", "kcat-keyed", "-K:", "-H", "h1=v1", "-H", "h2=v2");
        final List<Line> lines =
                kcat.run("", "-C", "-t", "kcat-keyed", "-o", "beginning", "-e", "-q", "-f", FORMAT).lines().stream()
                        .map(Line::parse)
                        .toList();

        final long after = System.currentTimeMillis();
        assertThat(lines).hasSize(count);
        final Map<Integer, List<Long>> offsets = new TreeMap<>();
        for (final Line line : lines) {
            assertThat(line.topic()).isEqualTo("kcat-keyed");
            assertThat(line.key()).startsWith("key-");
            assertThat(line.value()).isEqualTo("value-" + line.key().substring("key-".length()));
            assertThat(line.headers()).isEqualTo("h1=v1,h2=v2");
            assertThat(line.timestamp()).isBetween(before - 60_000, after + 60_000);
            assertThat(line.partition()).isBetween(0, 2);
            offsets.computeIfAbsent(line.partition(), p -> new ArrayList<>()).add(line.offset());
        }
        assertThat(lines.stream().map(Line::key).distinct()).hasSize(count);
        assertThat(offsets).as("keys spread over partitions").hasSizeGreaterThan(1);
        offsets.forEach((partition, list) -> assertThat(list)
                .as("offsets of partition %d", partition)
                .containsExactlyElementsOf(range(list.size())));

        final Map<String, ConsumerRecord<byte[], byte[]>> javaRecords = consumeWithJava("kcat-keyed", 3, count);
        for (final Line line : lines) {
            final ConsumerRecord<byte[], byte[]> r = javaRecords.get(line.partition() + "@" + line.offset());
            assertThat(r).as("Java consumer sees %s", line).isNotNull();
            assertThat(string(r.key())).isEqualTo(line.key());
            assertThat(string(r.value())).isEqualTo(line.value());
            assertThat(r.timestamp()).isEqualTo(line.timestamp());
            assertThat(r.timestampType()).isEqualTo(TimestampType.CREATE_TIME);
            final List<String> headers = new ArrayList<>();
            for (final Header h : r.headers()) {
                headers.add(h.key() + "=" + string(h.value()));
            }
            assertThat(headers).containsExactly("h1=v1", "h2=v2");
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"gzip", "snappy", "lz4", "zstd"})
    void shouldConsumeWhatKcatProducedWithEachCompressionCodec(final String codec) throws Exception {
        final String topic = "kcat-" + codec;
        createTopic(topic, 1);
        final int count = 200;

        kcat.run(compressibleInput(count), "-P", "-t", topic, "-K:", "-z", codec, "-H", "codec=" + codec);
        final List<Line> lines =
                kcat.run("", "-C", "-t", topic, "-o", "beginning", "-e", "-q", "-f", FORMAT).lines().stream()
                        .map(Line::parse)
                        .toList();

        assertThat(lines).hasSize(count);
        for (int i = 0; i < count; i++) {
            final Line line = lines.get(i);
            assertThat(line.offset()).isEqualTo(i);
            assertThat(line.key()).isEqualTo("k" + i);
            assertThat(line.value()).isEqualTo(compressibleValue(i));
            assertThat(line.headers()).isEqualTo("codec=" + codec);
        }
        final Map<String, ConsumerRecord<byte[], byte[]>> javaRecords = consumeWithJava(topic, 1, count);
        for (int i = 0; i < count; i++) {
            final ConsumerRecord<byte[], byte[]> r = javaRecords.get("0@" + i);
            assertThat(string(r.key())).isEqualTo("k" + i);
            assertThat(string(r.value())).isEqualTo(compressibleValue(i));
            assertThat(string(r.headers().lastHeader("codec").value())).isEqualTo(codec);
        }
    }

    /** kcat asked for zstd gets it: the stored batches (appended as they arrived) are zstd batches. */
    @Test
    void shouldStoreZstdBatchesWhenKcatProducesWithZstd() throws Exception {
        assertKcatBatchesAreStoredWith("zstd");
    }

    /**
     * The same for the older codecs, which librdkafka before 2.11 only uses when the broker advertises Produce v0
     * (Runnel does, as Kafka 4 does, while refusing v0-v2 requests).
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"gzip", "snappy"})
    void shouldStoreKcatBatchesWithTheCodecKcatWasAskedFor(final String codec) throws Exception {
        assertKcatBatchesAreStoredWith(codec);
    }

    /** librdkafka enables LZ4 only for brokers that advertise FindCoordinator v0 (its "LZ4" feature map). */
    @Test
    void shouldStoreKcatBatchesWithLz4() throws Exception {
        assertKcatBatchesAreStoredWith("lz4");
    }

    private void assertKcatBatchesAreStoredWith(final String codec) throws Exception {
        final String topic = "kcat-stored-" + codec;
        createTopic(topic, 1);

        kcat.run(compressibleInput(200), "-P", "-t", topic, "-K:", "-z", codec);

        assertThat(storedCodecs(topic))
                .as("codec of each stored batch (%s is %d)", codec, CODEC_IDS.get(codec))
                .isNotEmpty()
                .containsOnly(CODEC_IDS.get(codec));
    }

    private static String compressibleInput(final int count) {
        final StringBuilder input = new StringBuilder();
        for (int i = 0; i < count; i++) {
            input.append('k').append(i).append(':').append(compressibleValue(i)).append('\n');
        }
        return input.toString();
    }

    private static String compressibleValue(final int i) {
        return "value-" + i + "-" + "abcdefgh".repeat(16);
    }

    /** The compression codec (attributes & 7) of every batch in the partition's first segment. */
    private List<Integer> storedCodecs(final String topic) throws Exception {
        final ByteBuffer log =
                ByteBuffer.wrap(Files.readAllBytes(dir.resolve(topic + "-0").resolve("00000000000000000000.log")));
        final List<Integer> codecs = new ArrayList<>();
        while (log.remaining() >= 61) {
            final int start = log.position();
            final int length = log.getInt(start + 8);
            codecs.add(log.getShort(start + 21) & 7);
            log.position(start + 12 + length);
        }
        return codecs;
    }

    private void createTopic(final String name, final int partitions) throws Exception {
        try (Admin admin = broker.admin()) {
            admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1)))
                    .all()
                    .get(30, TimeUnit.SECONDS);
        }
    }

    /** Every record of the topic, by "partition@offset". */
    private Map<String, ConsumerRecord<byte[], byte[]>> consumeWithJava(
            final String topic, final int partitions, final int count) {
        final List<TopicPartition> tps = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            tps.add(new TopicPartition(topic, p));
        }
        final Map<String, ConsumerRecord<byte[], byte[]>> records = new HashMap<>();
        try (KafkaConsumer<byte[], byte[]> consumer = broker.consumer()) {
            consumer.assign(tps);
            consumer.seekToBeginning(tps);
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (records.size() < count && System.nanoTime() < deadline) {
                for (final ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    assertThat(records.put(r.partition() + "@" + r.offset(), r))
                            .as("seen once")
                            .isNull();
                }
            }
        }
        assertThat(records).hasSize(count);
        return records;
    }

    private static List<Long> range(final int n) {
        final List<Long> list = new ArrayList<>();
        for (long i = 0; i < n; i++) {
            list.add(i);
        }
        return list;
    }

    private static String string(final byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
