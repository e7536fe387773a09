package io.runnel.metadata.controller;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** CreatePartitions through the controller: {@link PartitionCreations}. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class PartitionCreationsTest extends ControllerTestBase {
    @Test
    void shouldAddPartitionsWhenCountGrows() {
        create(CreateTopicSpec.of("t", 1, (short) 1));

        final List<CreatePartitionsResult> results = controller
                .createPartitions(List.of(new CreatePartitionsSpec("t", 3, null)), false)
                .join();

        assertError(results.get(0).error(), Errors.NONE);
        assertThat(controller.image().topic("t").partitions()).containsOnlyKeys(0, 1, 2);
        assertThat(restart().image().topic("t").numPartitions()).isEqualTo(3);
    }

    @Test
    void shouldFollowGivenAssignmentsWhenAddingPartitions() {
        create(CreateTopicSpec.of("t", 1, (short) 1));

        controller
                .createPartitions(List.of(new CreatePartitionsSpec("t", 2, List.of(List.of(1)))), false)
                .join();

        assertThat(controller.image().topic("t").partitions().get(1).replicas()).containsExactly(1);
    }

    @Test
    void shouldRejectInvalidCreatePartitions() {
        create(CreateTopicSpec.of("t", 2, (short) 1));
        create(CreateTopicSpec.of("u", 1, (short) 1));
        final long before = controller.image().lastOffset();

        final List<CreatePartitionsResult> results = controller
                .createPartitions(
                        List.of(
                                new CreatePartitionsSpec("missing", 3, null),
                                new CreatePartitionsSpec("t", 2, null),
                                new CreatePartitionsSpec("u", 3, List.of(List.of(1))),
                                new CreatePartitionsSpec("dup", 3, null),
                                new CreatePartitionsSpec("dup", 4, null)),
                        false)
                .join();

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

        final List<CreatePartitionsResult> results = controller
                .createPartitions(List.of(new CreatePartitionsSpec("t", 2, null)), false)
                .join();
        assertError(results.get(0).error(), Errors.INVALID_PARTITIONS);

        for (final List<Integer> replicas : List.of(List.of(7), List.<Integer>of(), List.of(1, 1))) {
            final List<CreatePartitionsResult> bad = controller
                    .createPartitions(List.of(new CreatePartitionsSpec("t", 4, List.of(replicas))), false)
                    .join();
            assertError(bad.get(0).error(), Errors.INVALID_REPLICA_ASSIGNMENT);
        }
    }

    @Test
    void shouldWriteNothingWhenCreatePartitionsIsValidateOnly() {
        create(CreateTopicSpec.of("t", 1, (short) 1));
        final long before = controller.image().lastOffset();

        final List<CreatePartitionsResult> results = controller
                .createPartitions(List.of(new CreatePartitionsSpec("t", 5, null)), true)
                .join();

        assertError(results.get(0).error(), Errors.NONE);
        assertThat(controller.image().lastOffset()).isEqualTo(before);
        assertThat(controller.image().topic("t").numPartitions()).isEqualTo(1);
    }
}
