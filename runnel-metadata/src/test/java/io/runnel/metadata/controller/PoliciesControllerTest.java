package io.runnel.metadata.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.runnel.metadata.config.ConfigChange;
import io.runnel.metadata.config.ConfigOperation;
import io.runnel.metadata.image.BrokerRegistration;
import io.runnel.metadata.log.LocalMetadataLog;
import io.runnel.metadata.log.MetadataLog;
import io.runnel.metadata.record.ConfigResourceType;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.PolicyViolationException;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.server.policy.AlterConfigPolicy;
import org.apache.kafka.server.policy.CreateTopicPolicy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** create.topic.policy.class.name and alter.config.policy.class.name, asked by the controller as KRaft asks them. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class PoliciesControllerTest {
    private static final BrokerRegistration SELF = new BrokerRegistration(1, "localhost", 9092, "PLAINTEXT", null);

    /** Refuses topics named {@code forbidden-*} and records what it was asked. */
    public static final class NamingPolicy implements CreateTopicPolicy {
        static final List<RequestMetadata> ASKED = new ArrayList<>();
        static Map<String, ?> configuredWith = Map.of();
        static boolean closed;

        @Override
        public void configure(final Map<String, ?> configs) {
            configuredWith = configs;
        }

        @Override
        public void validate(final RequestMetadata request) {
            ASKED.add(request);
            if (request.topic().startsWith("forbidden-")) {
                throw new PolicyViolationException("Topic " + request.topic() + " is forbidden");
            }
            if (request.topic().startsWith("broken-")) {
                throw new IllegalStateException("a bug in the policy");
            }
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    /** Refuses a retention.ms under one minute and records what it was asked. */
    public static final class RetentionPolicy implements AlterConfigPolicy {
        static final List<RequestMetadata> ASKED = new ArrayList<>();

        @Override
        public void configure(final Map<String, ?> configs) {}

        @Override
        public void validate(final RequestMetadata request) {
            ASKED.add(request);
            for (final String name : List.of("retention.ms", "log.retention.ms")) {
                final String value = request.configs().get(name);
                if (value != null && Long.parseLong(value) < 60_000) {
                    throw new PolicyViolationException(name + " must be at least a minute, not " + value);
                }
            }
        }

        @Override
        public void close() {}
    }

    @TempDir
    Path dir;

    private MetadataLog log;
    private MetadataController controller;

    @BeforeEach
    void setUp() {
        NamingPolicy.ASKED.clear();
        NamingPolicy.closed = false;
        RetentionPolicy.ASKED.clear();
        log = LocalMetadataLog.open(dir);
        controller = new MetadataController(
                log,
                SELF,
                3,
                (short) 1,
                Map.of(
                        Policies.CREATE_TOPIC_POLICY,
                        NamingPolicy.class.getName(),
                        Policies.ALTER_CONFIG_POLICY,
                        RetentionPolicy.class.getName(),
                        "policy.owner",
                        "ops"));
        controller.start().join();
    }

    @AfterEach
    void tearDown() {
        controller.close();
        log.close();
    }

    private ApiError create(final CreateTopicSpec spec, final boolean validateOnly) {
        return controller
                .createTopics(List.of(spec), validateOnly)
                .join()
                .get(0)
                .error();
    }

    private ApiError incremental(final String topic, final ConfigChange... changes) {
        return controller
                .incrementalAlterConfigs(
                        List.of(new AlterConfigsSpec(ConfigResourceType.TOPIC, topic, List.of(changes))), false)
                .join()
                .get(0)
                .error();
    }

    @Test
    void shouldConfigureThePoliciesWithTheBrokersProperties() {
        assertThat(NamingPolicy.configuredWith.get("policy.owner")).isEqualTo("ops");
    }

    @Test
    void shouldRefuseATopicThePolicyForbidsWithItsMessageAndCreateNothing() {
        final ApiError error = create(CreateTopicSpec.of("forbidden-orders", -1, (short) -1), false);

        assertThat(error).isEqualTo(ApiError.of(Errors.POLICY_VIOLATION, "Topic forbidden-orders is forbidden"));
        assertThat(controller.image().topic("forbidden-orders")).isNull();
    }

    @Test
    void shouldAskTheCreateTopicPolicyWithTheResolvedCountsOrTheManualAssignment() {
        assertThat(create(
                        new CreateTopicSpec("orders", -1, (short) -1, Map.of(), Map.of("segment.bytes", "1048576")),
                        false))
                .isEqualTo(ApiError.NONE);
        assertThat(create(
                        new CreateTopicSpec("placed", -1, (short) -1, Map.of(0, List.of(1), 1, List.of(1)), Map.of()),
                        false))
                .isEqualTo(ApiError.NONE);

        assertThat(NamingPolicy.ASKED).hasSize(2);
        final CreateTopicPolicy.RequestMetadata orders = NamingPolicy.ASKED.get(0);
        assertThat(orders.numPartitions()).isEqualTo(3);
        assertThat(orders.replicationFactor()).isEqualTo((short) 1);
        assertThat(orders.replicasAssignments()).isNull();
        assertThat(orders.configs()).containsOnly(Map.entry("segment.bytes", "1048576"));
        final CreateTopicPolicy.RequestMetadata placed = NamingPolicy.ASKED.get(1);
        assertThat(placed.numPartitions()).isNull();
        assertThat(placed.replicationFactor()).isNull();
        assertThat(placed.replicasAssignments()).containsOnly(Map.entry(0, List.of(1)), Map.entry(1, List.of(1)));
    }

    @Test
    void shouldAskThePoliciesOnlyAfterTheBrokersOwnChecksPass() {
        assertThat(create(CreateTopicSpec.of("forbidden-but-bad", 0, (short) 1), false)
                        .error())
                .isEqualTo(Errors.INVALID_PARTITIONS);
        assertThat(incremental("missing", ConfigChange.set("retention.ms", "1")))
                .extracting(ApiError::error)
                .isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION);

        assertThat(NamingPolicy.ASKED).isEmpty();
        assertThat(RetentionPolicy.ASKED).isEmpty();
    }

    @Test
    void shouldAskThePoliciesWhenOnlyValidatingToo() {
        assertThat(create(CreateTopicSpec.of("forbidden-dry-run", 1, (short) 1), true)
                        .error())
                .isEqualTo(Errors.POLICY_VIOLATION);
        create(CreateTopicSpec.of("orders", 1, (short) 1), false);
        final List<AlterConfigsResult> dryRun = controller
                .incrementalAlterConfigs(
                        List.of(new AlterConfigsSpec(
                                ConfigResourceType.TOPIC, "orders", List.of(ConfigChange.set("retention.ms", "5")))),
                        true)
                .join();

        assertThat(dryRun.get(0).error().error()).isEqualTo(Errors.POLICY_VIOLATION);
    }

    @Test
    void shouldPassTheConfigsATopicIsCreatedWithThroughTheAlterConfigPolicy() {
        final ApiError error = create(
                new CreateTopicSpec("short-lived", 1, (short) 1, Map.of(), Map.of("retention.ms", "1000")), false);

        assertThat(error)
                .isEqualTo(ApiError.of(Errors.POLICY_VIOLATION, "retention.ms must be at least a minute, not 1000"));
        assertThat(controller.image().topic("short-lived")).isNull();
        assertThat(RetentionPolicy.ASKED)
                .singleElement()
                .satisfies(asked -> assertThat(asked.resource())
                        .isEqualTo(new ConfigResource(ConfigResource.Type.TOPIC, "short-lived")));
    }

    @Test
    void shouldShowTheAlterConfigPolicyOnlyWhatChangesOnATopic() {
        create(new CreateTopicSpec("orders", 1, (short) 1, Map.of(), Map.of("segment.bytes", "1048576")), false);
        RetentionPolicy.ASKED.clear();

        assertThat(incremental(
                        "orders",
                        ConfigChange.set("segment.bytes", "1048576"),
                        ConfigChange.set("retention.ms", "120000"),
                        new ConfigChange("max.message.bytes", ConfigOperation.DELETE, null)))
                .isEqualTo(ApiError.NONE);
        assertThat(incremental("orders", new ConfigChange("segment.bytes", ConfigOperation.DELETE, null)))
                .isEqualTo(ApiError.NONE);

        assertThat(RetentionPolicy.ASKED)
                .extracting(AlterConfigPolicy.RequestMetadata::configs)
                .containsExactly(Map.of("retention.ms", "120000"), nullValued("segment.bytes"));
    }

    @Test
    void shouldNotShowTheAlterConfigPolicyWhatALegacyAlterDeletesByLeavingItOut() {
        create(new CreateTopicSpec("orders", 1, (short) 1, Map.of(), Map.of("segment.bytes", "1048576")), false);
        RetentionPolicy.ASKED.clear();

        final List<AlterConfigsResult> results = controller
                .alterConfigs(
                        List.of(new AlterConfigsSpec(
                                ConfigResourceType.TOPIC,
                                "orders",
                                List.of(ConfigChange.set("retention.ms", "120000")))),
                        false)
                .join();

        assertThat(results.get(0).error()).isEqualTo(ApiError.NONE);
        assertThat(controller.image().topic("orders").configs()).containsOnly(Map.entry("retention.ms", "120000"));
        assertThat(RetentionPolicy.ASKED)
                .extracting(AlterConfigPolicy.RequestMetadata::configs)
                .containsExactly(Map.of("retention.ms", "120000"));
    }

    @Test
    void shouldShowTheAlterConfigPolicyEveryBrokerConfigNamedAndRefuseWhatItRefuses() {
        final List<AlterConfigsResult> results = controller
                .incrementalAlterConfigs(
                        List.of(new AlterConfigsSpec(
                                ConfigResourceType.BROKER, "", List.of(ConfigChange.set("log.retention.ms", "5")))),
                        false)
                .join();

        assertThat(results.get(0).error().error()).isEqualTo(Errors.POLICY_VIOLATION);
        assertThat(controller.image().brokerConfigs()).doesNotContainKey("");

        controller
                .incrementalAlterConfigs(
                        List.of(new AlterConfigsSpec(
                                ConfigResourceType.BROKER,
                                "1",
                                List.of(ConfigChange.set("log.retention.ms", "600000")))),
                        false)
                .join();
        RetentionPolicy.ASKED.clear();
        controller
                .incrementalAlterConfigs(
                        List.of(new AlterConfigsSpec(
                                ConfigResourceType.BROKER,
                                "1",
                                List.of(ConfigChange.set("log.retention.ms", "600000")))),
                        false)
                .join();
        assertThat(RetentionPolicy.ASKED).singleElement().satisfies(asked -> {
            assertThat(asked.resource()).isEqualTo(new ConfigResource(ConfigResource.Type.BROKER, "1"));
            assertThat(asked.configs()).containsOnly(Map.entry("log.retention.ms", "600000"));
        });
    }

    @Test
    void shouldAnswerUnknownServerErrorWhenAPolicyFailsOnItsOwn() {
        final ApiError error = create(CreateTopicSpec.of("broken-policy", 1, (short) 1), false);

        assertThat(error.error()).isEqualTo(Errors.UNKNOWN_SERVER_ERROR);
        assertThat(error.messageOrDefault()).doesNotContain("a bug in the policy");
        assertThat(create(CreateTopicSpec.of("after", 1, (short) 1), false)).isEqualTo(ApiError.NONE);
    }

    @Test
    void shouldCloseThePoliciesWithTheController() {
        controller.close();

        assertThat(NamingPolicy.closed).isTrue();
    }

    @Test
    void shouldRefuseToStartWithAPolicyClassThatIsMissingOrOfTheWrongKind() {
        assertThatThrownBy(() -> new MetadataController(
                        log, SELF, 1, (short) 1, Map.of(Policies.ALTER_CONFIG_POLICY, "com.example.NoSuchPolicy")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(Policies.ALTER_CONFIG_POLICY)
                .hasMessageContaining("com.example.NoSuchPolicy");
        assertThatThrownBy(() -> new MetadataController(
                        log, SELF, 1, (short) 1, Map.of(Policies.CREATE_TOPIC_POLICY, RetentionPolicy.class.getName())))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("is not an implementation of " + CreateTopicPolicy.class.getName());
    }

    private static Map<String, String> nullValued(final String name) {
        final Map<String, String> map = new HashMap<>();
        map.put(name, null);
        return map;
    }
}
