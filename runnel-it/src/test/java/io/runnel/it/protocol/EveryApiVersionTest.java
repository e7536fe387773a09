package io.runnel.it.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.runnel.it.TestBroker;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.message.AlterConfigsRequestData;
import org.apache.kafka.common.message.AlterConfigsResponseData;
import org.apache.kafka.common.message.ApiMessageType;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.message.CreatePartitionsRequestData;
import org.apache.kafka.common.message.CreatePartitionsResponseData;
import org.apache.kafka.common.message.CreateTopicsResponseData;
import org.apache.kafka.common.message.DeleteRecordsRequestData;
import org.apache.kafka.common.message.DeleteRecordsResponseData;
import org.apache.kafka.common.message.DeleteTopicsRequestData;
import org.apache.kafka.common.message.DeleteTopicsResponseData;
import org.apache.kafka.common.message.DescribeClusterRequestData;
import org.apache.kafka.common.message.DescribeClusterResponseData;
import org.apache.kafka.common.message.DescribeConfigsRequestData;
import org.apache.kafka.common.message.DescribeConfigsResponseData;
import org.apache.kafka.common.message.DescribeLogDirsRequestData;
import org.apache.kafka.common.message.DescribeLogDirsResponseData;
import org.apache.kafka.common.message.DescribeQuorumResponseData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.IncrementalAlterConfigsRequestData;
import org.apache.kafka.common.message.IncrementalAlterConfigsResponseData;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.message.InitProducerIdResponseData;
import org.apache.kafka.common.message.ListOffsetsResponseData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.message.UnregisterBrokerRequestData;
import org.apache.kafka.common.message.UnregisterBrokerResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.DescribeQuorumRequest;
import org.apache.kafka.common.requests.ListOffsetsRequest;
import org.apache.kafka.common.utils.internals.AppInfoParser;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every API the broker advertises in ApiVersions, at every version in its advertised range, answers a minimal
 * valid request with a response that parses at that version, fills its frame exactly, and carries no error. The
 * one exception is Produce v0-v2, advertised but refused exactly as Kafka 4 does.
 */
@Timeout(60)
class EveryApiVersionTest {
    private static final String TOPIC = "versions";
    /** What the codec knows and Runnel does not serve yet, by the name kafka-clients gives it. */
    private static final List<String> NOT_YET_SERVED = List.of(
            // the cluster (#13, #14): quorum, registration, leadership, replica placement
            "AddRaftVoter",
            "RemoveRaftVoter",
            "UnregisterController",
            "UpdateFeatures",
            "ElectLeaders",
            "OffsetForLeaderEpoch",
            "DescribeTopicPartitions",
            "AlterPartitionReassignments",
            "ListPartitionReassignments",
            "AlterReplicaLogDirs",
            // transactions (#15)
            "AddOffsetsToTxn",
            "AddPartitionsToTxn",
            "EndTxn",
            "TxnOffsetCommit",
            "WriteTxnMarkers",
            "DescribeTransactions",
            "ListTransactions",
            "DescribeProducers",
            // security and quotas
            "SaslHandshake",
            "SaslAuthenticate",
            "CreateAcls",
            "DeleteAcls",
            "DescribeAcls",
            "AlterUserScramCredentials",
            "DescribeUserScramCredentials",
            "CreateDelegationToken",
            "DescribeDelegationToken",
            "ExpireDelegationToken",
            "RenewDelegationToken",
            "AlterClientQuotas",
            "DescribeClientQuotas",
            // client metrics and config listing (#16)
            "GetTelemetrySubscriptions",
            "PushTelemetry",
            "ListConfigResources",
            // share groups (queues)
            "ShareGroupHeartbeat",
            "ShareGroupDescribe",
            "ShareFetch",
            "ShareAcknowledge",
            "AlterShareGroupOffsets",
            "DeleteShareGroupOffsets",
            "DescribeShareGroupOffsets",
            "InitializeShareGroupState",
            "ReadShareGroupState",
            "ReadShareGroupStateSummary",
            "WriteShareGroupState",
            "DeleteShareGroupState",
            // streams groups
            "StreamsGroupHeartbeat",
            "StreamsGroupDescribe",
            "StreamsGroupTopologyDescriptionUpdate");

    @TempDir
    static Path dir;

    private static TestBroker broker;
    private static Uuid topicId;

