package io.runnel.metadata.controller;

import static org.assertj.core.api.Assertions.assertThat;

import io.runnel.metadata.config.ConfigChange;
import io.runnel.metadata.config.ConfigOperation;
import io.runnel.metadata.image.BrokerRegistration;
import io.runnel.metadata.log.LocalMetadataLog;
import io.runnel.metadata.log.MetadataLog;
import io.runnel.metadata.record.ConfigResourceType;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** IncrementalAlterConfigs and AlterConfigs through the controller, against a real metadata log. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class AlterConfigsControllerTest {
    private static final BrokerRegistration SELF = new BrokerRegistration(1, "localhost", 9092, "PLAINTEXT", null);

    @TempDir
    Path dir;

    private MetadataLog log;
    private MetadataController controller;

    @BeforeEach
    void setUp() {
        start();
        final List<CreateTopicResult> created = controller
                .createTopics(
                        List.of(
                                new CreateTopicSpec(
                                        "orders", 1, (short) 1, Map.of(), Map.of("segment.bytes", "1048576")),
                                new CreateTopicSpec("other", 1, (short) 1, Map.of(), Map.of())),
                        false)
                .join();
        assertThat(created).allSatisfy(r -> assertThat(r.error().isSuccess()).isTrue());
    }

    @AfterEach
    void tearDown() {
        controller.close();
        log.close();
    }

    private void start() {
        log = LocalMetadataLog.open(dir);
        controller = new MetadataController(log, SELF, 1, (short) 1, Map.of());
        controller.start().join();
    }

    private static AlterConfigsSpec topic(final String name, final ConfigChange... changes) {
        return new AlterConfigsSpec(ConfigResourceType.TOPIC, name, List.of(changes));
    }

    private static ConfigChange op(final String name, final ConfigOperation operation, final String value) {
        return new ConfigChange(name, operation, value);
    }

    private ApiError incremental(final AlterConfigsSpec spec) {
        final List<AlterConfigsResult> results =
                controller.incrementalAlterConfigs(List.of(spec), false).join();
        assertThat(results).hasSize(1);
        return results.get(0).error();
    }

    private ApiError legacy(final AlterConfigsSpec spec) {
        final List<AlterConfigsResult> results =
                controller.alterConfigs(List.of(spec), false).join();
        assertThat(results).hasSize(1);
        return results.get(0).error();
    }

    private Map<String, String> configs(final String topic) {
        return controller.image().topic(topic).configs();
    }

    private static void assertError(final ApiError error, final Errors expected, final String messagePart) {
        assertThat(error.error()).as(error.messageOrDefault()).isEqualTo(expected);
        assertThat(error.messageOrDefault()).contains(messagePart);
    }

    @Test
    void shouldSetAndDeleteTopicConfigsAndKeepTheOthers() {
        assertThat(incremental(topic("orders", ConfigChange.set("retention.ms", "60000"))))
                .isEqualTo(ApiError.NONE);
        assertThat(configs("orders"))
                .containsOnly(Map.entry("segment.bytes", "1048576"), Map.entry("retention.ms", "60000"));

        assertThat(incremental(topic("orders", op("retention.ms", ConfigOperation.DELETE, null))))
                .isEqualTo(ApiError.NONE);
        assertThat(configs("orders")).containsOnly(Map.entry("segment.bytes", "1048576"));
    }

    @Test
    void shouldKeepChangesWhenRestarted() {
        incremental(topic("orders", ConfigChange.set("max.message.bytes", "2048")));
        controller.close();
        log.close();

        start();

        assertThat(configs("orders")).containsEntry("max.message.bytes", "2048");
    }

    @Test
    void shouldWriteNothingWhenNothingChanges() {
        final long before = controller.image().lastOffset();

        assertThat(incremental(topic(
                        "orders",
                        ConfigChange.set("segment.bytes", "1048576"),
                        op("retention.ms", ConfigOperation.DELETE, null))))
                .isEqualTo(ApiError.NONE);

        assertThat(controller.image().lastOffset()).isEqualTo(before);
    }

    @Test
    void shouldAppendToAListStartingFromItsDefaultAndSkipElementsAlreadyThere() {
        assertThat(incremental(topic("orders", op("cleanup.policy", ConfigOperation.APPEND, "compact"))))
                .isEqualTo(ApiError.NONE);
        assertThat(configs("orders")).containsEntry("cleanup.policy", "delete,compact");

        incremental(topic("orders", op("cleanup.policy", ConfigOperation.APPEND, "delete")));
        assertThat(configs("orders")).containsEntry("cleanup.policy", "delete,compact");
    }

    @Test
    void shouldSubtractFromAList() {
        incremental(topic("orders", ConfigChange.set("cleanup.policy", "delete,compact")));

        assertThat(incremental(topic("orders", op("cleanup.policy", ConfigOperation.SUBTRACT, "delete"))))
                .isEqualTo(ApiError.NONE);

        assertThat(configs("orders")).containsEntry("cleanup.policy", "compact");
    }

    @Test
    void shouldKeepAnEmptyCleanupPolicyWhenItsLastPolicyIsSubtracted() {
        // Kafka 4.2+ (KIP-1161): an empty cleanup.policy is valid and means keep forever
        assertThat(incremental(topic("orders", op("cleanup.policy", ConfigOperation.SUBTRACT, "delete"))))
                .isEqualTo(ApiError.NONE);
        assertThat(configs("orders")).containsEntry("cleanup.policy", "");
    }

    @Test
    void shouldRefuseAppendAndSubtractOnConfigsThatAreNotLists() {
        assertError(
                incremental(topic("orders", op("retention.ms", ConfigOperation.APPEND, "1"))),
                Errors.INVALID_CONFIG,
                "Can't APPEND to key retention.ms because its type is not LIST.");
        assertError(
                incremental(topic("orders", op("no.such.config", ConfigOperation.SUBTRACT, "1"))),
                Errors.INVALID_CONFIG,
                "Can't SUBTRACT to key no.such.config");
    }

    @Test
    void shouldRefuseUnknownNamesAndBadValuesAndChangeNothing() {
        assertError(
                incremental(topic(
                        "orders", ConfigChange.set("retention.ms", "1000"), ConfigChange.set("no.such.config", "1"))),
                Errors.INVALID_CONFIG,
                "Unknown topic config name: no.such.config");
        assertError(
                incremental(topic("orders", ConfigChange.set("retention.ms", "soon"))),
                Errors.INVALID_CONFIG,
                "Invalid value soon for configuration retention.ms");
        assertError(
                incremental(topic("orders", ConfigChange.set("segment.bytes", "10"))),
                Errors.INVALID_CONFIG,
                "segment.bytes");

        assertThat(configs("orders")).containsOnly(Map.entry("segment.bytes", "1048576"));
    }

    @Test
    void shouldReportMissingTopicsAndBadTopicNames() {
        assertError(
                incremental(topic("missing", ConfigChange.set("retention.ms", "1000"))),
                Errors.UNKNOWN_TOPIC_OR_PARTITION,
                "The topic 'missing' does not exist.");
        assertError(
                incremental(topic("", ConfigChange.set("retention.ms", "1000"))),
                Errors.INVALID_REQUEST,
                "Default topic resources are not allowed.");
        assertError(
                incremental(topic("bad/name", ConfigChange.set("retention.ms", "1000"))),
                Errors.INVALID_TOPIC_EXCEPTION,
                "bad/name");
    }

    @Test
    void shouldRefuseDuplicateKeysAndMissingValues() {
        assertError(
                incremental(topic(
                        "orders",
                        ConfigChange.set("retention.ms", "1"),
                        op("retention.ms", ConfigOperation.DELETE, null))),
                Errors.INVALID_REQUEST,
                "Error due to duplicate config keys");
        assertError(
                incremental(topic("orders", ConfigChange.set("retention.ms", null))),
                Errors.INVALID_REQUEST,
                "Null value not supported for : retention.ms");
        assertError(
                legacy(topic("orders", ConfigChange.set("retention.ms", null))),
                Errors.INVALID_REQUEST,
                "Null value not supported for : retention.ms");
    }

    @Test
    void shouldRefuseEveryCopyOfAResourceNamedTwiceButAlterTheOthers() {
        final List<AlterConfigsResult> results = controller
                .incrementalAlterConfigs(
                        List.of(
                                topic("orders", ConfigChange.set("retention.ms", "1")),
                                topic("other", ConfigChange.set("retention.ms", "2")),
                                topic("orders", ConfigChange.set("retention.ms", "3"))),
                        false)
                .join();

        assertThat(results)
                .extracting(r -> r.error().error())
                .containsExactly(Errors.INVALID_REQUEST, Errors.NONE, Errors.INVALID_REQUEST);
        assertThat(results.get(0).error().message()).isEqualTo("Each resource must appear at most once.");
        assertThat(configs("orders")).doesNotContainKey("retention.ms");
        assertThat(configs("other")).containsEntry("retention.ms", "2");
    }

    @Test
    void shouldWriteNothingWhenValidateOnlyButReportTheSameErrors() {
        final long before = controller.image().lastOffset();

        final List<AlterConfigsResult> results = controller
                .incrementalAlterConfigs(
                        List.of(
                                topic("orders", ConfigChange.set("retention.ms", "1")),
                                topic("other", ConfigChange.set("retention.ms", "-5"))),
                        true)
                .join();

        assertThat(results).extracting(r -> r.error().error()).containsExactly(Errors.NONE, Errors.INVALID_CONFIG);
        assertThat(controller.image().lastOffset()).isEqualTo(before);
        assertThat(configs("orders")).doesNotContainKey("retention.ms");
    }

    @Test
    void shouldReplaceEveryDynamicConfigWhenLegacyAlterConfigs() {
        incremental(topic("orders", ConfigChange.set("retention.ms", "1000")));

        assertThat(legacy(topic("orders", ConfigChange.set("max.message.bytes", "4096"))))
                .isEqualTo(ApiError.NONE);

        assertThat(configs("orders")).containsOnly(Map.entry("max.message.bytes", "4096"));
    }

    @Test
    void shouldRemoveEveryDynamicConfigWhenLegacyAlterConfigsNamesNone() {
        assertThat(legacy(topic("orders"))).isEqualTo(ApiError.NONE);

        assertThat(configs("orders")).isEmpty();
    }

    private static AlterConfigsSpec broker(final String name, final ConfigChange... changes) {
        return new AlterConfigsSpec(ConfigResourceType.BROKER, name, List.of(changes));
    }

    @Test
    void shouldStoreDynamicBrokerConfigsForTheClusterDefaultAndThisBroker() {
        assertThat(incremental(broker("", ConfigChange.set("log.retention.ms", "1000"))))
                .isEqualTo(ApiError.NONE);
        assertThat(incremental(broker("1", op("log.cleanup.policy", ConfigOperation.APPEND, "compact"))))
                .isEqualTo(ApiError.NONE);

        assertThat(controller.image().brokerConfigs())
                .containsOnly(
                        Map.entry("", Map.of("log.retention.ms", "1000")),
                        Map.entry("1", Map.of("log.cleanup.policy", "delete,compact")));

        assertThat(incremental(broker("", op("log.retention.ms", ConfigOperation.DELETE, null))))
                .isEqualTo(ApiError.NONE);
        assertThat(controller.image().brokerConfigs()).doesNotContainKey("");
    }

    @Test
    void shouldRefuseOtherBrokersStaticConfigsAndBadValuesWithInvalidRequest() {
        assertError(
                incremental(broker("2", ConfigChange.set("log.retention.ms", "1"))),
                Errors.INVALID_REQUEST,
                "Unexpected broker id, expected 1, but received 2");
        assertError(
                incremental(broker("one", ConfigChange.set("log.retention.ms", "1"))),
                Errors.INVALID_REQUEST,
                "Node id must be an integer, but it is: one");
        assertError(
                incremental(broker("", ConfigChange.set("log.dirs", "/tmp"))),
                Errors.INVALID_REQUEST,
                "Cannot update these configs dynamically: log.dirs");
        assertError(
                incremental(broker("", ConfigChange.set("log.retention.hours", "1"))),
                Errors.INVALID_REQUEST,
                "Cannot update these configs dynamically: log.retention.hours");
        assertError(
                incremental(broker("", ConfigChange.set("log.segment.bytes", "10"))),
                Errors.INVALID_REQUEST,
                "Invalid value 10 for configuration log.segment.bytes");

        assertThat(controller.image().brokerConfigs()).isEmpty();
    }

    @Test
    void shouldShowDynamicBrokerConfigsInTheEffectiveConfigsOfNewTopics() {
        incremental(broker("", ConfigChange.set("log.retention.ms", "1000")));

        final CreateTopicResult created = controller
                .createTopics(List.of(new CreateTopicSpec("late", 1, (short) 1, Map.of(), Map.of())), false)
                .join()
                .get(0);

        assertThat(created.configs().get("retention.ms").value()).isEqualTo("1000");
        assertThat(created.configs().get("retention.ms").source())
                .isEqualTo(
                        org.apache.kafka.common.requests.DescribeConfigsResponse.ConfigSource
                                .DYNAMIC_DEFAULT_BROKER_CONFIG);
    }
}
