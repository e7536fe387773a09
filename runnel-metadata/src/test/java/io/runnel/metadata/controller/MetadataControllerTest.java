package io.runnel.metadata.controller;

import io.runnel.metadata.image.BrokerRegistration;
import io.runnel.metadata.image.MetadataImage;
import io.runnel.metadata.image.PartitionImage;
import io.runnel.metadata.image.TopicImage;
import io.runnel.metadata.log.LocalMetadataLog;
import io.runnel.metadata.log.MetadataLog;
import io.runnel.metadata.record.ConfigResourceType;
import io.runnel.metadata.record.RegisterBrokerRecord;

import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.DescribeConfigsResponse.ConfigSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class MetadataControllerTest {
    private static final BrokerRegistration SELF = new BrokerRegistration(1, "localhost", 9092, "PLAINTEXT", null);

    @TempDir
    Path dir;

    private final List<AutoCloseable> toClose = new ArrayList<>();
    private MetadataController controller;

    @BeforeEach
    void setUp() {
        controller = startController(SELF, Map.of());
    }

    @AfterEach
    void tearDown() {
        closeAll();
    }

    private void closeAll() {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            try {
                toClose.get(i).close();
            } catch (final Exception e) {
                throw new AssertionError(e);
            }
        }
        toClose.clear();
    }

    /** Opens the log in {@link #dir} and starts a controller on it; both are closed after the test. */
    private MetadataController startController(final BrokerRegistration self, final Map<String, String> brokerProperties) {
        final MetadataLog log = LocalMetadataLog.open(dir);
        toClose.add(log);
        final MetadataController started = new MetadataController(log, self, 3, (short) 1, brokerProperties);
        toClose.add(started);
        started.start().join();
        return started;
    }

    /** Stops the controller and its log, then starts a new one on the same log as {@code self}. */
    private MetadataController restartAs(final BrokerRegistration self, final Map<String, String> brokerProperties) {
        closeAll();
        controller = startController(self, brokerProperties);
        return controller;
    }

    private MetadataController restart() {
        return restartAs(SELF, Map.of());
    }

    /** Registers another broker (by starting a controller as it once), then comes back as broker 1. */
    private void registerBroker(final int id) {
        restartAs(new BrokerRegistration(id, "host" + id, 9092, "PLAINTEXT", null), Map.of());
        restart();
    }

    private CreateTopicResult create(final CreateTopicSpec spec) {
        final List<CreateTopicResult> results = controller.createTopics(List.of(spec), false).join();
        assertThat(results).hasSize(1);
        return results.get(0);
    }

    private static void assertError(final ApiError error, final Errors expected) {
        assertThat(error.error()).as(error.messageOrDefault()).isEqualTo(expected);
    }

    // ------------------------------------------------------------ startup

    @Test
    void shouldCreateClusterIdAndRegisterBrokerWhenLogIsNew() {
        final MetadataImage image = controller.image();

        assertThat(image.clusterId()).isNotBlank();
        assertThat(Uuid.fromString(image.clusterId())).isNotNull();
        assertThat(image.brokers()).containsExactly(Map.entry(1, SELF));
        assertThat(image.lastOffset()).isEqualTo(1);
    }

    @Test
    void shouldKeepClusterIdAndWriteNothingWhenRestartedWithSameRegistration() {
        final String clusterId = controller.image().clusterId();
        final long lastOffset = controller.image().lastOffset();

        final MetadataController restarted = restart();

        assertThat(restarted.image().clusterId()).isEqualTo(clusterId);
        assertThat(restarted.image().lastOffset()).isEqualTo(lastOffset);
    }

    @Test
    void shouldReRegisterWhenEndpointChanges() {
        final BrokerRegistration moved = new BrokerRegistration(1, "example.com", 19092, "PLAINTEXT", "rack-1");
        final MetadataController restarted = restartAs(moved, Map.of());

        assertThat(restarted.image().brokers()).containsExactly(Map.entry(1, moved));
        final List<Object> records = new ArrayList<>();
        closeAll();
        try (MetadataLog reopened = LocalMetadataLog.open(dir)) {
            reopened.replay((batch, lastOffset) -> records.addAll(batch));
        }
        assertThat(records).last().isEqualTo(new RegisterBrokerRecord(1, "example.com", 19092, "PLAINTEXT", "rack-1"));
    }

    @Test
    void shouldFailCommandsWhenNotStarted() {
        final MetadataLog log = LocalMetadataLog.open(dir.resolve("other"));
        toClose.add(log);
        final MetadataController notStarted = new MetadataController(log, SELF, 1, (short) 1, Map.of());
        toClose.add(notStarted);

        assertThat(notStarted.allocateProducerIds(1)).failsWithin(5, TimeUnit.SECONDS);
    }

    @Test
    void shouldPublishEveryNewImageToListeners() {
        final List<MetadataImage[]> seen = new CopyOnWriteArrayList<>();
        controller.registerListener((previous, next) -> seen.add(new MetadataImage[] {previous, next})).join();
        final MetadataImage before = controller.image();

        create(CreateTopicSpec.of("orders", 1, (short) 1));

        assertThat(seen).hasSize(2);
        assertThat(seen.get(0)[0]).isSameAs(MetadataImage.EMPTY);
        assertThat(seen.get(0)[1]).isSameAs(before);
        assertThat(seen.get(1)[0]).isSameAs(before);
        assertThat(seen.get(1)[1]).isSameAs(controller.image());
        assertThat(seen.get(1)[1].topic("orders")).isNotNull();
    }

    @Test
    void shouldRunCommandsOnTheControllerThread() {
        final List<String> threads = new CopyOnWriteArrayList<>();
        controller.registerListener((previous, next) -> threads.add(Thread.currentThread().getName())).join();

        assertThat(threads).containsExactly(MetadataController.THREAD_NAME);
    }

    // ------------------------------------------------------------ createTopics

    @Test
    void shouldCreateTopicWithDefaultsWhenCountsAreMinusOne() {
        final CreateTopicResult result = create(CreateTopicSpec.of("orders", -1, (short) -1));

        assertThat(result.error()).isEqualTo(ApiError.NONE);
        assertThat(result.numPartitions()).isEqualTo(3);
        assertThat(result.replicationFactor()).isEqualTo((short) 1);
        final TopicImage topic = controller.image().topic("orders");
        assertThat(topic.id()).isEqualTo(result.topicId());
        assertThat(topic.partitions()).hasSize(3);
        assertThat(topic.partitions().get(2)).isEqualTo(new PartitionImage(List.of(1), List.of(1), 1, 0, 0));
    }

    @Test
    void shouldStoreConfigsAndReturnEffectiveConfigsWhenCreated() {
        final CreateTopicResult result = create(new CreateTopicSpec("orders", 1, (short) 1, Map.of(),
            Map.of("cleanup.policy", "compact")));

        assertThat(controller.image().topic("orders").configs()).containsExactly(Map.entry("cleanup.policy", "compact"));
        assertThat(result.configs().get("cleanup.policy").source()).isEqualTo(ConfigSource.TOPIC_CONFIG);
        assertThat(result.configs().get("retention.ms").source()).isEqualTo(ConfigSource.DEFAULT_CONFIG);
        assertThat(result.configs().get("retention.ms").value()).isEqualTo("604800000");
    }

    @Test
    void shouldUseBrokerPropertiesForEffectiveConfigs() {
        final MetadataController withProps = restartAs(SELF, Map.of("log.retention.hours", "1"));

        final CreateTopicResult result = withProps.createTopics(List.of(CreateTopicSpec.of("t", 1, (short) 1)), false)
            .join().get(0);

        assertThat(result.configs().get("retention.ms").value()).isEqualTo("3600000");
        assertThat(result.configs().get("retention.ms").source()).isEqualTo(ConfigSource.STATIC_BROKER_CONFIG);
    }

    @Test
    void shouldKeepTopicsWhenRestartedOnTheSameLog() {
        final CreateTopicResult created = create(new CreateTopicSpec("orders", 2, (short) 1, Map.of(),
            Map.of("retention.ms", "1000")));

        final MetadataController restarted = restart();

        final TopicImage topic = restarted.image().topic("orders");
        assertThat(topic.id()).isEqualTo(created.topicId());
        assertThat(topic.numPartitions()).isEqualTo(2);
        assertThat(topic.configs()).containsExactly(Map.entry("retention.ms", "1000"));
    }

    @Test
    void shouldRejectInvalidTopicNames() {
        for (final String name : List.of("", ".", "..", "bad name", "bad/name", "x".repeat(250))) {
            assertError(create(CreateTopicSpec.of(name, 1, (short) 1)).error(), Errors.INVALID_TOPIC_EXCEPTION);
        }
        assertThat(controller.image().topicsByName()).isEmpty();
    }

    @Test
    void shouldRejectTopicWhenItAlreadyExists() {
        create(CreateTopicSpec.of("orders", 1, (short) 1));

        final CreateTopicResult again = create(CreateTopicSpec.of("orders", 1, (short) 1));

        assertError(again.error(), Errors.TOPIC_ALREADY_EXISTS);
        assertThat(again.topicId()).isEqualTo(Uuid.ZERO_UUID);
    }

    @Test
    void shouldRejectTopicWhenItCollidesWithExistingTopicAfterDotToUnderscore() {
        create(CreateTopicSpec.of("a.b", 1, (short) 1));

        final CreateTopicResult collision = create(CreateTopicSpec.of("a_b", 1, (short) 1));

        assertError(collision.error(), Errors.INVALID_TOPIC_EXCEPTION);
        assertThat(collision.error().message()).contains("collides with existing topic: a.b");
    }

    @Test
    void shouldRejectDuplicateNamesInOneRequestButCreateTheOthers() {
        final List<CreateTopicResult> results = controller.createTopics(List.of(
            CreateTopicSpec.of("dup", 1, (short) 1),
            CreateTopicSpec.of("ok", 1, (short) 1),
            CreateTopicSpec.of("dup", 2, (short) 1)), false).join();

        assertThat(results).extracting(CreateTopicResult::name).containsExactly("dup", "ok");
        assertError(results.get(0).error(), Errors.INVALID_REQUEST);
        assertError(results.get(1).error(), Errors.NONE);
        assertThat(controller.image().topicsByName()).containsOnlyKeys("ok");
    }

    @Test
    void shouldRejectInvalidPartitionCounts() {
        assertError(create(CreateTopicSpec.of("zero", 0, (short) 1)).error(), Errors.INVALID_PARTITIONS);
        assertError(create(CreateTopicSpec.of("negative", -2, (short) 1)).error(), Errors.INVALID_PARTITIONS);
        assertError(create(CreateTopicSpec.of("huge", Integer.MAX_VALUE, (short) 1)).error(), Errors.INVALID_PARTITIONS);
    }

    @Test
    void shouldRejectInvalidReplicationFactors() {
        assertError(create(CreateTopicSpec.of("zero", 1, (short) 0)).error(), Errors.INVALID_REPLICATION_FACTOR);
        assertError(create(CreateTopicSpec.of("negative", 1, (short) -2)).error(), Errors.INVALID_REPLICATION_FACTOR);
        final CreateTopicResult tooMany = create(CreateTopicSpec.of("two", 1, (short) 2));
        assertError(tooMany.error(), Errors.INVALID_REPLICATION_FACTOR);
        assertThat(tooMany.error().message()).contains("only 1 broker(s) are registered");
    }

    @Test
    void shouldRejectAssignmentsWhenCountsAreAlsoGiven() {
        assertError(create(new CreateTopicSpec("t", 1, (short) -1, Map.of(0, List.of(1)), Map.of())).error(),
            Errors.INVALID_REQUEST);
        assertError(create(new CreateTopicSpec("t", -1, (short) 1, Map.of(0, List.of(1)), Map.of())).error(),
            Errors.INVALID_REQUEST);
    }

    @Test
    void shouldRejectInvalidManualAssignments() {
        registerBroker(2);
        final List<Map<Integer, List<Integer>>> invalid = List.of(
            Map.of(1, List.of(1)),                        // does not start at 0
            Map.of(0, List.of(1), 2, List.of(1)),         // gap
            Map.of(0, List.of()),                         // empty replica list
            Map.of(0, List.of(1, 1)),                     // duplicate broker
            Map.of(0, List.of(3)),                        // unregistered broker
            Map.of(0, List.of(1, 2), 1, List.of(1)));     // different sizes
        for (final Map<Integer, List<Integer>> assignment : invalid) {
            assertError(create(new CreateTopicSpec("t", -1, (short) -1, assignment, Map.of())).error(),
                Errors.INVALID_REPLICA_ASSIGNMENT);
        }
        assertThat(controller.image().topicsByName()).isEmpty();
    }

    @Test
    void shouldFollowManualAssignmentWithFirstReplicaAsLeader() {
        registerBroker(2);

        final CreateTopicResult result = create(new CreateTopicSpec("t", -1, (short) -1,
            Map.of(0, List.of(2, 1), 1, List.of(1, 2)), Map.of()));

        assertError(result.error(), Errors.NONE);
        assertThat(result.numPartitions()).isEqualTo(2);
        assertThat(result.replicationFactor()).isEqualTo((short) 2);
        final TopicImage topic = controller.image().topic("t");
        assertThat(topic.partitions().get(0)).isEqualTo(new PartitionImage(List.of(2, 1), List.of(2, 1), 2, 0, 0));
        assertThat(topic.partitions().get(1).leader()).isEqualTo(1);
    }

    @Test
    void shouldSpreadReplicasOverBrokersWhenPlacingAutomatically() {
        registerBroker(2);
        registerBroker(3);

        create(CreateTopicSpec.of("t", 6, (short) 2));

        final Map<Integer, PartitionImage> partitions = controller.image().topic("t").partitions();
        final Set<Integer> leaders = new HashSet<>();
        partitions.values().forEach(p -> {
            assertThat(p.replicas()).hasSize(2).doesNotHaveDuplicates();
            assertThat(p.isr()).isEqualTo(p.replicas());
            assertThat(p.leader()).isEqualTo(p.replicas().get(0));
            leaders.add(p.leader());
        });
        assertThat(leaders).containsExactlyInAnyOrder(1, 2, 3);
    }

    @Test
    void shouldRejectInvalidConfigs() {
        final CreateTopicResult unknown = create(new CreateTopicSpec("t", 1, (short) 1, Map.of(), Map.of("nope", "1")));
        assertError(unknown.error(), Errors.INVALID_CONFIG);
        assertThat(unknown.error().message()).contains("Unknown topic config name: nope");

        final CreateTopicResult bad = create(new CreateTopicSpec("t", 1, (short) 1, Map.of(),
            Map.of("cleanup.policy", "forever")));
        assertError(bad.error(), Errors.INVALID_CONFIG);

        final Map<String, String> nullValue = new HashMap<>();
        nullValue.put("retention.ms", null);
        assertError(create(new CreateTopicSpec("t", 1, (short) 1, Map.of(), nullValue)).error(), Errors.INVALID_CONFIG);
        assertThat(controller.image().topicsByName()).isEmpty();
    }

    @Test
    void shouldWriteNothingWhenValidateOnly() {
        final long lastOffset = controller.image().lastOffset();

        final List<CreateTopicResult> results = controller.createTopics(List.of(
            CreateTopicSpec.of("good", 2, (short) 1),
            CreateTopicSpec.of("bad", 0, (short) 1)), true).join();

        assertError(results.get(0).error(), Errors.NONE);
        assertThat(results.get(0).numPartitions()).isEqualTo(2);
        assertThat(results.get(0).configs()).isNotEmpty();
        assertError(results.get(1).error(), Errors.INVALID_PARTITIONS);
        assertThat(controller.image().lastOffset()).isEqualTo(lastOffset);
        assertThat(controller.image().topicsByName()).isEmpty();
    }

    // ------------------------------------------------------------ deleteTopics

    @Test
    void shouldDeleteTopicsByNameAndByIdAndReportMissingOnes() {
        final Uuid a = create(CreateTopicSpec.of("a", 1, (short) 1)).topicId();
        final Uuid b = create(CreateTopicSpec.of("b", 1, (short) 1)).topicId();
        final Uuid missingId = Uuid.randomUuid();

        final DeleteTopicsResult result = controller.deleteTopics(List.of("a", "missing"), List.of(b, missingId)).join();

        assertThat(result.byName()).containsExactly(
            new DeleteTopicResult("a", a, ApiError.NONE),
            new DeleteTopicResult("missing", Uuid.ZERO_UUID, result.byName().get(1).error()));
        assertError(result.byName().get(1).error(), Errors.UNKNOWN_TOPIC_OR_PARTITION);
        assertThat(result.byId().get(0)).isEqualTo(new DeleteTopicResult("b", b, ApiError.NONE));
        assertError(result.byId().get(1).error(), Errors.UNKNOWN_TOPIC_ID);
        assertThat(controller.image().topicsByName()).isEmpty();
        assertThat(restart().image().topicsByName()).isEmpty();
    }

    @Test
    void shouldDeleteOnceWhenTopicIsNamedByNameAndId() {
        final Uuid a = create(CreateTopicSpec.of("a", 1, (short) 1)).topicId();
        final long before = controller.image().lastOffset();

        final DeleteTopicsResult result = controller.deleteTopics(List.of("a"), List.of(a)).join();

        assertError(result.byName().get(0).error(), Errors.NONE);
        assertError(result.byId().get(0).error(), Errors.NONE);
        assertThat(controller.image().lastOffset()).isEqualTo(before + 1);
    }

    @Test
    void shouldAllowRecreatingTopicWithNewIdWhenDeleted() {
        final Uuid first = create(CreateTopicSpec.of("a", 1, (short) 1)).topicId();
        controller.deleteTopics(List.of("a"), List.of()).join();

        final CreateTopicResult again = create(CreateTopicSpec.of("a", 1, (short) 1));

        assertError(again.error(), Errors.NONE);
        assertThat(again.topicId()).isNotEqualTo(first);
    }

    // ------------------------------------------------------------ createPartitions

    @Test
    void shouldAddPartitionsWhenCountGrows() {
        create(CreateTopicSpec.of("t", 1, (short) 1));

        final List<CreatePartitionsResult> results = controller.createPartitions(
            List.of(new CreatePartitionsSpec("t", 3, null)), false).join();

        assertError(results.get(0).error(), Errors.NONE);
        assertThat(controller.image().topic("t").partitions()).containsOnlyKeys(0, 1, 2);
        assertThat(restart().image().topic("t").numPartitions()).isEqualTo(3);
    }

    @Test
    void shouldFollowGivenAssignmentsWhenAddingPartitions() {
        create(CreateTopicSpec.of("t", 1, (short) 1));

        controller.createPartitions(List.of(new CreatePartitionsSpec("t", 2, List.of(List.of(1)))), false).join();

        assertThat(controller.image().topic("t").partitions().get(1).replicas()).containsExactly(1);
    }

    @Test
    void shouldRejectInvalidCreatePartitions() {
        create(CreateTopicSpec.of("t", 2, (short) 1));
        create(CreateTopicSpec.of("u", 1, (short) 1));
        final long before = controller.image().lastOffset();

        final List<CreatePartitionsResult> results = controller.createPartitions(List.of(
            new CreatePartitionsSpec("missing", 3, null),
            new CreatePartitionsSpec("t", 2, null),
            new CreatePartitionsSpec("u", 3, List.of(List.of(1))),
            new CreatePartitionsSpec("dup", 3, null),
            new CreatePartitionsSpec("dup", 4, null)), false).join();

        assertThat(results).extracting(CreatePartitionsResult::topic).containsExactly("missing", "t", "u", "dup");
        assertError(results.get(0).error(), Errors.UNKNOWN_TOPIC_OR_PARTITION);
        assertError(results.get(1).error(), Errors.INVALID_PARTITIONS);
        assertError(results.get(2).error(), Errors.INVALID_REPLICA_ASSIGNMENT);
        assertError(results.get(3).error(), Errors.INVALID_REQUEST);
        assertThat(controller.image().lastOffset()).isEqualTo(before);
    }

    @Test
    void shouldRejectDecreaseAndBadBrokersWhenCreatingPartitions() {
        create(CreateTopicSpec.of("t", 3, (short) 1));

        final List<CreatePartitionsResult> results = controller.createPartitions(List.of(
            new CreatePartitionsSpec("t", 2, null)), false).join();
        assertError(results.get(0).error(), Errors.INVALID_PARTITIONS);

        for (final List<Integer> replicas : List.of(List.of(7), List.<Integer>of(), List.of(1, 1))) {
            final List<CreatePartitionsResult> bad = controller.createPartitions(List.of(
                new CreatePartitionsSpec("t", 4, List.of(replicas))), false).join();
            assertError(bad.get(0).error(), Errors.INVALID_REPLICA_ASSIGNMENT);
        }
    }

    @Test
    void shouldWriteNothingWhenCreatePartitionsIsValidateOnly() {
        create(CreateTopicSpec.of("t", 1, (short) 1));
        final long before = controller.image().lastOffset();

        final List<CreatePartitionsResult> results = controller.createPartitions(
            List.of(new CreatePartitionsSpec("t", 5, null)), true).join();

        assertError(results.get(0).error(), Errors.NONE);
        assertThat(controller.image().lastOffset()).isEqualTo(before);
        assertThat(controller.image().topic("t").numPartitions()).isEqualTo(1);
    }

    // ------------------------------------------------------------ producer ids

    @Test
    void shouldNeverRepeatProducerIdBlocksAcrossRestarts() {
        final long first = controller.allocateProducerIds(1000).join();
        final long second = controller.allocateProducerIds(1000).join();
        assertThat(second).isEqualTo(first + 1000);

        final MetadataController restarted = restart();
        final long third = restarted.allocateProducerIds(10).join();

        assertThat(third).isGreaterThanOrEqualTo(second + 1000);
        assertThat(restarted.image().nextProducerId()).isEqualTo(third + 10);
    }

    @Test
    void shouldRejectNonPositiveProducerIdCount() {
        assertThat(controller.allocateProducerIds(0)).isCompletedExceptionally();
    }

    // ------------------------------------------------------------ errors

    @Test
    void shouldMapApiExceptionsAndHideInternalOnes() {
        assertThat(ApiError.fromThrowable(new java.util.concurrent.CompletionException(
            new org.apache.kafka.common.errors.KafkaStorageException("disk")))).isEqualTo(
            new ApiError(Errors.KAFKA_STORAGE_ERROR, "disk"));
        assertThat(ApiError.fromThrowable(new IllegalStateException("secret"))).isEqualTo(
            new ApiError(Errors.UNKNOWN_SERVER_ERROR, null));
    }

    @Test
    void shouldKeepConfigResourceTypeIdsStable() {
        assertThat(ConfigResourceType.TOPIC.id()).isEqualTo((byte) 2);
        assertThat(ConfigResourceType.BROKER.id()).isEqualTo((byte) 4);
    }
}
