package io.runnel.coordinator.group.consumer.assignor;

import static io.runnel.coordinator.group.consumer.assignor.AssignmentChecks.assertValid;
import static io.runnel.coordinator.group.consumer.assignor.AssignmentChecks.count;
import static io.runnel.coordinator.group.consumer.assignor.AssignmentChecks.moved;
import static io.runnel.coordinator.group.consumer.assignor.AssignmentChecks.range;
import static io.runnel.coordinator.group.consumer.assignor.AssignmentChecks.spread;
import static io.runnel.coordinator.group.consumer.assignor.AssignmentChecks.topic;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.Test;

class UniformAssignorTest {

    private static final Uuid T0 = topic(0);
    private static final Uuid T1 = topic(1);
    private static final Uuid T2 = topic(2);

    private final UniformAssignor assignor = new UniformAssignor();

    @Test
    void shouldBeNamedUniformWhenAsked() {
        assertThat(assignor.name()).isEqualTo("uniform");
    }

    @Test
    void shouldReturnEmptyAssignmentWhenGroupIsEmpty() {
        GroupAssignment result = assignor.assign(new GroupSpec(Map.of()), Map.of(T0, 3));

        assertThat(result.members()).isEmpty();
    }

    @Test
    void shouldLeaveTopicUnassignedWhenNoMemberSubscribesToIt() {
        GroupSpec group = new GroupSpec(Map.of(
                "a", MemberSpec.subscribedTo(Set.of(T0)),
                "b", MemberSpec.subscribedTo(Set.of(T0))));
        Map<Uuid, Integer> topics = Map.of(T0, 4, T1, 5);

        GroupAssignment result = assignor.assign(group, topics);

        assertValid(group, topics, result);
        assertThat(result.members().values()).allSatisfy(m -> assertThat(m).doesNotContainKey(T1));
        assertThat(result.assignmentOf("a").get(T0)).hasSize(2);
        assertThat(result.assignmentOf("b").get(T0)).hasSize(2);
    }

    @Test
    void shouldIgnoreSubscribedTopicWhenItHasNoMetadata() {
        GroupSpec group = new GroupSpec(Map.of("a", MemberSpec.subscribedTo(Set.of(T0, T1))));
        Map<Uuid, Integer> topics = Map.of(T0, 2);

        GroupAssignment result = assignor.assign(group, topics);

        assertThat(result.assignmentOf("a")).isEqualTo(Map.of(T0, Set.of(0, 1)));
    }

    @Test
    void shouldAssignEveryPartitionOnceAndBalanceWhenSubscriptionsAreHomogeneous() {
        Map<String, MemberSpec> members = new HashMap<>();
        for (String id : new String[] {"a", "b", "c"}) {
            members.put(id, MemberSpec.subscribedTo(Set.of(T0, T1)));
        }
        GroupSpec group = new GroupSpec(members);
        Map<Uuid, Integer> topics = Map.of(T0, 7, T1, 4);

        GroupAssignment result = assignor.assign(group, topics);

        assertValid(group, topics, result);
        assertThat(spread(result)).isLessThanOrEqualTo(1);
        assertThat(result.members().values().stream()
                        .mapToInt(AssignmentChecks::count)
                        .sum())
                .isEqualTo(11);
    }

    @Test
    void shouldMoveOnlyTheMinimumWhenAMemberJoins() {
        Set<Uuid> subs = Set.of(T0);
        GroupSpec group = new GroupSpec(Map.of(
                "a", new MemberSpec(subs, Map.of(T0, range(0, 4))),
                "b", new MemberSpec(subs, Map.of(T0, range(4, 8))),
                "c", new MemberSpec(subs, Map.of(T0, range(8, 12))),
                "d", MemberSpec.subscribedTo(subs)));
        Map<Uuid, Integer> topics = Map.of(T0, 12);

        GroupAssignment result = assignor.assign(group, topics);

        assertValid(group, topics, result);
        assertThat(result.members().values())
                .allSatisfy(m -> assertThat(count(m)).isEqualTo(3));
        assertThat(moved(group, result)).isEqualTo(3);
        assertThat(range(0, 4)).containsAll(result.assignmentOf("a").get(T0));
        assertThat(range(4, 8)).containsAll(result.assignmentOf("b").get(T0));
        assertThat(range(8, 12)).containsAll(result.assignmentOf("c").get(T0));
    }

