package io.runnel.it.protocol;

import static io.runnel.it.protocol.WireClient.assertBrokerServes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.runnel.it.KafkaTool;
import io.runnel.it.TestBroker;
import io.runnel.testsupport.TempDirs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.LogDirDescription;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.apache.kafka.common.message.DeleteRecordsRequestData;
import org.apache.kafka.common.message.DeleteRecordsResponseData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.ListOffsetsResponseData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ListOffsetsRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A broker with two {@code log.dirs} whose second directory fails, made as Kafka's {@code LogDirFailureTest} makes
 * it: the directory is deleted and a regular file takes its name, so the next file the broker creates there fails.
 * That directory's partitions answer KAFKA_STORAGE_ERROR while the first directory's partitions (and the metadata
 * log, which lives in the first directory) go on, and the broker stays up.
 */
@Timeout(120)
class LogDirFailureTest {
    /** Two of these overflow a 1 MiB segment, so the second append rolls: the roll creates files. */
    private static final int BIG = 600 * 1024;

    private static final String SEGMENT_1MIB = "1048576";
    private static final short V12 = 12;

    @TempDir
    Path tmp;

    @Test
    void shouldNotStartWhenTheMetadataLogCannotBeWrittenAndLeaveThePortFree() throws Exception {
        final Path full = Path.of("/dev/full");
        assumeTrue(Files.isWritable(full), "needs /dev/full (writes fail, ENOSPC)");
        final Path metadata = Files.createDirectories(tmp.resolve("full").resolve("__cluster_metadata"));
        Files.createSymbolicLink(metadata.resolve("metadata.log"), full);
        final String listeners = "PLAINTEXT://127.0.0.1:" + TestBroker.freePort();

        assertThatThrownBy(() -> TestBroker.start(tmp.resolve("full"), "listeners", listeners))
                .hasStackTraceContaining("Cannot append to metadata log");

        try (TestBroker healthy = TestBroker.start(tmp.resolve("healthy"), "listeners", listeners)) {
            assertBrokerServes(healthy.port());
        }
    }

