package io.runnel.broker.api.produce;

import static io.runnel.testsupport.RecordBatches.batch;
import static io.runnel.testsupport.RecordBatches.concat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.runnel.broker.api.LeaderHints;
import io.runnel.metadata.controller.CreateTopicSpec;
import io.runnel.metadata.controller.MetadataController;
import io.runnel.metadata.image.BrokerRegistration;
import io.runnel.metadata.log.LocalMetadataLog;
import io.runnel.protocol.CloseConnectionException;
import io.runnel.protocol.RequestContext;
import io.runnel.replication.Partitions;
import io.runnel.replication.PartitionsPublisher;
import io.runnel.storage.LogManager;
import io.runnel.testsupport.ManualClock;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.record.internal.Records;
import org.apache.kafka.common.requests.RequestHeader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Produce handler's shape rules, on the handler itself over real logs in a temp dir: the partitions come from
 * a real metadata log and controller through {@link PartitionsPublisher}, as {@code Broker} composes them, minus
 * the network. Every partition is answered on its own; a refused one appends nothing.
 */
class ProduceHandlerTest {
    private static final int NODE_ID = 1;
    private static final long T0 = 1_700_000_000_000L;
    private static final String TOPIC = "events";
    /** The last version that names topics; from v13 they are named by id. */
    private static final short BY_NAME = 12;

    private static final short BY_ID = 13;

    @TempDir
    Path dir;

    private LogManager logs;
    private LocalMetadataLog metadataLog;
    private MetadataController controller;
    private final Partitions partitions = new Partitions();
    private ProduceHandler handler;
    private Uuid topicId;

    @BeforeEach
    void startNode() throws Exception {
        logs = LogManager.open(List.of(dir.resolve("logs")), new ManualClock(T0));
        metadataLog = LocalMetadataLog.open(dir.resolve("metadata"));
        controller = new MetadataController(
                metadataLog,
                new BrokerRegistration(NODE_ID, "localhost", 9092, "PLAINTEXT", null),
                1,
                (short) 1,
                Map.of());
        controller.start().get(10, TimeUnit.SECONDS);
        controller
                .registerListener(new PartitionsPublisher(NODE_ID, logs, partitions, Map.of()))
                .get(10, TimeUnit.SECONDS);
        controller
                .createTopics(List.of(CreateTopicSpec.of(TOPIC, 2, (short) 1)), false)
                .get(10, TimeUnit.SECONDS);
        topicId = partitions.topicId(TOPIC);
        assertThat(topicId)
                .as("the publisher has opened the topic's partitions")
                .isNotEqualTo(Uuid.ZERO_UUID);
        handler = new ProduceHandler(partitions, new LeaderHints(controller::image));
    }

    @AfterEach
    void stopNode() throws Exception {
        controller.close();
        metadataLog.close();
        logs.close();
    }

    @Test
    void shouldAppendTheBatchAndAnswerItsBaseOffsetWhenAPartitionCarriesOneV2Batch() throws Exception {
        assertThat(produce(BY_NAME, (short) -1, byName(TOPIC, 0, batch(3, T0))))
                .singleElement()
                .satisfies(p -> {
                    assertThat(p.errorCode()).isEqualTo(Errors.NONE.code());
                    assertThat(p.baseOffset()).isZero();
                    assertThat(p.logStartOffset()).isZero();
                });
        assertThat(produce(BY_NAME, (short) 1, byName(TOPIC, 0, batch(2, T0))))
                .singleElement()
                .satisfies(p -> assertThat(p.baseOffset()).isEqualTo(3));
        assertThat(logEndOffset(0)).isEqualTo(5);
    }

    @Test
    void shouldRefuseEveryPartitionWithInvalidRequiredAcksWhenAcksIsNotMinusOneZeroOrOne() throws Exception {
        for (final short acks : new short[] {2, -2, 5}) {
            final ProduceRequestData.TopicProduceData topic = byName(TOPIC, 0, batch(1, T0));
            topic.partitionData().add(partition(1, batch(1, T0)));
            assertThat(produce(BY_NAME, acks, topic))
                    .as("acks=%d", acks)
                    .hasSize(2)
                    .allSatisfy(p -> assertRefused(p, Errors.INVALID_REQUIRED_ACKS));
        }
        assertThat(logEndOffset(0)).isZero();
        assertThat(logEndOffset(1)).isZero();
    }

