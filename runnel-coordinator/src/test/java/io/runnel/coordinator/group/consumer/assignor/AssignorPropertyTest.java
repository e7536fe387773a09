package io.runnel.coordinator.group.consumer.assignor;

import static io.runnel.coordinator.group.consumer.assignor.AssignmentChecks.assertValid;
import static io.runnel.coordinator.group.consumer.assignor.AssignmentChecks.spread;
import static io.runnel.coordinator.group.consumer.assignor.AssignmentChecks.subscribersOf;
import static io.runnel.coordinator.group.consumer.assignor.AssignmentChecks.topic;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.Test;

/** Seeded randomized checks of the assignor invariants. */
class AssignorPropertyTest {

    private static final long SEED = 0x848L;
    private static final int CASES = 200;

    private record Case(GroupSpec group, Map<Uuid, Integer> topics, boolean homogeneous) {}

    private static Case randomCase(Random random) {
        int topicCount = 1 + random.nextInt(4);
        Map<Uuid, Integer> topics = new HashMap<>();
        List<Uuid> topicIds = new ArrayList<>();
        for (int t = 0; t < topicCount; t++) {
            topics.put(topic(t), random.nextInt(13)); // zero partitions allowed
            topicIds.add(topic(t));
        }
        Uuid unknown = topic(99); // subscribed but without metadata
        boolean homogeneous = random.nextBoolean();
        Set<Uuid> shared = randomSubscription(random, topicIds, unknown);
        int memberCount = random.nextInt(7);
        Map<String, MemberSpec> members = new HashMap<>();
        for (int m = 0; m < memberCount; m++) {
            Set<Uuid> subs = homogeneous ? shared : randomSubscription(random, topicIds, unknown);
            Map<Uuid, Set<Integer>> current = new HashMap<>();
            for (Uuid t : topicIds) {
                if (random.nextInt(3) == 0) {
                    Set<Integer> owned = new HashSet<>();
                    int n = random.nextInt(6);
                    for (int i = 0; i < n; i++) {
                        owned.add(random.nextInt(15)); // may be out of range or owned by others
                    }
                    current.put(t, owned);
                }
            }
            members.put("member-" + m, new MemberSpec(subs, current));
        }
        return new Case(new GroupSpec(members), Map.copyOf(topics), homogeneous);
    }

    private static Set<Uuid> randomSubscription(Random random, List<Uuid> topicIds, Uuid unknown) {
        Set<Uuid> subs = new HashSet<>();
        for (Uuid t : topicIds) {
            if (random.nextBoolean()) {
                subs.add(t);
            }
        }
        if (random.nextInt(5) == 0) {
            subs.add(unknown);
        }
        return subs;
    }

    /** The next generation: every member reports the result as its current assignment. */
    private static GroupSpec withCurrent(GroupSpec group, GroupAssignment assignment) {
        Map<String, MemberSpec> members = new HashMap<>();
        group.members()
                .forEach((id, spec) ->
                        members.put(id, new MemberSpec(spec.subscribedTopicIds(), assignment.assignmentOf(id))));
        return new GroupSpec(members);
    }

    @Test
    void shouldHoldUniformInvariantsWhenInputsAreRandom() {
        Random random = new Random(SEED);
        UniformAssignor assignor = new UniformAssignor();
        for (int i = 0; i < CASES; i++) {
            Case c = randomCase(random);

            GroupAssignment result = assignor.assign(c.group(), c.topics());

            assertValid(c.group(), c.topics(), result);
            if (c.homogeneous()) {
                assertThat(spread(result)).as("case %d", i).isLessThanOrEqualTo(1);
            }
            // Stable: feeding the result back in changes nothing.
            assertThat(assignor.assign(withCurrent(c.group(), result), c.topics()))
                    .isEqualTo(result);
        }
    }

    @Test
    void shouldMoveOnlyLeaversPartitionsWhenRandomHomogeneousMemberLeaves() {
        Random random = new Random(SEED + 1);
        UniformAssignor assignor = new UniformAssignor();
        for (int i = 0; i < CASES; i++) {
            Case c = randomCase(random);
            if (c.group().members().isEmpty() || !c.homogeneous()) {
                continue;
            }
            GroupSpec stable = withCurrent(c.group(), assignor.assign(c.group(), c.topics()));
            String leaver = new TreeSet<>(stable.members().keySet()).first();
            Map<String, MemberSpec> remaining = new HashMap<>(stable.members());
            remaining.remove(leaver);
            GroupSpec after = new GroupSpec(remaining);

            GroupAssignment result = assignor.assign(after, c.topics());

            assertValid(after, c.topics(), result);
            remaining.forEach((id, spec) -> spec.currentAssignment()
                    .forEach((t, partitions) -> assertThat(
                                    result.assignmentOf(id).getOrDefault(t, Set.of()))
                            .containsAll(partitions)));
        }
    }

    @Test
    void shouldMoveOnlyTheMinimumWhenRandomHomogeneousMemberJoins() {
        Random random = new Random(SEED + 2);
        UniformAssignor assignor = new UniformAssignor();
        for (int i = 0; i < CASES; i++) {
            Case c = randomCase(random);
            if (c.group().members().isEmpty() || !c.homogeneous()) {
                continue;
            }
            GroupSpec stable = withCurrent(c.group(), assignor.assign(c.group(), c.topics()));
            Set<Uuid> subs = stable.members().values().iterator().next().subscribedTopicIds();
            Map<String, MemberSpec> members = new HashMap<>(stable.members());
            members.put("joiner", MemberSpec.subscribedTo(subs));
            GroupSpec after = new GroupSpec(members);

            GroupAssignment result = assignor.assign(after, c.topics());

            assertValid(after, c.topics(), result);
            assertThat(spread(result)).isLessThanOrEqualTo(1);
            // Owned counts are balanced, so the minimum is what the joiner must receive.
            int total = c.topics().entrySet().stream()
                    .filter(e -> subs.contains(e.getKey()))
                    .mapToInt(Map.Entry::getValue)
                    .sum();
            assertThat(AssignmentChecks.moved(after, result)).as("case %d", i).isEqualTo(total / members.size());
        }
    }

    @Test
    void shouldHoldRangeInvariantsWhenInputsAreRandom() {
        Random random = new Random(SEED);
        RangeAssignor assignor = new RangeAssignor();
        for (int i = 0; i < CASES; i++) {
            Case c = randomCase(random);

            GroupAssignment result = assignor.assign(c.group(), c.topics());

            assertValid(c.group(), c.topics(), result);
            c.topics().forEach((t, partitionCount) -> {
                List<String> subscribers = new ArrayList<>(new TreeSet<>(subscribersOf(c.group(), t)));
                int next = 0;
                int previousSize = Integer.MAX_VALUE;
                for (String member : subscribers) {
                    Set<Integer> got = result.assignmentOf(member).getOrDefault(t, Set.of());
                    // Contiguous, in member order, sizes non-increasing and within one of each other.
                    assertThat(got).isEqualTo(AssignmentChecks.range(next, next + got.size()));
                    assertThat(got.size()).isLessThanOrEqualTo(previousSize);
                    assertThat(got.size())
                            .isBetween(
                                    partitionCount / subscribers.size(),
                                    (partitionCount + subscribers.size() - 1) / subscribers.size());
                    next += got.size();
                    previousSize = got.size();
                }
            });
        }
    }
}