    @BeforeAll
    static void startBroker() throws Exception {
        broker = TestBroker.start(dir, "group.initial.rebalance.delay.ms", "0", "offsets.topic.num.partitions", "3");
        try (WireClient client = WireClient.connect(broker.port())) {
            ProduceValidationTest.createTopic(client, TOPIC, Map.of());
            topicId = describeTopic(client, TOPIC).topicId();
            assertThat(topicId).isNotEqualTo(Uuid.ZERO_UUID);
            final ProduceResponseData seeded = client.roundTrip(
                    Requests.produce(TOPIC, topicId, Requests.records("seed"), (short) 12), (short) 12);
            assertThat(seeded.responses()
                            .iterator()
                            .next()
                            .partitionResponses()
                            .get(0)
                            .errorCode())
                    .isZero();
        }
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    /** One case per (API, version) the running broker advertises. */
    static Stream<Arguments> advertisedVersions() throws IOException {
        final List<Arguments> cases = new ArrayList<>();
        try (WireClient client = WireClient.connect(broker.port())) {
            final ApiVersionsResponseData versions = client.roundTrip(new ApiVersionsRequestData(), (short) 0);
            assertThat(versions.errorCode()).isZero();
            for (final ApiVersionsResponseData.ApiVersion api : versions.apiKeys()) {
                assertThat(api.minVersion()).isLessThanOrEqualTo(api.maxVersion());
                for (short v = api.minVersion(); v <= api.maxVersion(); v++) {
                    cases.add(Arguments.of(ApiKeys.forId(api.apiKey()), v));
                }
            }
        }
        return cases.stream();
    }

    /**
     * The APIs kafka-clients can speak to a broker listener that Runnel does not advertise, named in the test's
     * output and held to the list of what later issues bring, so a codec bump that adds an API fails here, by name.
     */
    @Test
    void shouldNameEveryApiTheCodecKnowsThatTheBrokerDoesNotAdvertise() throws IOException {
        final Set<ApiKeys> advertised = new HashSet<>();
        try (WireClient client = WireClient.connect(broker.port())) {
            final ApiVersionsResponseData versions = client.roundTrip(new ApiVersionsRequestData(), (short) 0);
            versions.apiKeys().forEach(api -> advertised.add(ApiKeys.forId(api.apiKey())));
        }
        final List<String> missing = ApiKeys.apisForListener(ApiMessageType.ListenerType.BROKER).stream()
                .filter(key -> !advertised.contains(key))
                .map(key -> key.name)
                .sorted()
                .toList();
        System.out.printf(
                "kafka-clients %s knows %d broker APIs; Runnel advertises %d; not advertised (%d): %s%n",
                AppInfoParser.getVersion(),
                ApiKeys.apisForListener(ApiMessageType.ListenerType.BROKER).size(),
                advertised.size(),
                missing.size(),
                String.join(", ", missing));
        assertThat(missing).containsExactlyInAnyOrderElementsOf(NOT_YET_SERVED);
    }

    @ParameterizedTest(name = "{0} v{1}")
    @MethodSource("advertisedVersions")
    void shouldAnswerWithoutErrorWhenMinimalRequestIsSentAtAdvertisedVersion(final ApiKeys key, final short version)
            throws Exception {
        try (WireClient client = WireClient.connect(broker.port())) {
            switch (key) {
                case API_VERSIONS -> apiVersions(client, version);
                case METADATA -> metadata(client, version);
                case CREATE_TOPICS -> createTopics(client, version);
                case CREATE_PARTITIONS -> createPartitions(client, version);
                case PRODUCE -> produce(client, version);
                case FETCH -> fetch(client, version);
                case LIST_OFFSETS -> listOffsets(client, version);
                case DELETE_RECORDS -> deleteRecords(client, version);
                case DESCRIBE_CONFIGS -> describeConfigs(client, version);
                case INCREMENTAL_ALTER_CONFIGS -> incrementalAlterConfigs(client, version);
                case ALTER_CONFIGS -> alterConfigs(client, version);
                case DESCRIBE_CLUSTER -> describeCluster(client, version);
                case DESCRIBE_QUORUM -> describeQuorum(client, version);
                case UNREGISTER_BROKER -> unregisterBroker(client, version);
                case DESCRIBE_LOG_DIRS -> describeLogDirs(client, version);
                case INIT_PRODUCER_ID -> initProducerId(client, version);
                case DELETE_TOPICS -> deleteTopics(client, version);
                case FIND_COORDINATOR -> GroupApiCases.findCoordinator(client, version);
                case JOIN_GROUP -> GroupApiCases.joinGroup(client, version);
                case SYNC_GROUP -> GroupApiCases.syncGroup(client, version);
                case HEARTBEAT -> GroupApiCases.heartbeat(client, version);
                case LEAVE_GROUP -> GroupApiCases.leaveGroup(client, version);
                case OFFSET_COMMIT -> GroupApiCases.offsetCommit(client, version, TOPIC);
                case OFFSET_FETCH -> GroupApiCases.offsetFetch(client, version, TOPIC);
                case OFFSET_DELETE -> GroupApiCases.offsetDelete(client, version, TOPIC);
                case LIST_GROUPS -> GroupApiCases.listGroups(client, version);
                case DESCRIBE_GROUPS -> GroupApiCases.describeGroups(client, version);
                case DELETE_GROUPS -> GroupApiCases.deleteGroups(client, version, TOPIC);
                case CONSUMER_GROUP_HEARTBEAT -> ConsumerGroupApiCases.consumerGroupHeartbeat(client, version, TOPIC);
                case CONSUMER_GROUP_DESCRIBE -> ConsumerGroupApiCases.consumerGroupDescribe(client, version, TOPIC);
                default ->
                    fail("The broker advertises %s v%d but this test has no minimal request for it", key, version);
            }
        }
    }

    private static void apiVersions(final WireClient client, final short version) throws Exception {
        final ApiVersionsResponseData response = exchange(
                client,
                new ApiVersionsRequestData()
                        .setClientSoftwareName("runnel-test")
                        .setClientSoftwareVersion("1.0"),
                version);
        assertThat(response.apiKeys().find(ApiKeys.API_VERSIONS.id)).isNotNull();
        assertThat(response.apiKeys().find(ApiKeys.METADATA.id)).isNotNull();
    }

    private static void metadata(final WireClient client, final short version) throws Exception {
        // Below v4 the field does not exist and must keep its default (true); the topic exists either way.
        final MetadataResponseData response = exchange(client, Requests.metadata(TOPIC, true), version);
        assertThat(response.topics()).hasSize(1);
        final MetadataResponseData.MetadataResponseTopic topic =
                response.topics().iterator().next();
        assertThat(topic.errorCode()).isZero();
        assertThat(topic.name()).isEqualTo(TOPIC);
        if (version >= 10) {
            assertThat(topic.topicId()).isEqualTo(topicId);
        }
        assertThat(topic.partitions()).hasSize(1);
        assertThat(topic.partitions().get(0).errorCode()).isZero();
        assertThat(topic.partitions().get(0).leaderId()).isNotNegative();
        assertThat(response.brokers()).isNotEmpty();
    }

    private static void createTopics(final WireClient client, final short version) throws Exception {
        final String name = "created-v" + version;
        final CreateTopicsResponseData response = exchange(client, Requests.createTopic(name, 1, Map.of()), version);
        final CreateTopicsResponseData.CreatableTopicResult result =
                response.topics().find(name);
        assertThat(result).isNotNull();
        assertThat(result.errorCode()).as(result.errorMessage()).isZero();
        if (version >= 5) {
            assertThat(result.numPartitions()).isEqualTo(1);
            assertThat(result.replicationFactor()).isEqualTo((short) 1);
        }
        if (version >= 7) {
            assertThat(result.topicId()).isNotEqualTo(Uuid.ZERO_UUID);
        }
        assertThat(describeTopic(client, name).partitions()).hasSize(1);
    }

    private static void createPartitions(final WireClient client, final short version) throws Exception {
        final String name = "grown-v" + version;
        ProduceValidationTest.createTopic(client, name, Map.of());
        final CreatePartitionsRequestData request = new CreatePartitionsRequestData().setTimeoutMs(10_000);
        request.topics()
                .add(new CreatePartitionsRequestData.CreatePartitionsTopic()
                        .setName(name)
                        .setCount(3)
                        .setAssignments(null));
        final CreatePartitionsResponseData response = exchange(client, request, version);
        assertThat(response.results()).hasSize(1);
        assertThat(response.results().get(0).name()).isEqualTo(name);
        assertThat(response.results().get(0).errorCode())
                .as(response.results().get(0).errorMessage())
                .isZero();
        assertThat(describeTopic(client, name).partitions()).hasSize(3);
    }

    private static void produce(final WireClient client, final short version) throws Exception {
        if (version < ApiKeys.PRODUCE.oldestVersion()) {
            // Advertised from v0 only for old librdkafka's feature detection (KAFKA-18659); like Kafka 4, the
            // broker cannot read v0-v2, so the connection closes. kafka-clients cannot write them either: a v0
            // body is hand-made (acks, timeout, no topics).
            final byte[] body = ByteBuffer.allocate(10)
                    .putShort((short) -1)
                    .putInt(10_000)
                    .putInt(0)
                    .array();
            client.sendRaw(WireClient.frame(ApiKeys.PRODUCE, version, 1, body));
            assertThat(client.closedByPeer())
                    .as("connection after Produce v%d", version)
                    .isTrue();
            WireClient.assertBrokerServes(broker.port());
            return;
        }
        final ProduceResponseData response =
                exchange(client, Requests.produce(TOPIC, topicId, Requests.records("v" + version), version), version);
        assertThat(response.responses()).hasSize(1);
        final ProduceResponseData.TopicProduceResponse topic =
                response.responses().iterator().next();
        if (version >= Requests.FIRST_TOPIC_ID_VERSION) {
            assertThat(topic.topicId()).isEqualTo(topicId);
        } else {
            assertThat(topic.name()).isEqualTo(TOPIC);
        }
        final ProduceResponseData.PartitionProduceResponse partition =
                topic.partitionResponses().get(0);
        assertThat(partition.errorCode()).as(partition.errorMessage()).isZero();
        assertThat(partition.baseOffset()).isPositive();
    }

    private static void fetch(final WireClient client, final short version) throws Exception {
        final FetchResponseData response = exchange(client, Requests.fetch(TOPIC, topicId, 0, version), version);
        assertThat(response.responses()).hasSize(1);
        final FetchResponseData.FetchableTopicResponse topic =
                response.responses().get(0);
        if (version >= Requests.FIRST_TOPIC_ID_VERSION) {
            assertThat(topic.topicId()).isEqualTo(topicId);
        } else {
            assertThat(topic.topic()).isEqualTo(TOPIC);
        }
        final FetchResponseData.PartitionData partition = topic.partitions().get(0);
        assertThat(partition.errorCode()).isZero();
        assertThat(partition.highWatermark()).isPositive();
        assertThat(partition.records().sizeInBytes())
                .as("records from offset 0")
                .isPositive();
    }

    private static void listOffsets(final WireClient client, final short version) throws Exception {
        final ListOffsetsResponseData earliest =
                exchange(client, Requests.listOffsets(TOPIC, ListOffsetsRequest.EARLIEST_TIMESTAMP), version);
        final ListOffsetsResponseData latest =
                exchange(client, Requests.listOffsets(TOPIC, ListOffsetsRequest.LATEST_TIMESTAMP), version);
        assertThat(earliest.topics().get(0).name()).isEqualTo(TOPIC);
        assertThat(earliest.topics().get(0).partitions().get(0).offset()).isZero();
        assertThat(latest.topics().get(0).partitions().get(0).offset()).isPositive();
    }

    /** Deletes nothing (before offset 0), so the other cases still see the topic from its first record. */
    private static void deleteRecords(final WireClient client, final short version) throws Exception {
        final DeleteRecordsRequestData request = new DeleteRecordsRequestData().setTimeoutMs(5000);
        request.topics()
                .add(new DeleteRecordsRequestData.DeleteRecordsTopic()
                        .setName(TOPIC)
                        .setPartitions(List.of(new DeleteRecordsRequestData.DeleteRecordsPartition()
                                .setPartitionIndex(0)
                                .setOffset(0))));
        final DeleteRecordsResponseData response = exchange(client, request, version);
        final DeleteRecordsResponseData.DeleteRecordsPartitionResult result =
                response.topics().find(TOPIC).partitions().find(0);
        assertThat(result.errorCode()).isZero();
        assertThat(result.lowWatermark()).isZero();
    }

    private static void describeConfigs(final WireClient client, final short version) throws Exception {
        final DescribeConfigsRequestData request = new DescribeConfigsRequestData();
        request.resources()
                .add(new DescribeConfigsRequestData.DescribeConfigsResource()
                        .setResourceType(ConfigResource.Type.TOPIC.id())
                        .setResourceName(TOPIC)
                        .setConfigurationKeys(null));
        final DescribeConfigsResponseData response = exchange(client, request, version);
        assertThat(response.results()).hasSize(1);
        final DescribeConfigsResponseData.DescribeConfigsResult result =
                response.results().get(0);
        assertThat(result.errorCode()).as(result.errorMessage()).isZero();
        assertThat(result.resourceName()).isEqualTo(TOPIC);
        assertThat(result.configs())
                .extracting(DescribeConfigsResponseData.DescribeConfigsResourceResult::name)
                .contains("cleanup.policy", "max.message.bytes", "retention.ms");
    }

    private static void incrementalAlterConfigs(final WireClient client, final short version) throws Exception {
        final String name = "altered-v" + version;
        ProduceValidationTest.createTopic(client, name, Map.of());
        final IncrementalAlterConfigsRequestData.AlterConfigsResource resource =
                new IncrementalAlterConfigsRequestData.AlterConfigsResource()
                        .setResourceType(ConfigResource.Type.TOPIC.id())
                        .setResourceName(name);
        resource.configs()
                .add(new IncrementalAlterConfigsRequestData.AlterableConfig()
                        .setName("retention.ms")
                        .setConfigOperation((byte) 0)
                        .setValue("3600000"));
        final IncrementalAlterConfigsRequestData request = new IncrementalAlterConfigsRequestData();
        request.resources().add(resource);
        final IncrementalAlterConfigsResponseData response = exchange(client, request, version);
        assertThat(response.responses()).singleElement().satisfies(r -> {
            assertThat(r.resourceName()).isEqualTo(name);
            assertThat(r.errorCode()).as(r.errorMessage()).isZero();
        });
        assertThat(topicConfig(client, name, "retention.ms")).isEqualTo("3600000");
    }

    private static void alterConfigs(final WireClient client, final short version) throws Exception {
        final String name = "replaced-v" + version;
        ProduceValidationTest.createTopic(client, name, Map.of());
        final AlterConfigsRequestData.AlterConfigsResource resource = new AlterConfigsRequestData.AlterConfigsResource()
                .setResourceType(ConfigResource.Type.TOPIC.id())
                .setResourceName(name);
        resource.configs()
                .add(new AlterConfigsRequestData.AlterableConfig()
                        .setName("retention.ms")
                        .setValue("7200000"));
        final AlterConfigsRequestData request = new AlterConfigsRequestData();
        request.resources().add(resource);
        final AlterConfigsResponseData response = exchange(client, request, version);
        assertThat(response.responses()).singleElement().satisfies(r -> {
            assertThat(r.resourceName()).isEqualTo(name);
            assertThat(r.errorCode()).as(r.errorMessage()).isZero();
        });
        assertThat(topicConfig(client, name, "retention.ms")).isEqualTo("7200000");
    }

    private static String topicConfig(final WireClient client, final String topic, final String key) throws Exception {
        final DescribeConfigsRequestData request = new DescribeConfigsRequestData();
        request.resources()
                .add(new DescribeConfigsRequestData.DescribeConfigsResource()
                        .setResourceType(ConfigResource.Type.TOPIC.id())
                        .setResourceName(topic)
                        .setConfigurationKeys(List.of(key)));
        final DescribeConfigsResponseData response = client.roundTrip(request, (short) 4);
        return response.results().get(0).configs().get(0).value();
    }

    private static void describeCluster(final WireClient client, final short version) throws Exception {
        final DescribeClusterResponseData response = exchange(client, new DescribeClusterRequestData(), version);
        assertThat(response.clusterId()).isNotBlank();
        assertThat(response.brokers()).isNotEmpty();
    }

    /** The quick-start node is its own quorum of one: it leads, and has committed every metadata record. */
    private static void describeQuorum(final WireClient client, final short version) throws Exception {
        final DescribeQuorumResponseData response = exchange(
                client, DescribeQuorumRequest.singletonRequest(new TopicPartition("__cluster_metadata", 0)), version);
        final DescribeQuorumResponseData.PartitionData partition =
                response.topics().get(0).partitions().get(0);
        final int self = broker.broker().config().nodeId();
        assertThat(partition.leaderId()).isEqualTo(self);
        assertThat(partition.highWatermark()).isPositive();
        assertThat(partition.currentVoters()).singleElement().satisfies(voter -> {
            assertThat(voter.replicaId()).isEqualTo(self);
            assertThat(voter.logEndOffset()).isEqualTo(partition.highWatermark());
        });
    }

    /** The one broker is not unregistered by a test of versions: an unknown id answers Kafka's error. */
    private static void unregisterBroker(final WireClient client, final short version) throws Exception {
        final UnregisterBrokerResponseData response = (UnregisterBrokerResponseData)
                client.exchange(new UnregisterBrokerRequestData().setBrokerId(999), version)
                        .data();
        assertThat(response.errorCode()).isEqualTo(Errors.BROKER_ID_NOT_REGISTERED.code());
    }

    private static void describeLogDirs(final WireClient client, final short version) throws Exception {
        final DescribeLogDirsRequestData request = new DescribeLogDirsRequestData();
        request.topics()
                .add(new DescribeLogDirsRequestData.DescribableLogDirTopic()
                        .setTopic(TOPIC)
                        .setPartitions(List.of(0)));
        final DescribeLogDirsResponseData response = exchange(client, request, version);
        final DescribeLogDirsResponseData.DescribeLogDirsResult logDir =
                response.results().get(0);
        assertThat(response.results()).hasSize(1);
        assertThat(logDir.logDir()).isEqualTo(dir.toAbsolutePath().toString());
        final DescribeLogDirsResponseData.DescribeLogDirsPartition partition =
                logDir.topics().get(0).partitions().get(0);
        assertThat(logDir.topics().get(0).name()).isEqualTo(TOPIC);
        assertThat(partition.partitionSize()).isPositive();
        assertThat(partition.offsetLag()).isZero();
        if (version >= 4) {
            assertThat(logDir.totalBytes()).isPositive();
            assertThat(logDir.usableBytes()).isPositive();
        }
        if (version >= 5) {
            assertThat(logDir.isCordoned()).isFalse();
        }
    }

    private static void initProducerId(final WireClient client, final short version) throws Exception {
        final InitProducerIdResponseData response = exchange(
                client,
                new InitProducerIdRequestData().setTransactionalId(null).setTransactionTimeoutMs(60_000),
                version);
        assertThat(response.producerId()).isNotNegative();
        assertThat(response.producerEpoch()).isNotNegative();
    }

    private static void deleteTopics(final WireClient client, final short version) throws Exception {
        final String name = "doomed-v" + version;
        ProduceValidationTest.createTopic(client, name, Map.of());
        final DeleteTopicsRequestData request = new DeleteTopicsRequestData().setTimeoutMs(10_000);
        if (version >= 6) {
            request.topics().add(new DeleteTopicsRequestData.DeleteTopicState().setName(name));
        } else {
            request.topicNames().add(name);
        }
        final DeleteTopicsResponseData response = exchange(client, request, version);
        assertThat(response.responses()).hasSize(1);
        final DeleteTopicsResponseData.DeletableTopicResult result =
                response.responses().iterator().next();
        assertThat(result.name()).isEqualTo(name);
        assertThat(result.errorCode()).as(result.errorMessage()).isZero();
        final MetadataResponseData after = client.roundTrip(Requests.metadata(name, false), (short) 12);
        assertThat(after.topics().find(name).errorCode()).isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
    }

    /** Round trip that also insists kafka-clients finds no error anywhere in the response. */
    @SuppressWarnings("unchecked")
    static <T extends ApiMessage> T exchange(final WireClient client, final ApiMessage request, final short version)
            throws Exception {
        final AbstractResponse response = client.exchange(request, version);
        assertThat(response.errorCounts().keySet())
                .as("errors in %s v%d response %s", response.apiKey(), version, response.data())
                .isSubsetOf(Errors.NONE);
        return (T) response.data();
    }

    private static MetadataResponseData.MetadataResponseTopic describeTopic(final WireClient client, final String name)
            throws Exception {
        final MetadataResponseData response = client.roundTrip(Requests.metadata(name, false), (short) 12);
        final MetadataResponseData.MetadataResponseTopic topic =
                response.topics().find(name);
        assertThat(topic.errorCode()).isZero();
        return topic;
    }
}