    @Test
    void shouldRefuseThePartitionWithInvalidRecordWhenItCarriesMoreThanOneBatch() throws Exception {
        assertThat(produce(BY_NAME, (short) -1, byName(TOPIC, 0, concat(batch(1, T0), batch(1, T0)))))
                .singleElement()
                .satisfies(p -> {
                    assertRefused(p, Errors.INVALID_RECORD);
                    assertThat(p.errorMessage()).contains("only one record batch");
                });
        assertThat(logEndOffset(0)).isZero();
    }

    @Test
    void shouldRefuseThePartitionWithInvalidRecordWhenItsBatchIsNotV2() throws Exception {
        final ByteBuffer v1 = batch(1, T0);
        v1.put(v1.position() + Records.MAGIC_OFFSET, RecordBatch.MAGIC_VALUE_V1);
        assertThat(produce(BY_NAME, (short) -1, byName(TOPIC, 0, v1)))
                .singleElement()
                .satisfies(p -> {
                    assertRefused(p, Errors.INVALID_RECORD);
                    assertThat(p.errorMessage()).contains("v2 format");
                });
        assertThat(logEndOffset(0)).isZero();
    }

    @Test
    void shouldRefuseThePartitionWithInvalidRecordWhenItCarriesNoRecords() throws Exception {
        assertThat(produce(BY_NAME, (short) -1, byName(TOPIC, 0, MemoryRecords.EMPTY.buffer())))
                .singleElement()
                .satisfies(p -> assertRefused(p, Errors.INVALID_RECORD));
    }

    @Test
    void shouldRefuseThePartitionWithCorruptMessageWhenItsRecordsEndInsideTheFirstBatch() throws Exception {
        final ByteBuffer whole = batch(3, T0);
        final ByteBuffer truncated = whole.slice(whole.position(), whole.remaining() - 5);
        assertThat(produce(BY_NAME, (short) -1, byName(TOPIC, 0, truncated)))
                .singleElement()
                .satisfies(p -> assertRefused(p, Errors.CORRUPT_MESSAGE));
        assertThat(logEndOffset(0)).isZero();
    }

    @Test
    void shouldAnswerUnknownTopicOrPartitionWhenTheTopicNameIsUnknown() throws Exception {
        assertThat(produce(BY_NAME, (short) -1, byName("no-such-topic", 0, batch(1, T0))))
                .singleElement()
                .satisfies(p -> assertRefused(p, Errors.UNKNOWN_TOPIC_OR_PARTITION));
    }

    @Test
    void shouldAnswerUnknownTopicOrPartitionWhenThePartitionIsNotLedHere() throws Exception {
        assertThat(produce(BY_NAME, (short) -1, byName(TOPIC, 7, batch(1, T0))))
                .singleElement()
                .satisfies(p -> assertRefused(p, Errors.UNKNOWN_TOPIC_OR_PARTITION));
    }

    @Test
    void shouldAnswerUnknownTopicIdWhenTheTopicIdIsUnknownFromV13() throws Exception {
        final ProduceResponseData response = handle(BY_ID, (short) -1, byId(Uuid.randomUuid(), 0, batch(1, T0)));
        assertThat(response.responses())
                .singleElement()
                .satisfies(t -> assertThat(t.name()).isEmpty());
        assertThat(partitionsOf(response)).singleElement().satisfies(p -> assertRefused(p, Errors.UNKNOWN_TOPIC_ID));
    }

    @Test
    void shouldAppendByTopicIdAndAnswerWithTheIdWhenTheVersionIsV13() throws Exception {
        final ProduceResponseData response = handle(BY_ID, (short) -1, byId(topicId, 1, batch(4, T0)));
        assertThat(response.responses()).singleElement().satisfies(t -> {
            assertThat(t.topicId()).isEqualTo(topicId);
            assertThat(t.name()).isEmpty();
        });
        assertThat(partitionsOf(response))
                .singleElement()
                .satisfies(p -> assertThat(p.errorCode()).isEqualTo(Errors.NONE.code()));
        assertThat(logEndOffset(1)).isEqualTo(4);
    }

