package io.runnel.metadata.controller;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** DeleteTopics through the controller: {@link TopicDeletions}. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class TopicDeletionsTest extends ControllerTestBase {
    @Test
    void shouldDeleteTopicsByNameAndByIdAndReportMissingOnes() {
        final Uuid a = create(CreateTopicSpec.of("a", 1, (short) 1)).topicId();
        final Uuid b = create(CreateTopicSpec.of("b", 1, (short) 1)).topicId();
        final Uuid missingId = Uuid.randomUuid();

        final DeleteTopicsResult result = controller
                .deleteTopics(List.of("a", "missing"), List.of(b, missingId))
                .join();

        assertThat(result.byName())
                .containsExactly(
                        new DeleteTopicResult("a", a, ApiError.NONE),
                        new DeleteTopicResult(
                                "missing",
                                Uuid.ZERO_UUID,
                                result.byName().get(1).error()));
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

        final DeleteTopicsResult result =
                controller.deleteTopics(List.of("a"), List.of(a)).join();

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
}
