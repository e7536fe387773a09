package io.runnel.coordinator.group;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.runnel.coordinator.group.store.GroupRecord;
import io.runnel.coordinator.runtime.ManualScheduler;
import io.runnel.coordinator.runtime.PartitionBackedStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.errors.CoordinatorNotAvailableException;
import org.apache.kafka.common.message.ConsumerGroupDescribeRequestData;
import org.apache.kafka.common.message.ConsumerGroupDescribeResponseData;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatRequestData;
import org.apache.kafka.common.message.DeleteGroupsRequestData;
import org.apache.kafka.common.message.DeleteGroupsResponseData;
import org.apache.kafka.common.message.DescribeGroupsRequestData;
import org.apache.kafka.common.message.DescribeGroupsResponseData;
import org.apache.kafka.common.message.HeartbeatRequestData;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.ListGroupsRequestData;
import org.apache.kafka.common.message.ListGroupsResponseData;
import org.apache.kafka.common.message.OffsetCommitRequestData;
import org.apache.kafka.common.message.OffsetCommitResponseData;
import org.apache.kafka.common.message.OffsetFetchRequestData;
import org.apache.kafka.common.message.OffsetFetchResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The coordinator of a group is the leader of the group's partition of the store: groups load when their partition
 * is elected here, a bounded step at a time, and unload when it resigns. Four partitions, one record per load step,
 * time driven by hand.
 */