    @Test
    void shouldAnswerEachPartitionOnItsOwnWhenOnlyOneIsRefused() throws Exception {
        final ProduceRequestData.TopicProduceData topic = byName(TOPIC, 0, concat(batch(1, T0), batch(1, T0)));
        topic.partitionData().add(partition(1, batch(2, T0)));
        assertThat(produce(BY_NAME, (short) -1, topic))
                .satisfiesExactly(
                        p -> assertRefused(p, Errors.INVALID_RECORD),
                        p -> assertThat(p.errorCode()).isEqualTo(Errors.NONE.code()));
        assertThat(logEndOffset(0)).isZero();
        assertThat(logEndOffset(1)).isEqualTo(2);
    }

    @Test
    void shouldAnswerNothingWhenAcksIsZeroAndEveryPartitionSucceeds() throws Exception {
        assertThat(handler.handle(context(BY_NAME), request((short) 0, byName(TOPIC, 0, batch(2, T0))))
                        .get(10, TimeUnit.SECONDS))
                .isNull();
        assertThat(logEndOffset(0)).isEqualTo(2);
    }

    @Test
    void shouldCloseTheConnectionWhenAcksIsZeroAndAPartitionIsRefused() {
        assertThatThrownBy(() -> handler.handle(
                                context(BY_NAME), request((short) 0, byName("no-such-topic", 0, batch(1, T0))))
                        .get(10, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .cause()
                .isInstanceOf(CloseConnectionException.class)
                .hasMessageContaining("UNKNOWN_TOPIC_OR_PARTITION");
    }

    // ------------------------------------------------------------------------------------------ helpers

    private static void assertRefused(final ProduceResponseData.PartitionProduceResponse p, final Errors error) {
        assertThat(Errors.forCode(p.errorCode())).isEqualTo(error);
        assertThat(p.baseOffset()).isEqualTo(-1L);
        assertThat(p.logAppendTimeMs()).isEqualTo(-1L);
        assertThat(p.logStartOffset()).isEqualTo(-1L);
    }

    private long logEndOffset(final int partition) {
        return partitions.get(TOPIC, partition).logEndOffset();
    }

    private List<ProduceResponseData.PartitionProduceResponse> produce(
            final short version, final short acks, final ProduceRequestData.TopicProduceData topic) throws Exception {
        return partitionsOf(handle(version, acks, topic));
    }

    private ProduceResponseData handle(
            final short version, final short acks, final ProduceRequestData.TopicProduceData topic) throws Exception {
        return handler.handle(context(version), request(acks, topic)).get(10, TimeUnit.SECONDS);
    }

    private static List<ProduceResponseData.PartitionProduceResponse> partitionsOf(final ProduceResponseData r) {
        return r.responses().stream()
                .flatMap(t -> t.partitionResponses().stream())
                .toList();
    }

    private static RequestContext context(final short version) {
        return new RequestContext(
                new RequestHeader(ApiKeys.PRODUCE, version, "produce-handler-test", 1),
                new InetSocketAddress("127.0.0.1", 50_000));
    }

    private static ProduceRequestData request(final short acks, final ProduceRequestData.TopicProduceData topic) {
        final ProduceRequestData request =
                new ProduceRequestData().setAcks(acks).setTimeoutMs(10_000);
        request.topicData().add(topic);
        return request;
    }

    private static ProduceRequestData.TopicProduceData byName(
            final String name, final int partition, final ByteBuffer records) {
        final ProduceRequestData.TopicProduceData topic = new ProduceRequestData.TopicProduceData().setName(name);
        topic.partitionData().add(partition(partition, records));
        return topic;
    }

    private static ProduceRequestData.TopicProduceData byId(
            final Uuid id, final int partition, final ByteBuffer records) {
        final ProduceRequestData.TopicProduceData topic = new ProduceRequestData.TopicProduceData().setTopicId(id);
        topic.partitionData().add(partition(partition, records));
        return topic;
    }

    private static ProduceRequestData.PartitionProduceData partition(final int index, final ByteBuffer records) {
        return new ProduceRequestData.PartitionProduceData()
                .setIndex(index)
                .setRecords(MemoryRecords.readableRecords(records));
    }
}