    @Test
    void shouldAnswerKafkaStorageErrorForTheFailedDirectoryOnlyAndPlaceNewTopicsInTheHealthyOne() throws Exception {
        final Path d1 = tmp.resolve("d1");
        final Path d2 = tmp.resolve("d2");
        try (TestBroker broker = TestBroker.start(tmp, "log.dirs", d1 + "," + d2);
                Admin admin = broker.admin();
                KafkaProducer<byte[], byte[]> producer = broker.producer(
                        ProducerConfig.RETRIES_CONFIG,
                        0,
                        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                        false,
                        ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG,
                        5_000,
                        ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG,
                        4_000,
                        ProducerConfig.LINGER_MS_CONFIG,
                        0)) {
            // one partition each, created in turn: the least loaded directory takes each
            createTopic(admin, "healthy");
            createTopic(admin, "doomed");
            createTopic(admin, "doomed-too");
            final int node = broker.broker().config().nodeId();
            assertThat(partitionsIn(admin, node, d2)).containsExactly(new TopicPartition("doomed", 0));
            assertThat(partitionsIn(admin, node, d1))
                    .containsExactlyInAnyOrder(new TopicPartition("healthy", 0), new TopicPartition("doomed-too", 0));
            producer.send(new ProducerRecord<>("doomed", new byte[BIG])).get(30, TimeUnit.SECONDS);
            producer.send(new ProducerRecord<>("healthy", "before".getBytes())).get(30, TimeUnit.SECONDS);

            causeLogDirFailure(d2);

            assertThatThrownBy(() -> producer.send(new ProducerRecord<>("doomed", new byte[BIG]))
                            .get(30, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .cause()
                    .isInstanceOf(KafkaStorageException.class);

            final Map<String, LogDirDescription> dirs = admin.describeLogDirs(List.of(node))
                    .allDescriptions()
                    .get(30, TimeUnit.SECONDS)
                    .get(node);
            assertThat(dirs.get(d2.toAbsolutePath().toString()).error()).isInstanceOf(KafkaStorageException.class);
            assertThat(dirs.get(d2.toAbsolutePath().toString()).replicaInfos()).isEmpty();
            assertThat(dirs.get(d1.toAbsolutePath().toString()).error()).isNull();

            try (WireClient client = WireClient.connect(broker.port())) {
                assertStorageErrorEverywhere(client, "doomed");
                final MetadataResponseData.MetadataResponsePartition doomed = client.<MetadataResponseData>roundTrip(
                                Requests.metadata("doomed", false), V12)
                        .topics()
                        .find("doomed")
                        .partitions()
                        .get(0);
                assertThat(doomed.errorCode()).isEqualTo(Errors.LEADER_NOT_AVAILABLE.code());
                assertThat(doomed.leaderId()).isEqualTo(-1);
                assertThat(doomed.replicaNodes()).containsExactly(node);
                assertThat(doomed.offlineReplicas()).containsExactly(node);
                final MetadataResponseData.MetadataResponsePartition healthy = client.<MetadataResponseData>roundTrip(
                                Requests.metadata("healthy", false), V12)
                        .topics()
                        .find("healthy")
                        .partitions()
                        .get(0);
                assertThat(healthy.errorCode()).isZero();
                assertThat(healthy.leaderId()).isEqualTo(node);
                assertThat(healthy.offlineReplicas()).isEmpty();
            }

            // the healthy directory keeps producing and consuming, also past a roll, and takes new topics
            producer.send(new ProducerRecord<>("healthy", new byte[BIG])).get(30, TimeUnit.SECONDS);
            producer.send(new ProducerRecord<>("healthy", new byte[BIG])).get(30, TimeUnit.SECONDS);
            producer.send(new ProducerRecord<>("doomed-too", "fine".getBytes())).get(30, TimeUnit.SECONDS);
            createTopic(admin, "newcomer");
            producer.send(new ProducerRecord<>("newcomer", "hello".getBytes())).get(30, TimeUnit.SECONDS);
            assertThat(partitionsIn(admin, node, d1)).contains(new TopicPartition("newcomer", 0));
            assertThat(consumeAll(broker, new TopicPartition("healthy", 0), 3)).hasSize(3);
            assertThat(consumeAll(broker, new TopicPartition("newcomer", 0), 1)).hasSize(1);

            assertBrokerServes(broker.port());
        }
    }

    @Test
    void shouldStartWithTheUsableDirectoryAndKeepThePartitionsOfTheOtherOffline() throws Exception {
        final Path d1 = tmp.resolve("d1");
        final Path d2 = tmp.resolve("d2");
        try (TestBroker broker = TestBroker.start(tmp, "log.dirs", d1 + "," + d2, "offsets.topic.num.partitions", "1");
                Admin admin = broker.admin();
                KafkaProducer<byte[], byte[]> producer = broker.producer()) {
            createTopic(admin, "stays");
            createTopic(admin, "stranded");
            producer.send(new ProducerRecord<>("stays", "a".getBytes())).get(30, TimeUnit.SECONDS);
            producer.send(new ProducerRecord<>("stranded", "b".getBytes())).get(30, TimeUnit.SECONDS);
            final int node = broker.broker().config().nodeId();
            assertThat(partitionsIn(admin, node, d2)).containsExactly(new TopicPartition("stranded", 0));

            broker.broker().close();
            causeLogDirFailure(d2);
            broker.restart();

            try (WireClient client = WireClient.connect(broker.port())) {
                assertStorageErrorEverywhere(client, "stranded");
                final MetadataResponseData.MetadataResponsePartition stranded = client.<MetadataResponseData>roundTrip(
                                Requests.metadata("stranded", false), V12)
                        .topics()
                        .find("stranded")
                        .partitions()
                        .get(0);
                assertThat(stranded.errorCode()).isEqualTo(Errors.LEADER_NOT_AVAILABLE.code());
                assertThat(stranded.offlineReplicas()).containsExactly(node);
                final ProduceResponseData.PartitionProduceResponse stays = produce(client, "stays");
                assertThat(stays.errorCode()).isZero();
                assertThat(stays.baseOffset())
                        .as("the data of the usable directory survived")
                        .isEqualTo(1);
            }
            final Map<String, LogDirDescription> dirs = admin.describeLogDirs(List.of(node))
                    .allDescriptions()
                    .get(30, TimeUnit.SECONDS)
                    .get(node);
            assertThat(dirs.get(d2.toAbsolutePath().toString()).error()).isInstanceOf(KafkaStorageException.class);
            createTopic(admin, "later");
            assertThat(partitionsIn(admin, node, d1)).contains(new TopicPartition("later", 0));

            // committed offsets live in __consumer_offsets (created now, in d1): the offline partition still has them
            final TopicPartition strandedPartition = new TopicPartition("stranded", 0);
            admin.alterConsumerGroupOffsets("reader", Map.of(strandedPartition, new OffsetAndMetadata(1)))
                    .all()
                    .get(30, TimeUnit.SECONDS);
            assertThat(admin.listConsumerGroupOffsets("reader")
                            .partitionsToOffsetAndMetadata()
                            .get(30, TimeUnit.SECONDS)
                            .get(strandedPartition)
                            .offset())
                    .isEqualTo(1);
        }
    }

    @Test
    void shouldStartWhenALogDirIsARegularFileFromTheStart() throws Exception {
        final Path d1 = tmp.resolve("d1");
        final Path d2 = tmp.resolve("d2");
        Files.writeString(d2, "not a directory");
        try (TestBroker broker = TestBroker.start(tmp, "log.dirs", d1 + "," + d2);
                Admin admin = broker.admin();
                KafkaProducer<byte[], byte[]> producer = broker.producer()) {
            createTopic(admin, "first");
            createTopic(admin, "second");
            producer.send(new ProducerRecord<>("second", "x".getBytes())).get(30, TimeUnit.SECONDS);
            final int node = broker.broker().config().nodeId();
            assertThat(partitionsIn(admin, node, d1))
                    .containsExactlyInAnyOrder(new TopicPartition("first", 0), new TopicPartition("second", 0));
            final Map<String, LogDirDescription> dirs = admin.describeLogDirs(List.of(node))
                    .allDescriptions()
                    .get(30, TimeUnit.SECONDS)
                    .get(node);
            assertThat(dirs.get(d2.toAbsolutePath().toString()).error()).isInstanceOf(KafkaStorageException.class);

            final String described = kafkaLogDirs(broker, "--describe");
            assertThat(described)
                    .contains("\"logDir\":\"" + d1.toAbsolutePath() + "\"")
                    .contains("\"logDir\":\"" + d2.toAbsolutePath() + "\"")
                    .contains("\"partition\":\"second-0\"")
                    .contains(KafkaStorageException.class.getName());
        }
    }

    /** Runs kafka-log-dirs.sh (kafka-tools is on the test classpath) and returns what it prints. */
    private static String kafkaLogDirs(final TestBroker broker, final String... args) throws Exception {
        return String.join("\n", KafkaTool.run("LogDirsCommand", broker.bootstrap(), args));
    }

    /** Produce, Fetch, ListOffsets and DeleteRecords of partition 0 of {@code topic} all fail with the disk. */
    static void assertStorageErrorEverywhere(final WireClient client, final String topic) throws IOException {
        assertThat(produce(client, topic).errorCode()).as("produce").isEqualTo(Errors.KAFKA_STORAGE_ERROR.code());
        final FetchResponseData fetched = client.roundTrip(Requests.fetch(topic, null, 0, V12), V12);
        assertThat(fetched.responses().get(0).partitions().get(0).errorCode())
                .as("fetch")
                .isEqualTo(Errors.KAFKA_STORAGE_ERROR.code());
        for (final long target : List.of(ListOffsetsRequest.EARLIEST_TIMESTAMP, ListOffsetsRequest.LATEST_TIMESTAMP)) {
            final ListOffsetsResponseData offsets = client.roundTrip(Requests.listOffsets(topic, target), (short) 9);
            assertThat(offsets.topics().get(0).partitions().get(0).errorCode())
                    .as("list offsets %d", target)
                    .isEqualTo(Errors.KAFKA_STORAGE_ERROR.code());
        }
        final DeleteRecordsRequestData delete = new DeleteRecordsRequestData().setTimeoutMs(1000);
        delete.topics()
                .add(new DeleteRecordsRequestData.DeleteRecordsTopic()
                        .setName(topic)
                        .setPartitions(List.of(new DeleteRecordsRequestData.DeleteRecordsPartition()
                                .setPartitionIndex(0)
                                .setOffset(0))));
        final DeleteRecordsResponseData deleted = client.roundTrip(delete, (short) 2);
        assertThat(deleted.topics().find(topic).partitions().find(0).errorCode())
                .as("delete records")
                .isEqualTo(Errors.KAFKA_STORAGE_ERROR.code());
    }

    static ProduceResponseData.PartitionProduceResponse produce(final WireClient client, final String topic)
            throws IOException {
        final ProduceResponseData response =
                client.roundTrip(Requests.produce(topic, null, Requests.records("raw"), V12), V12);
        return response.responses().iterator().next().partitionResponses().get(0);
    }

    static void createTopic(final Admin admin, final String name) throws Exception {
        admin.createTopics(List.of(new NewTopic(name, 1, (short) 1).configs(Map.of("segment.bytes", SEGMENT_1MIB))))
                .all()
                .get(30, TimeUnit.SECONDS);
    }

    /** The partitions that DescribeLogDirs lists in {@code dir}. */
    static List<TopicPartition> partitionsIn(final Admin admin, final int node, final Path dir) throws Exception {
        final LogDirDescription description = admin.describeLogDirs(List.of(node))
                .allDescriptions()
                .get(30, TimeUnit.SECONDS)
                .get(node)
                .get(dir.toAbsolutePath().toString());
        assertThat(description).as("log dir %s", dir).isNotNull();
        return new ArrayList<>(description.replicaInfos().keySet());
    }

    static List<ConsumerRecord<byte[], byte[]>> consumeAll(
            final TestBroker broker, final TopicPartition tp, final int count) {
        final List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = broker.consumer()) {
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            for (int polls = 0; polls < 100 && records.size() < count; polls++) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        return records;
    }

    /** Kafka's {@code TestUtils.causeLogDirFailure}: the log directory goes, a regular file takes its name. */
    static void causeLogDirFailure(final Path dir) throws IOException {
        TempDirs.deleteRecursively(dir);
        Files.writeString(dir, "a failed disk");
    }
}