@Timeout(value = 5, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class GroupCoordinatorLeadershipTest {
    private static final int PARTITIONS = 4;
    private static final short COMMIT_V = 9;
    private static final short FETCH_V = 7;

    private final RecordingGroupStore store = new RecordingGroupStore(PARTITIONS, 1);
    private final ManualScheduler scheduler = new ManualScheduler(1_000_000L);
    private final GroupCoordinator coordinator = new GroupCoordinator(
            store, GroupConfig.from(Map.of(GroupConfig.INITIAL_REBALANCE_DELAY_MS, "0")), scheduler, new Random(42));

    @AfterEach
    void tearDown() {
        coordinator.close();
    }

    /** A group id that {@code __consumer_offsets} places on {@code partition}. */
    private static String groupOn(final int partition, final String prefix) {
        for (int i = 0; ; i++) {
            final String id = prefix + i;
            if (PartitionBackedStore.partitionFor(id, PARTITIONS) == partition) {
                return id;
            }
        }
    }

    private static OffsetCommitRequestData commit(final String groupId, final long offset) {
        final OffsetCommitRequestData request =
                new OffsetCommitRequestData().setGroupId(groupId).setGenerationIdOrMemberEpoch(-1);
        request.topics()
                .add(new OffsetCommitRequestData.OffsetCommitRequestTopic()
                        .setName("t")
                        .setPartitions(List.of(new OffsetCommitRequestData.OffsetCommitRequestPartition()
                                .setPartitionIndex(0)
                                .setCommittedOffset(offset))));
        return request;
    }

    private short commitError(final String groupId, final long offset) {
        final OffsetCommitResponseData response =
                coordinator.commitOffsets(commit(groupId, offset), COMMIT_V).join();
        return response.topics().get(0).partitions().get(0).errorCode();
    }

    private OffsetFetchResponseData fetch(final String groupId) {
        return coordinator
                .fetchOffsets(
                        new OffsetFetchRequestData()
                                .setGroupId(groupId)
                                .setTopics(List.of(new OffsetFetchRequestData.OffsetFetchRequestTopic()
                                        .setName("t")
                                        .setPartitionIndexes(List.of(0)))),
                        FETCH_V)
                .join();
    }

    private short heartbeatError(final String groupId) {
        return coordinator
                .heartbeat(new HeartbeatRequestData().setGroupId(groupId).setMemberId("m"), (short) 4)
                .join()
                .errorCode();
    }

    private CompletableFuture<JoinGroupResponseData> join(final String groupId, final String memberId) {
        final JoinGroupRequestData.JoinGroupRequestProtocolCollection protocols =
                new JoinGroupRequestData.JoinGroupRequestProtocolCollection();
        protocols.add(new JoinGroupRequestData.JoinGroupRequestProtocol()
                .setName("range")
                .setMetadata(new byte[0]));
        return coordinator.joinGroup(
                "client",
                "/127.0.0.1",
                new JoinGroupRequestData()
                        .setGroupId(groupId)
                        .setMemberId(memberId)
                        .setSessionTimeoutMs(10_000)
                        .setRebalanceTimeoutMs(30_000)
                        .setProtocolType("consumer")
                        .setProtocols(protocols),
                (short) 9);
    }

    /**
     * Elects {@code partition} and runs its load to the end: the election reads the first step, the next steps are
     * queued behind other work and run when the clock is advanced.
     */
    private void elect(final int partition, final int epoch) {
        coordinator.onElection(partition, epoch);
        scheduler.advance(0);
    }

    @Test
    void shouldAnswerNotCoordinatorForAGroupWhosePartitionIsNotLedHere() {
        final String group = groupOn(1, "g");

        assertThat(heartbeatError(group)).isEqualTo(Errors.NOT_COORDINATOR.code());
        assertThat(commitError(group, 5)).isEqualTo(Errors.NOT_COORDINATOR.code());
        assertThat(fetch(group).errorCode()).isEqualTo(Errors.NOT_COORDINATOR.code());
        assertThat(join(group, "").join().errorCode()).isEqualTo(Errors.NOT_COORDINATOR.code());
        assertThat(coordinator
                        .consumerGroupHeartbeat(
                                "client",
                                "/127.0.0.1",
                                new ConsumerGroupHeartbeatRequestData()
                                        .setGroupId(group)
                                        .setMemberId("m")
                                        .setMemberEpoch(0)
                                        .setRebalanceTimeoutMs(30_000)
                                        .setSubscribedTopicNames(List.of("t")),
                                (short) 1)
                        .join()
                        .errorCode())
                .isEqualTo(Errors.NOT_COORDINATOR.code());
        assertThat(coordinator
                        .listGroups(new ListGroupsRequestData(), (short) 5)
                        .join())
                .extracting(ListGroupsResponseData::errorCode, r -> r.groups().size())
                .containsExactly(Errors.NONE.code(), 0);
        assertThat(store.records()).isEmpty();
    }

    @Test
    void shouldRefuseTheEmptyGroupIdAsEachApiDoesWhateverPartitionsItLeads() {
        assertThat(join("", "").join().errorCode()).isEqualTo(Errors.INVALID_GROUP_ID.code());
        assertThat(commitError("", 1)).isEqualTo(Errors.INVALID_GROUP_ID.code());
        assertThat(heartbeatError("")).isEqualTo(Errors.INVALID_GROUP_ID.code());
        assertThat(coordinator
                        .consumerGroupHeartbeat(
                                "client", "/127.0.0.1", new ConsumerGroupHeartbeatRequestData().setGroupId(""), (short)
                                        1)
                        .join()
                        .errorCode())
                .isEqualTo(Errors.INVALID_REQUEST.code());
        assertThat(store.records()).isEmpty();
    }

    @Test
    void shouldAnswerLoadInProgressUntilTheElectedPartitionIsReadThenServeItsOffsets() {
        final String group = groupOn(2, "g");
        final String other = groupOn(2, "other");
        coordinator.load().join();
        assertThat(commitError(group, 7)).isZero();
        assertThat(commitError(other, 8)).isZero();
        assertThat(commitError(group, 9)).isZero();
        coordinator.onResignation(2, 1);

        coordinator.onElection(2, 2);

        // three records, one per step: the first step ran with the election, the others wait for the clock
        assertThat(heartbeatError(group)).isEqualTo(Errors.COORDINATOR_LOAD_IN_PROGRESS.code());
        assertThat(fetch(group).errorCode()).isEqualTo(Errors.COORDINATOR_LOAD_IN_PROGRESS.code());
        assertThat(coordinator
                        .listGroups(new ListGroupsRequestData(), (short) 5)
                        .join()
                        .errorCode())
                .isEqualTo(Errors.COORDINATOR_LOAD_IN_PROGRESS.code());
        // the groups of the partitions already loaded are served meanwhile
        assertThat(commitError(groupOn(0, "g"), 1)).isZero();
        scheduler.advance(0);

        final OffsetFetchResponseData fetched = fetch(group);
        assertThat(fetched.errorCode()).isZero();
        assertThat(fetched.topics().get(0).partitions().get(0).committedOffset())
                .isEqualTo(9);
        assertThat(fetch(other).topics().get(0).partitions().get(0).committedOffset())
                .isEqualTo(8);
        assertThat(coordinator.whenLoaded()).isCompleted();
    }

    @Test
    void shouldUnloadOnResignationAnsweringParkedJoinsAndLaterRequestsWithNotCoordinator() {
        final String group = groupOn(3, "g");
        elect(3, 0);
        final String memberId = join(group, "").join().memberId();
        final CompletableFuture<JoinGroupResponseData> parked = join(group, memberId);
        // the initial rebalance delay is 0, but the join phase ends on a timer: the join is parked until then
        assertThat(parked).isNotDone();

        coordinator.onResignation(3, 1);

        assertThat(parked.join().errorCode()).isEqualTo(Errors.NOT_COORDINATOR.code());
        assertThat(heartbeatError(group)).isEqualTo(Errors.NOT_COORDINATOR.code());
        assertThat(commitError(group, 3)).isEqualTo(Errors.NOT_COORDINATOR.code());
        final int recordsAfterResignation = store.records().size();
        scheduler.advance(60_000);
        assertThat(store.records())
                .as("timers of the unloaded groups write nothing")
                .hasSize(recordsAfterResignation);
    }

    @Test
    void shouldKeepServingWhenElectedAgainAtALaterEpochAndIgnoreAStaleResignation() {
        final String group = groupOn(0, "g");
        elect(0, 3);
        assertThat(commitError(group, 11)).isZero();

        coordinator.onElection(0, 4);
        assertThat(fetch(group).errorCode()).isZero();
        coordinator.onResignation(0, 2);
        assertThat(fetch(group).topics().get(0).partitions().get(0).committedOffset())
                .isEqualTo(11);

        coordinator.onResignation(0, 5);
        assertThat(fetch(group).errorCode()).isEqualTo(Errors.NOT_COORDINATOR.code());
        elect(0, 6);
        assertThat(fetch(group).topics().get(0).partitions().get(0).committedOffset())
                .isEqualTo(11);
    }

    @Test
    void shouldAnswerRequestsNamingSeveralGroupsGroupByGroup() {
        final String here = groupOn(1, "here");
        final String elsewhere = groupOn(2, "elsewhere");
        final String loading = groupOn(3, "loading");
        elect(1, 0);
        elect(3, 0);
        assertThat(commitError(here, 1)).isZero();
        assertThat(commitError(loading, 2)).isZero();
        assertThat(commitError(loading, 3)).isZero();
        coordinator.onResignation(3, 1);
        coordinator.onElection(3, 2); // two records, one per step: loading until the clock moves

        final DescribeGroupsResponseData described = coordinator
                .describeGroups(new DescribeGroupsRequestData().setGroups(List.of(elsewhere, here, loading)), (short) 5)
                .join();
        assertThat(described.groups())
                .extracting(DescribeGroupsResponseData.DescribedGroup::groupId, g -> Errors.forCode(g.errorCode()))
                .containsExactly(
                        tuple(elsewhere, Errors.NOT_COORDINATOR),
                        tuple(here, Errors.NONE),
                        tuple(loading, Errors.COORDINATOR_LOAD_IN_PROGRESS));

        final OffsetFetchRequestData batched = new OffsetFetchRequestData();
        for (final String id : List.of(here, elsewhere)) {
            batched.groups()
                    .add(new OffsetFetchRequestData.OffsetFetchRequestGroup()
                            .setGroupId(id)
                            .setTopics(List.of(new OffsetFetchRequestData.OffsetFetchRequestTopics()
                                    .setName("t")
                                    .setPartitionIndexes(List.of(0)))));
        }
        final OffsetFetchResponseData fetched =
                coordinator.fetchOffsets(batched, (short) 8).join();
        assertThat(fetched.groups())
                .extracting(
                        OffsetFetchResponseData.OffsetFetchResponseGroup::groupId, g -> Errors.forCode(g.errorCode()))
                .containsExactly(tuple(here, Errors.NONE), tuple(elsewhere, Errors.NOT_COORDINATOR));
        assertThat(fetched.groups().get(0).topics().get(0).partitions().get(0).committedOffset())
                .isEqualTo(1);

        final ConsumerGroupDescribeResponseData consumers = coordinator
                .consumerGroupDescribe(new ConsumerGroupDescribeRequestData().setGroupIds(List.of(here, elsewhere)))
                .join();
        assertThat(consumers.groups())
                .extracting(
                        ConsumerGroupDescribeResponseData.DescribedGroup::groupId, g -> Errors.forCode(g.errorCode()))
                .containsExactly(tuple(here, Errors.GROUP_ID_NOT_FOUND), tuple(elsewhere, Errors.NOT_COORDINATOR));

        final DeleteGroupsResponseData deleted = coordinator
                .deleteGroups(new DeleteGroupsRequestData().setGroupsNames(List.of(here, elsewhere, here)), (short) 2)
                .join();
        assertThat(deleted.results())
                .extracting(DeleteGroupsResponseData.DeletableGroupResult::groupId, r -> Errors.forCode(r.errorCode()))
                .containsExactly(tuple(here, Errors.NONE), tuple(elsewhere, Errors.NOT_COORDINATOR));
        assertThat(store.records(GroupRecord.OffsetTombstone.class))
                .extracting(GroupRecord::groupId)
                .containsExactly(here);
    }

    @Test
    void shouldListTheGroupsOfEveryLoadedPartitionInIdOrder() {
        final List<String> groups = new ArrayList<>();
        for (int p = 0; p < PARTITIONS; p++) {
            elect(p, 0);
            groups.add(groupOn(p, "g"));
        }
        groups.forEach(g -> assertThat(commitError(g, 1)).isZero());
        coordinator.onResignation(1, 1);

        final ListGroupsResponseData listed =
                coordinator.listGroups(new ListGroupsRequestData(), (short) 5).join();

        final List<String> expected = new ArrayList<>(groups);
        expected.remove(groupOn(1, "g"));
        expected.sort(String::compareTo);
        assertThat(listed.groups())
                .extracting(ListGroupsResponseData.ListedGroup::groupId)
                .containsExactlyElementsOf(expected);
    }

    @Test
    void shouldFailLoadWhenAPartitionCannotBeReadAndAnswerNotCoordinatorForItsGroups() {
        final String group = groupOn(2, "g");
        final ManualScheduler ownScheduler = new ManualScheduler(0L);
        final GroupCoordinator broken = new GroupCoordinator(
                new RecordingGroupStore(PARTITIONS, 1) {
                    @Override
                    public Replay<GroupRecord> replay(final int partition) {
                        if (partition == 2) {
                            throw new CoordinatorNotAvailableException("offline");
                        }
                        return super.replay(partition);
                    }
                },
                GroupConfig.defaults(),
                ownScheduler);
        try {
            final CompletableFuture<Void> loaded = broken.load();
            ownScheduler.advance(0);
            assertThat(loaded).isCompletedExceptionally();
            assertThat(broken.heartbeat(new HeartbeatRequestData().setGroupId(group), (short) 4)
                            .join()
                            .errorCode())
                    .isEqualTo(Errors.NOT_COORDINATOR.code());
        } finally {
            broken.close();
        }
    }
}
