package io.runnel.coordinator.group.consumer.assignor;

import static io.runnel.coordinator.group.consumer.assignor.AssignmentChecks.assertValid;
import static io.runnel.coordinator.group.consumer.assignor.AssignmentChecks.range;
import static io.runnel.coordinator.group.consumer.assignor.AssignmentChecks.topic;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.Test;

class RangeAssignorTest {

    private static final Uuid T0 = topic(0);
    private static final Uuid T1 = topic(1);
    private static final Uuid T2 = topic(2);

    private final RangeAssignor assignor = new RangeAssignor();

    @Test
    void shouldBeNamedRangeWhenAsked() {
        assertThat(assignor.name()).isEqualTo("range");
    }

    @Test
    void shouldReturnEmptyAssignmentWhenGroupIsEmpty() {
        assertThat(assignor.assign(new GroupSpec(Map.of()), Map.of(T0, 3)).members())
                .isEmpty();
    }

    @Test
    void shouldGiveFirstMembersOneExtraWhenPartitionsDoNotDivideEvenly() {
        GroupSpec group = new GroupSpec(Map.of(
                "c", MemberSpec.subscribedTo(Set.of(T0)),
                "a", MemberSpec.subscribedTo(Set.of(T0)),
                "b", MemberSpec.subscribedTo(Set.of(T0))));
        Map<Uuid, Integer> topics = Map.of(T0, 8);

        GroupAssignment result = assignor.assign(group, topics);

        assertValid(group, topics, result);
        assertThat(result.assignmentOf("a")).isEqualTo(Map.of(T0, range(0, 3)));
        assertThat(result.assignmentOf("b")).isEqualTo(Map.of(T0, range(3, 6)));
        assertThat(result.assignmentOf("c")).isEqualTo(Map.of(T0, range(6, 8)));
    }

    @Test
    void shouldLineUpCoPartitionedTopicsWhenSubscriptionsMatch() {
        GroupSpec group = new GroupSpec(Map.of(
                "a", MemberSpec.subscribedTo(Set.of(T0, T1)),
                "b", MemberSpec.subscribedTo(Set.of(T0, T1))));
        Map<Uuid, Integer> topics = Map.of(T0, 5, T1, 5);

        GroupAssignment result = assignor.assign(group, topics);

        assertValid(group, topics, result);
        assertThat(result.assignmentOf("a")).isEqualTo(Map.of(T0, range(0, 3), T1, range(0, 3)));
        assertThat(result.assignmentOf("b")).isEqualTo(Map.of(T0, range(3, 5), T1, range(3, 5)));
    }

    @Test
    void shouldOnlyAssignToSubscribersWhenSubscriptionsAreHeterogeneous() {
        GroupSpec group = new GroupSpec(Map.of(
                "a", MemberSpec.subscribedTo(Set.of(T0)),
                "b", MemberSpec.subscribedTo(Set.of(T0, T1)),
                "c", MemberSpec.subscribedTo(Set.of(T1))));
        Map<Uuid, Integer> topics = Map.of(T0, 3, T1, 3, T2, 4);

        GroupAssignment result = assignor.assign(group, topics);

        assertValid(group, topics, result);
        assertThat(result.assignmentOf("a")).isEqualTo(Map.of(T0, range(0, 2)));
        assertThat(result.assignmentOf("b")).isEqualTo(Map.of(T0, Set.of(2), T1, range(0, 2)));
        assertThat(result.assignmentOf("c")).isEqualTo(Map.of(T1, Set.of(2)));
    }

    @Test
    void shouldGiveSomeMembersNothingWhenMembersOutnumberPartitions() {
        GroupSpec group = new GroupSpec(Map.of(
                "a", MemberSpec.subscribedTo(Set.of(T0)),
                "b", MemberSpec.subscribedTo(Set.of(T0)),
                "c", MemberSpec.subscribedTo(Set.of(T0))));
        Map<Uuid, Integer> topics = Map.of(T0, 2);

        GroupAssignment result = assignor.assign(group, topics);

        assertValid(group, topics, result);
        assertThat(result.assignmentOf("c")).isEmpty();
    }

    @Test
    void shouldLeaveTopicUnassignedWhenNoMemberSubscribesToIt() {
        GroupSpec group = new GroupSpec(Map.of("a", MemberSpec.subscribedTo(Set.of(T0))));
        Map<Uuid, Integer> topics = Map.of(T0, 2, T1, 2);

        GroupAssignment result = assignor.assign(group, topics);

        assertValid(group, topics, result);
        assertThat(result.assignmentOf("a")).isEqualTo(Map.of(T0, Set.of(0, 1)));
    }
}
