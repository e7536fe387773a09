package io.runnel.it.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.runnel.it.TestBrokerExtension;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * ApiVersions v5 (KIP-1242): a client that knows which cluster and node it means to reach names them, and a broker
 * that is not that node answers REBOOTSTRAP_REQUIRED. Every expected answer here was observed on Kafka 4.4.0 with
 * the same requests (cluster id and node id swapped for that broker's).
 */
@Timeout(30)
class ApiVersionsTest {
    private static final short V5 = 5;
    private static final String WRONG_CLUSTER = "another-cluster-000000";

    /** What a Kafka 4.4.0 broker advertises for each API Runnel serves (observed), as min..max. */
    private static final Map<ApiKeys, String> KAFKA_4_4_0 = Map.ofEntries(
            Map.entry(ApiKeys.PRODUCE, "0..13"),
            Map.entry(ApiKeys.FETCH, "4..18"),
            Map.entry(ApiKeys.LIST_OFFSETS, "1..11"),
            Map.entry(ApiKeys.METADATA, "0..13"),
            Map.entry(ApiKeys.OFFSET_COMMIT, "2..10"),
            Map.entry(ApiKeys.OFFSET_FETCH, "1..10"),
            Map.entry(ApiKeys.FIND_COORDINATOR, "0..6"),
            Map.entry(ApiKeys.JOIN_GROUP, "0..9"),
            Map.entry(ApiKeys.HEARTBEAT, "0..4"),
            Map.entry(ApiKeys.LEAVE_GROUP, "0..5"),
            Map.entry(ApiKeys.SYNC_GROUP, "0..5"),
            Map.entry(ApiKeys.DESCRIBE_GROUPS, "0..6"),
            Map.entry(ApiKeys.LIST_GROUPS, "0..5"),
            Map.entry(ApiKeys.API_VERSIONS, "0..5"),
            Map.entry(ApiKeys.CREATE_TOPICS, "2..7"),
            Map.entry(ApiKeys.DELETE_TOPICS, "1..6"),
            Map.entry(ApiKeys.DELETE_RECORDS, "0..2"),
            Map.entry(ApiKeys.UNREGISTER_BROKER, "0..0"),
            Map.entry(ApiKeys.INIT_PRODUCER_ID, "0..5"),
            Map.entry(ApiKeys.DESCRIBE_CONFIGS, "1..4"),
            Map.entry(ApiKeys.ALTER_CONFIGS, "0..2"),
            Map.entry(ApiKeys.DESCRIBE_LOG_DIRS, "1..5"),
            Map.entry(ApiKeys.CREATE_PARTITIONS, "0..3"),
            Map.entry(ApiKeys.DELETE_GROUPS, "0..3"),
            Map.entry(ApiKeys.INCREMENTAL_ALTER_CONFIGS, "0..1"),
            Map.entry(ApiKeys.OFFSET_DELETE, "0..0"),
            Map.entry(ApiKeys.DESCRIBE_CLUSTER, "0..2"),
            Map.entry(ApiKeys.DESCRIBE_QUORUM, "0..2"),
            Map.entry(ApiKeys.CONSUMER_GROUP_HEARTBEAT, "0..1"),
            Map.entry(ApiKeys.CONSUMER_GROUP_DESCRIBE, "0..1"));

    @RegisterExtension
    static final TestBrokerExtension BROKER = new TestBrokerExtension();

    /** Each API Runnel serves at the versions Kafka 4.4.0 serves it; none it does not serve. */
    @Test
    void shouldAdvertiseEveryServedApiAtTheVersionsKafka440Serves() throws Exception {
        final ApiVersionsResponseData response = apiVersions(null, -1);
        final Map<ApiKeys, String> advertised = new TreeMap<>();
        response.apiKeys()
                .forEach(
                        api -> advertised.put(ApiKeys.forId(api.apiKey()), api.minVersion() + ".." + api.maxVersion()));
        assertThat(advertised).containsExactlyInAnyOrderEntriesOf(KAFKA_4_4_0);
    }

    /**
     * The production features Kafka 4.4.0 advertises, each at the one level Runnel runs: 4.4-IV2 (33) for the
     * metadata, KIP-848 consumer groups, and level 0 (absent) for what Runnel does not serve, so that
     * {@code kafka-features describe} tells an operator which it is.
     */
    @Test
    void shouldAdvertiseTheFeatureLevelsRunnelRunsFinalizedAtTheImageOffset() throws Exception {
        final ApiVersionsResponseData response = apiVersions(null, -1);
        final Map<String, String> supported = new TreeMap<>();
        response.supportedFeatures().forEach(f -> supported.put(f.name(), f.minVersion() + ".." + f.maxVersion()));
        final Map<String, Short> finalized = new TreeMap<>();
        response.finalizedFeatures().forEach(f -> finalized.put(f.name(), f.maxVersionLevel()));

        assertThat(supported)
                .containsExactlyInAnyOrderEntriesOf(Map.of(
                        "metadata.version", "33..33",
                        "kraft.version", "0..0",
                        "group.version", "1..1",
                        "transaction.version", "0..0",
                        "eligible.leader.replicas.version", "0..0",
                        "share.version", "0..0",
                        "streams.version", "0..0"));
        assertThat(finalized)
                .containsExactlyInAnyOrderEntriesOf(Map.of("metadata.version", (short) 33, "group.version", (short) 1));
        assertThat(response.finalizedFeaturesEpoch())
                .as("the offset of the image served from, as in KRaft")
                .isPositive();
    }

    @Test
    void shouldServeWhenV5NamesThisClusterAndNode() throws Exception {
        final ApiVersionsResponseData response = apiVersions(clusterId(), nodeId());
        assertThat(response.errorCode()).isZero();
        assertThat(response.apiKeys().find(ApiKeys.API_VERSIONS.id).maxVersion())
                .isEqualTo(V5);
    }

    @Test
    void shouldServeWhenV5NamesNeitherClusterNorNode() throws Exception {
        // a bootstrap connection: the client does not know yet where it is
        final ApiVersionsResponseData response = apiVersions(null, -1);
        assertThat(response.errorCode()).isZero();
        assertThat(response.apiKeys()).isNotEmpty();
    }

    @Test
    void shouldAnswerRebootstrapRequiredWhenV5NamesAnotherCluster() throws Exception {
        final ApiVersionsResponseData response = apiVersions(WRONG_CLUSTER, nodeId());
        assertThat(response.errorCode()).isEqualTo(Errors.REBOOTSTRAP_REQUIRED.code());
        assertThat(response.apiKeys())
                .as("Kafka 4.4.0 lists no APIs with the error")
                .isEmpty();
    }

    @Test
    void shouldAnswerRebootstrapRequiredWhenV5NamesThisClusterButAnotherNode() throws Exception {
        final ApiVersionsResponseData response = apiVersions(clusterId(), nodeId() + 7);
        assertThat(response.errorCode()).isEqualTo(Errors.REBOOTSTRAP_REQUIRED.code());
        assertThat(response.apiKeys()).isEmpty();
    }

    /** Kafka 4.4.0 wants both fields or neither; an empty cluster id counts as set. */
    @ParameterizedTest(name = "cluster id {0}, node id {1}")
    @CsvSource(
            nullValues = "null",
            value = {"null, 1", "THIS, -1", "'', -1", "another-cluster-000000, -1"})
    void shouldAnswerInvalidRequestWhenV5NamesOnlyOneOfClusterAndNode(final String cluster, final int node)
            throws Exception {
        final ApiVersionsResponseData response = apiVersions("THIS".equals(cluster) ? clusterId() : cluster, node);
        assertThat(response.errorCode()).isEqualTo(Errors.INVALID_REQUEST.code());
        assertThat(response.apiKeys()).isEmpty();
    }

    @Test
    void shouldAnswerInvalidRequestBeforeCheckingClusterWhenSoftwareNameIsInvalid() throws Exception {
        try (WireClient client = WireClient.connect(BROKER.port())) {
            final ApiVersionsResponseData response = client.roundTrip(
                    new ApiVersionsRequestData()
                            .setClientSoftwareName("")
                            .setClientSoftwareVersion("1.0")
                            .setClusterId(WRONG_CLUSTER)
                            .setNodeId(nodeId()),
                    V5);
            assertThat(response.errorCode()).isEqualTo(Errors.INVALID_REQUEST.code());
            assertThat(response.apiKeys()).isEmpty();
        }
    }

    /** A kafka-clients 4.4.0 Admin that checks every connection after the first sends v5 with both ids. */
    @Test
    void shouldServeClientWhenClusterCheckIsEnabled() throws Exception {
        try (Admin admin = Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                BROKER.broker().bootstrap(),
                CommonClientConfigs.METADATA_CLUSTER_CHECK_ENABLE_CONFIG,
                true))) {
            assertThat(admin.describeCluster().clusterId().get()).isEqualTo(clusterId());
            admin.createTopics(List.of(new NewTopic("checked", 1, (short) 1)))
                    .all()
                    .get();
            assertThat(admin.listTopics().names().get()).contains("checked");
        }
    }

    private static ApiVersionsResponseData apiVersions(final String cluster, final int node) throws Exception {
        try (WireClient client = WireClient.connect(BROKER.port())) {
            return client.roundTrip(
                    new ApiVersionsRequestData()
                            .setClientSoftwareName("runnel-test")
                            .setClientSoftwareVersion("1.0")
                            .setClusterId(cluster)
                            .setNodeId(node),
                    V5);
        }
    }

    private static String clusterId() {
        return BROKER.broker().broker().clusterId();
    }

    private static int nodeId() {
        return BROKER.broker().broker().config().nodeId();
    }
}