    @Test
    void shouldMoveOnlyTheLeaversPartitionsWhenAMemberLeaves() {
        Set<Uuid> subs = Set.of(T0, T1);
        // "c" owned T0-[6,9) and T1-[3,5) and has left the group.
        GroupSpec group = new GroupSpec(Map.of(
                "a", new MemberSpec(subs, Map.of(T0, range(0, 3), T1, Set.of(0))),
                "b", new MemberSpec(subs, Map.of(T0, range(3, 6), T1, range(1, 3)))));
        Map<Uuid, Integer> topics = Map.of(T0, 9, T1, 5);

        GroupAssignment result = assignor.assign(group, topics);

        assertValid(group, topics, result);
        assertThat(spread(result)).isLessThanOrEqualTo(1);
        assertThat(result.assignmentOf("a").get(T0)).containsAll(range(0, 3));
        assertThat(result.assignmentOf("a").get(T1)).contains(0);
        assertThat(result.assignmentOf("b").get(T0)).containsAll(range(3, 6));
        assertThat(result.assignmentOf("b").get(T1)).containsAll(range(1, 3));
        assertThat(moved(group, result)).isEqualTo(5);
    }

    @Test
    void shouldKeepAssignmentUnchangedWhenAlreadyBalanced() {
        Set<Uuid> subs = Set.of(T0);
        GroupSpec group = new GroupSpec(Map.of(
                "a", new MemberSpec(subs, Map.of(T0, Set.of(0, 3, 5))),
                "b", new MemberSpec(subs, Map.of(T0, Set.of(1, 2))),
                "c", new MemberSpec(subs, Map.of(T0, Set.of(4, 6)))));

        GroupAssignment result = assignor.assign(group, Map.of(T0, 7));

        assertThat(moved(group, result)).isZero();
    }

    @Test
    void shouldDropInvalidAndDuplicateOwnedPartitionsWhenAssigning() {
        Set<Uuid> subs = Set.of(T0);
        GroupSpec group = new GroupSpec(Map.of(
                "a", new MemberSpec(subs, Map.of(T0, Set.of(0, 1, 9), T1, Set.of(0))),
                "b", new MemberSpec(subs, Map.of(T0, Set.of(1, 2)))));
        Map<Uuid, Integer> topics = Map.of(T0, 4, T1, 1);

        GroupAssignment result = assignor.assign(group, topics);

        assertValid(group, topics, result);
        assertThat(spread(result)).isZero();
    }

    @Test
    void shouldNeverAssignTopicToNonSubscriberWhenSubscriptionsAreHeterogeneous() {
        GroupSpec group = new GroupSpec(Map.of(
                "a", MemberSpec.subscribedTo(Set.of(T0)),
                "b", MemberSpec.subscribedTo(Set.of(T0, T1)),
                "c", MemberSpec.subscribedTo(Set.of(T1, T2))));
        Map<Uuid, Integer> topics = Map.of(T0, 3, T1, 3, T2, 3);

        GroupAssignment result = assignor.assign(group, topics);

        assertValid(group, topics, result);
        assertThat(spread(result)).isZero();
        assertThat(result.assignmentOf("a")).containsOnlyKeys(T0);
        assertThat(result.assignmentOf("c")).doesNotContainKey(T0);
    }

    @Test
    void shouldRebalanceBestEffortWhenHeterogeneousMemberJoins() {
        GroupSpec group = new GroupSpec(Map.of(
                "a",
                new MemberSpec(Set.of(T0, T1), Map.of(T0, range(0, 4), T1, range(0, 4))),
                "b",
                MemberSpec.subscribedTo(Set.of(T1))));
        Map<Uuid, Integer> topics = Map.of(T0, 4, T1, 4);

        GroupAssignment result = assignor.assign(group, topics);

        assertValid(group, topics, result);
        assertThat(result.assignmentOf("a")).isEqualTo(Map.of(T0, range(0, 4)));
        assertThat(result.assignmentOf("b")).isEqualTo(Map.of(T1, range(0, 4)));
    }
}
