package io.runnel.metadata.controller;

import static org.assertj.core.api.Assertions.assertThat;

import io.runnel.metadata.image.PartitionImage;
import io.runnel.metadata.image.TopicImage;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.DescribeConfigsResponse.ConfigSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** CreateTopics through the controller: {@link TopicCreations}' checks and the records it writes. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class TopicCreationsTest extends ControllerTestBase {
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
        final CreateTopicResult result =
                create(new CreateTopicSpec("orders", 1, (short) 1, Map.of(), Map.of("cleanup.policy", "compact")));

        assertThat(controller.image().topic("orders").configs())
                .containsExactly(Map.entry("cleanup.policy", "compact"));
        assertThat(result.configs().get("cleanup.policy").source()).isEqualTo(ConfigSource.TOPIC_CONFIG);
        assertThat(result.configs().get("retention.ms").source()).isEqualTo(ConfigSource.DEFAULT_CONFIG);
        assertThat(result.configs().get("retention.ms").value()).isEqualTo("604800000");
    }

    @Test
    void shouldUseBrokerPropertiesForEffectiveConfigs() {
        final MetadataController withProps = restartAs(SELF, Map.of("log.retention.hours", "1"));

        final CreateTopicResult result = withProps
                .createTopics(List.of(CreateTopicSpec.of("t", 1, (short) 1)), false)
                .join()
                .get(0);

        assertThat(result.configs().get("retention.ms").value()).isEqualTo("3600000");
        assertThat(result.configs().get("retention.ms").source()).isEqualTo(ConfigSource.STATIC_BROKER_CONFIG);
    }

    @Test
    void shouldKeepTopicsWhenRestartedOnTheSameLog() {
        final CreateTopicResult created =
                create(new CreateTopicSpec("orders", 2, (short) 1, Map.of(), Map.of("retention.ms", "1000")));

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
        final List<CreateTopicResult> results = controller
                .createTopics(
                        List.of(
                                CreateTopicSpec.of("dup", 1, (short) 1),
                                CreateTopicSpec.of("ok", 1, (short) 1),
                                CreateTopicSpec.of("dup", 2, (short) 1)),
                        false)
                .join();

        assertThat(results).extracting(CreateTopicResult::name).containsExactly("dup", "ok");
        assertError(results.get(0).error(), Errors.INVALID_REQUEST);
        assertError(results.get(1).error(), Errors.NONE);
        assertThat(controller.image().topicsByName()).containsOnlyKeys("ok");
    }

    @Test
    void shouldRejectInvalidPartitionCounts() {
        assertError(create(CreateTopicSpec.of("zero", 0, (short) 1)).error(), Errors.INVALID_PARTITIONS);
        assertError(create(CreateTopicSpec.of("negative", -2, (short) 1)).error(), Errors.INVALID_PARTITIONS);
        assertError(
                create(CreateTopicSpec.of("huge", Integer.MAX_VALUE, (short) 1)).error(), Errors.INVALID_PARTITIONS);
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
        assertError(
                create(new CreateTopicSpec("t", 1, (short) -1, Map.of(0, List.of(1)), Map.of()))
                        .error(),
                Errors.INVALID_REQUEST);
        assertError(
                create(new CreateTopicSpec("t", -1, (short) 1, Map.of(0, List.of(1)), Map.of()))
                        .error(),
                Errors.INVALID_REQUEST);
    }

    @Test
    void shouldRejectInvalidManualAssignments() {
        registerBroker(2);
        final List<Map<Integer, List<Integer>>> invalid = List.of(
                Map.of(1, List.of(1)), // does not start at 0
                Map.of(0, List.of(1), 2, List.of(1)), // gap
                Map.of(0, List.of()), // empty replica list
                Map.of(0, List.of(1, 1)), // duplicate broker
                Map.of(0, List.of(3)), // unregistered broker
                Map.of(0, List.of(1, 2), 1, List.of(1))); // different sizes
        for (final Map<Integer, List<Integer>> assignment : invalid) {
            assertError(
                    create(new CreateTopicSpec("t", -1, (short) -1, assignment, Map.of()))
                            .error(),
                    Errors.INVALID_REPLICA_ASSIGNMENT);
        }
        assertThat(controller.image().topicsByName()).isEmpty();
    }

    @Test
    void shouldFollowManualAssignmentWithFirstReplicaAsLeader() {
        registerBroker(2);

        final CreateTopicResult result =
                create(new CreateTopicSpec("t", -1, (short) -1, Map.of(0, List.of(2), 1, List.of(1)), Map.of()));

        assertError(result.error(), Errors.NONE);
        assertThat(result.numPartitions()).isEqualTo(2);
        assertThat(result.replicationFactor()).isEqualTo((short) 1);
        final TopicImage topic = controller.image().topic("t");
        assertThat(topic.partitions().get(0)).isEqualTo(new PartitionImage(List.of(2), List.of(2), 2, 0, 0));
        assertThat(topic.partitions().get(1).leader()).isEqualTo(1);
    }

    @Test
    void shouldRefuseMoreThanOneReplicaUntilPartitionsAreReplicated() {
        registerBroker(2);

        assertError(create(CreateTopicSpec.of("two", 1, (short) 2)).error(), Errors.INVALID_REPLICATION_FACTOR);
        final CreateTopicResult manual =
                create(new CreateTopicSpec("t", -1, (short) -1, Map.of(0, List.of(2, 1)), Map.of()));
        assertError(manual.error(), Errors.INVALID_REPLICATION_FACTOR);
        assertThat(manual.error().message()).contains("does not replicate partitions yet");
        assertThat(controller.image().topicsByName()).isEmpty();
    }

    @Test
    void shouldSpreadLeadersOverBrokersWhenPlacingAutomatically() {
        registerBroker(2);
        registerBroker(3);

        create(CreateTopicSpec.of("t", 6, (short) 1));

        final Map<Integer, PartitionImage> partitions =
                controller.image().topic("t").partitions();
        final Set<Integer> leaders = new HashSet<>();
        partitions.values().forEach(p -> {
            assertThat(p.replicas()).hasSize(1);
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

        final CreateTopicResult bad =
                create(new CreateTopicSpec("t", 1, (short) 1, Map.of(), Map.of("cleanup.policy", "forever")));
        assertError(bad.error(), Errors.INVALID_CONFIG);

        final Map<String, String> nullValue = new HashMap<>();
        nullValue.put("retention.ms", null);
        assertError(
                create(new CreateTopicSpec("t", 1, (short) 1, Map.of(), nullValue))
                        .error(),
                Errors.INVALID_CONFIG);
        assertThat(controller.image().topicsByName()).isEmpty();
    }

    @Test
    void shouldWriteNothingWhenValidateOnly() {
        final long lastOffset = controller.image().lastOffset();

        final List<CreateTopicResult> results = controller
                .createTopics(
                        List.of(CreateTopicSpec.of("good", 2, (short) 1), CreateTopicSpec.of("bad", 0, (short) 1)),
                        true)
                .join();

        assertError(results.get(0).error(), Errors.NONE);
        assertThat(results.get(0).numPartitions()).isEqualTo(2);
        assertThat(results.get(0).configs()).isNotEmpty();
        assertError(results.get(1).error(), Errors.INVALID_PARTITIONS);
        assertThat(controller.image().lastOffset()).isEqualTo(lastOffset);
        assertThat(controller.image().topicsByName()).isEmpty();
    }
}
