package io.runnel.coordinator.group;

import static org.assertj.core.api.Assertions.assertThat;

import io.runnel.coordinator.group.store.GroupRecord;
import io.runnel.coordinator.runtime.ManualScheduler;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor;
import org.apache.kafka.clients.consumer.internals.ConsumerProtocol;
import org.apache.kafka.common.message.DeleteGroupsRequestData;
import org.apache.kafka.common.message.DeleteGroupsResponseData;
import org.apache.kafka.common.message.DescribeGroupsRequestData;
import org.apache.kafka.common.message.DescribeGroupsResponseData;
import org.apache.kafka.common.message.HeartbeatRequestData;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.LeaveGroupRequestData;
import org.apache.kafka.common.message.LeaveGroupResponseData;
import org.apache.kafka.common.message.ListGroupsRequestData;
import org.apache.kafka.common.message.ListGroupsResponseData;
import org.apache.kafka.common.message.OffsetCommitRequestData;
import org.apache.kafka.common.message.OffsetCommitResponseData;
import org.apache.kafka.common.message.OffsetDeleteRequestData;
import org.apache.kafka.common.message.OffsetDeleteResponseData;
import org.apache.kafka.common.message.OffsetFetchRequestData;
import org.apache.kafka.common.message.OffsetFetchResponseData;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.protocol.MessageUtil;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 5, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class GroupCoordinatorTest {
    private static final String GROUP = "g1";
    private static final short JOIN_V = 9;
    private static final int SESSION_MS = 10_000;
    private static final int REBALANCE_MS = 30_000;
    private static final int INITIAL_DELAY_MS = 3_000;

    private final RecordingGroupStore store = new RecordingGroupStore();
    private ManualScheduler scheduler;
    private GroupCoordinator coordinator;

    @BeforeEach
    void setUp() {
        scheduler = new ManualScheduler(1_000_000L);
        coordinator = newCoordinator(store);
    }

    @AfterEach
    void tearDown() {
        coordinator.close();
    }

    private GroupCoordinator newCoordinator(final RecordingGroupStore groupStore) {
        final GroupCoordinator c = new GroupCoordinator(
                groupStore,
                GroupConfig.from(Map.of(GroupConfig.MAX_SIZE, "4", GroupConfig.OFFSETS_RETENTION_MINUTES, "60")),
                scheduler,
                new Random(42));
        assertThat(c.load()).isCompleted();
        return c;
    }

    // ---- helpers

    private static byte[] subscription(final String... topics) {
        return toBytes(
                ConsumerProtocol.serializeSubscription(new ConsumerPartitionAssignor.Subscription(List.of(topics))));
    }

    private static byte[] toBytes(final ByteBuffer buffer) {
        final byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        return bytes;
    }

    private static JoinGroupRequestData joinRequest(
            final String memberId, final String instanceId, final byte[] metadata) {
        final JoinGroupRequestData.JoinGroupRequestProtocolCollection protocols =
                new JoinGroupRequestData.JoinGroupRequestProtocolCollection();
        protocols.add(new JoinGroupRequestData.JoinGroupRequestProtocol()
                .setName("range")
                .setMetadata(metadata));
        return new JoinGroupRequestData()
                .setGroupId(GROUP)
                .setMemberId(memberId)
                .setGroupInstanceId(instanceId)
                .setSessionTimeoutMs(SESSION_MS)
                .setRebalanceTimeoutMs(REBALANCE_MS)
                .setProtocolType("consumer")
                .setProtocols(protocols);
    }

    private CompletableFuture<JoinGroupResponseData> join(final String memberId) {
        return coordinator.joinGroup("client", "/127.0.0.1", joinRequest(memberId, null, subscription("t")), JOIN_V);
    }

    private CompletableFuture<JoinGroupResponseData> joinStatic(final String memberId, final String instanceId) {
        return coordinator.joinGroup(
                "client", "/127.0.0.1", joinRequest(memberId, instanceId, subscription("t")), JOIN_V);
    }

    /** First JoinGroup with an empty id (MEMBER_ID_REQUIRED), then the rejoin with the id it got. */
    private CompletableFuture<JoinGroupResponseData> joinNew() {
        final JoinGroupResponseData first = join("").join();
        assertThat(first.errorCode()).isEqualTo(Errors.MEMBER_ID_REQUIRED.code());
        return join(first.memberId());
    }

    private SyncGroupResponseData syncNow(
            final String memberId, final int generation, final Map<String, byte[]> assignments) {
        return sync(memberId, generation, assignments).join();
    }

    private CompletableFuture<SyncGroupResponseData> sync(
            final String memberId, final int generation, final Map<String, byte[]> assignments) {
        final SyncGroupRequestData request = new SyncGroupRequestData()
                .setGroupId(GROUP)
                .setMemberId(memberId)
                .setGenerationId(generation)
                .setProtocolType("consumer")
                .setProtocolName("range");
        assignments.forEach((id, bytes) -> request.assignments()
                .add(new SyncGroupRequestData.SyncGroupRequestAssignment()
                        .setMemberId(id)
                        .setAssignment(bytes)));
        return coordinator.syncGroup(request, (short) 5);
    }

    private Errors heartbeat(final String memberId, final int generation) {
        return Errors.forCode(coordinator
                .heartbeat(
                        new HeartbeatRequestData()
                                .setGroupId(GROUP)
                                .setMemberId(memberId)
                                .setGenerationId(generation),
                        (short) 4)
                .join()
                .errorCode());
    }

    private DescribeGroupsResponseData.DescribedGroup describe(final String groupId) {
        return coordinator
                .describeGroups(new DescribeGroupsRequestData().setGroups(List.of(groupId)), (short) 5)
                .join()
                .groups()
                .get(0);
    }

    private OffsetCommitResponseData commit(
            final String memberId,
            final int generation,
            final String topic,
            final int partition,
            final long offset,
            final String metadata) {
        final OffsetCommitRequestData request = new OffsetCommitRequestData()
                .setGroupId(GROUP)
                .setMemberId(memberId)
                .setGenerationIdOrMemberEpoch(generation);
        request.topics()
                .add(new OffsetCommitRequestData.OffsetCommitRequestTopic()
                        .setName(topic)
                        .setPartitions(List.of(new OffsetCommitRequestData.OffsetCommitRequestPartition()
                                .setPartitionIndex(partition)
                                .setCommittedOffset(offset)
                                .setCommittedMetadata(metadata))));
        return coordinator.commitOffsets(request, (short) 9).join();
    }

    private static short commitError(final OffsetCommitResponseData response) {
        return response.topics().get(0).partitions().get(0).errorCode();
    }

    private OffsetFetchResponseData.OffsetFetchResponsePartitions fetch(
            final GroupCoordinator c, final String topic, final int partition) {
        final OffsetFetchRequestData request = new OffsetFetchRequestData();
        request.groups()
                .add(new OffsetFetchRequestData.OffsetFetchRequestGroup()
                        .setGroupId(GROUP)
                        .setTopics(List.of(new OffsetFetchRequestData.OffsetFetchRequestTopics()
                                .setName(topic)
                                .setPartitionIndexes(List.of(partition)))));
        return c.fetchOffsets(request, (short) 9)
                .join()
                .groups()
                .get(0)
                .topics()
                .get(0)
                .partitions()
                .get(0);
    }

    /** Three members formed into generation 1 with the leader's assignment distributed; returns their ids. */
    private record Formed(String leader, List<String> members, int generation) {}

    private Formed formGroupOfThree() {
        final var a = joinNew();
        final var b = joinNew();
        final var c = joinNew();
        assertThat(a).isNotDone();
        scheduler.advance(2 * INITIAL_DELAY_MS);
        final List<JoinGroupResponseData> responses = List.of(a.join(), b.join(), c.join());
        final JoinGroupResponseData leader = responses.stream()
                .filter(r -> r.leader().equals(r.memberId()))
                .findFirst()
                .orElseThrow();
        final List<String> ids =
                responses.stream().map(JoinGroupResponseData::memberId).toList();
        final Map<String, byte[]> assignments =
                Map.of(ids.get(0), new byte[] {0}, ids.get(1), new byte[] {1}, ids.get(2), new byte[] {2});
        final var followerSyncs = ids.stream()
                .filter(id -> !id.equals(leader.memberId()))
                .map(id -> sync(id, leader.generationId(), Map.of()))
                .toList();
        assertThat(syncNow(leader.memberId(), leader.generationId(), assignments)
                        .errorCode())
                .isZero();
        followerSyncs.forEach(f -> assertThat(f).isCompleted());
        return new Formed(leader.memberId(), ids, leader.generationId());
    }

    // ---- JoinGroup and SyncGroup

    @Test
    void shouldRequireMemberIdWhenNewDynamicMemberJoinsFromV4() {
        final JoinGroupResponseData response = join("").join();

        assertThat(response.errorCode()).isEqualTo(Errors.MEMBER_ID_REQUIRED.code());
        assertThat(response.memberId()).startsWith("client-");
        assertThat(MessageUtil.toVersionPrefixedBytes(ApiKeys.JOIN_GROUP.latestVersion(), response))
                .isNotEmpty();
    }

    @Test
    void shouldSerializeJoinErrorAtOldVersionsWhenProtocolNameIsNull() {
        final JoinGroupResponseData response = coordinator
                .joinGroup("client", "/h", joinRequest("unknown", null, subscription("t")), (short) 2)
                .join();

        assertThat(response.errorCode()).isEqualTo(Errors.UNKNOWN_MEMBER_ID.code());
        assertThat(response.protocolName()).isEqualTo("");
        assertThat(MessageUtil.toVersionPrefixedBytes((short) 2, response)).isNotEmpty();
    }

    @Test
    void shouldFormOneGenerationWithLeaderWhenThreeMembersJoin() {
        final var a = joinNew();
        final var b = joinNew();
        final var c = joinNew();
        scheduler.advance(INITIAL_DELAY_MS);
        // Members joined during the delay, so it is extended once (up to the rebalance timeout), as in Kafka.
        assertThat(a).isNotDone();
        scheduler.advance(2 * INITIAL_DELAY_MS);

        final List<JoinGroupResponseData> responses = List.of(a.join(), b.join(), c.join());
        assertThat(responses).allSatisfy(r -> {
            assertThat(r.errorCode()).isZero();
            assertThat(r.generationId()).isEqualTo(1);
            assertThat(r.protocolName()).isEqualTo("range");
            assertThat(r.leader()).isEqualTo(responses.get(0).memberId());
        });
        assertThat(responses.get(0).members()).hasSize(3);
        assertThat(responses.get(1).members()).isEmpty();

        final String leader = responses.get(0).memberId();
        final var followerSync = sync(responses.get(1).memberId(), 1, Map.of());
        assertThat(followerSync).isNotDone();
        assertThat(describe(GROUP).groupState()).isEqualTo("CompletingRebalance");

        syncNow(
                leader,
                1,
                Map.of(
                        leader,
                        new byte[] {1},
                        responses.get(1).memberId(),
                        new byte[] {2},
                        responses.get(2).memberId(),
                        new byte[] {3}));

        assertThat(followerSync.join().assignment()).containsExactly(2);
        assertThat(syncNow(responses.get(2).memberId(), 1, Map.of()).assignment())
                .containsExactly(3);
        assertThat(describe(GROUP).groupState()).isEqualTo("Stable");
        final GroupRecord.GroupMetadata persisted =
                store.records(GroupRecord.GroupMetadata.class).get(0);
        assertThat(persisted.generation()).isEqualTo(1);
        assertThat(persisted.leader()).isEqualTo(leader);
        assertThat(persisted.members()).hasSize(3);
    }

    @Test
    void shouldRebalanceEveryoneWhenAFourthMemberJoins() {
        final Formed formed = formGroupOfThree();

        final var newcomer = joinNew();
        assertThat(describe(GROUP).groupState()).isEqualTo("PreparingRebalance");
        assertThat(heartbeat(formed.members().get(1), formed.generation())).isEqualTo(Errors.REBALANCE_IN_PROGRESS);
        final var rejoins = formed.members().stream().map(this::join).toList();

        assertThat(newcomer.join().generationId()).isEqualTo(2);
        assertThat(rejoins).allSatisfy(f -> assertThat(f.join().generationId()).isEqualTo(2));
        assertThat(rejoins.stream()
                        .filter(f -> !f.join().members().isEmpty())
                        .findFirst()
                        .orElseThrow()
                        .join()
                        .members())
                .hasSize(4);
    }

    @Test
    void shouldRefuseMemberWhenGroupIsFull() {
        final Formed formed = formGroupOfThree();
        final var fourth = joinNew();
        formed.members().forEach(this::join);
        assertThat(fourth.join().generationId()).isEqualTo(formed.generation() + 1);

        final JoinGroupResponseData refused = join("").join();

        assertThat(refused.errorCode()).isEqualTo(Errors.GROUP_MAX_SIZE_REACHED.code());
        assertThat(describe(GROUP).members()).hasSize(4);
    }

    @Test
    void shouldRefuseJoinWhenProtocolTypeDiffers() {
        formGroupOfThree();
        final JoinGroupRequestData request =
                joinRequest("", null, subscription("t")).setProtocolType("connect");

        assertThat(coordinator.joinGroup("c", "/h", request, JOIN_V).join().errorCode())
                .isEqualTo(Errors.INCONSISTENT_GROUP_PROTOCOL.code());
    }

    @Test
    void shouldRefuseJoinWhenSessionTimeoutOutOfRangeOrGroupIdEmpty() {
        assertThat(coordinator
                        .joinGroup("c", "/h", joinRequest("", null, new byte[0]).setSessionTimeoutMs(10), JOIN_V)
                        .join()
                        .errorCode())
                .isEqualTo(Errors.INVALID_SESSION_TIMEOUT.code());
        assertThat(coordinator
                        .joinGroup("c", "/h", joinRequest("", null, new byte[0]).setGroupId(""), JOIN_V)
                        .join()
                        .errorCode())
                .isEqualTo(Errors.INVALID_GROUP_ID.code());
    }

    // ---- timeouts

    @Test
    void shouldEvictMemberAndRebalanceWhenHeartbeatsStop() {
        final Formed formed = formGroupOfThree();
        final String silent = formed.members().get(2);

        scheduler.advance(SESSION_MS / 2);
        assertThat(heartbeat(formed.members().get(0), formed.generation())).isEqualTo(Errors.NONE);
        assertThat(heartbeat(formed.members().get(1), formed.generation())).isEqualTo(Errors.NONE);
        scheduler.advance(SESSION_MS / 2 - 1);
        assertThat(describe(GROUP).groupState()).isEqualTo("Stable");

        scheduler.advance(1);

        assertThat(describe(GROUP).groupState()).isEqualTo("PreparingRebalance");
        assertThat(heartbeat(formed.members().get(0), formed.generation())).isEqualTo(Errors.REBALANCE_IN_PROGRESS);
        assertThat(heartbeat(silent, formed.generation())).isEqualTo(Errors.UNKNOWN_MEMBER_ID);
        final var a = join(formed.members().get(0));
        final var b = join(formed.members().get(1));
        assertThat(a.join().generationId()).isEqualTo(formed.generation() + 1);
        assertThat(b.join().errorCode()).isZero();
    }

    @Test
    void shouldRemoveMemberThatDoesNotRejoinWithinRebalanceTimeout() {
        final Formed formed = formGroupOfThree();
        final var a = join(formed.leader());
        final List<String> others = formed.members().stream()
                .filter(id -> !id.equals(formed.leader()))
                .toList();
        final var b = join(others.get(0));
        assertThat(a).isNotDone();

        for (int elapsed = 0; elapsed < REBALANCE_MS; elapsed += SESSION_MS / 2) {
            assertThat(heartbeat(others.get(1), formed.generation())).isEqualTo(Errors.REBALANCE_IN_PROGRESS);
            scheduler.advance(SESSION_MS / 2);
        }

        assertThat(a.join().members())
                .extracting(JoinGroupResponseData.JoinGroupResponseMember::memberId)
                .containsExactlyInAnyOrder(formed.leader(), others.get(0));
        assertThat(b.join().generationId()).isEqualTo(formed.generation() + 1);
        assertThat(heartbeat(others.get(1), formed.generation())).isEqualTo(Errors.UNKNOWN_MEMBER_ID);
    }

    @Test
    void shouldRemoveMembersThatDoNotSyncWithinRebalanceTimeout() {
        final var a = joinNew();
        final var b = joinNew();
        scheduler.advance(2 * INITIAL_DELAY_MS);
        final JoinGroupResponseData leader = a.join();
        final String lagging = b.join().memberId();
        syncNow(leader.memberId(), 1, Map.of());

        // Both stay alive, but the follower never sends SyncGroup.
        for (int elapsed = 0; elapsed < REBALANCE_MS; elapsed += SESSION_MS / 2) {
            assertThat(heartbeat(leader.memberId(), 1)).isEqualTo(Errors.NONE);
            assertThat(heartbeat(lagging, 1)).isEqualTo(Errors.NONE);
            scheduler.advance(SESSION_MS / 2);
        }

        assertThat(describe(GROUP).members())
                .extracting(DescribeGroupsResponseData.DescribedGroupMember::memberId)
                .containsExactly(leader.memberId());
        assertThat(describe(GROUP).groupState()).isEqualTo("PreparingRebalance");
        assertThat(heartbeat(lagging, 1)).isEqualTo(Errors.UNKNOWN_MEMBER_ID);
    }

    @Test
    void shouldAnswerHeartbeatsWithTheRightErrors() {
        final Formed formed = formGroupOfThree();

        assertThat(heartbeat(formed.leader(), formed.generation())).isEqualTo(Errors.NONE);
        assertThat(heartbeat(formed.leader(), formed.generation() - 1)).isEqualTo(Errors.ILLEGAL_GENERATION);
        assertThat(heartbeat("nobody", formed.generation())).isEqualTo(Errors.UNKNOWN_MEMBER_ID);
        assertThat(Errors.forCode(coordinator
                        .heartbeat(
                                new HeartbeatRequestData()
                                        .setGroupId("other")
                                        .setMemberId("x")
                                        .setGenerationId(1),
                                (short) 4)
                        .join()
                        .errorCode()))
                .isEqualTo(Errors.UNKNOWN_MEMBER_ID);
        join(formed.leader());
        assertThat(heartbeat(formed.members().get(1), formed.generation())).isEqualTo(Errors.REBALANCE_IN_PROGRESS);
    }

    // ---- static membership

    @Test
    void shouldReplaceStaticMemberWithoutRebalanceWhenItRestarts() {
        final var a = joinStatic("", "instance-a");
        final var b = joinStatic("", "instance-b");
        scheduler.advance(2 * INITIAL_DELAY_MS);
        final JoinGroupResponseData ja = a.join();
        final JoinGroupResponseData jb = b.join();
        final String leader = ja.leader();
        syncNow(leader, 1, Map.of(ja.memberId(), new byte[] {7}, jb.memberId(), new byte[] {8}));
        syncNow(jb.memberId(), 1, Map.of());
        final JoinGroupResponseData follower = leader.equals(ja.memberId()) ? jb : ja;
        final String followerInstance = follower == ja ? "instance-a" : "instance-b";
        final byte[] followerAssignment = follower == ja ? new byte[] {7} : new byte[] {8};

        final JoinGroupResponseData restarted = joinStatic("", followerInstance).join();

        assertThat(restarted.errorCode()).isZero();
        assertThat(restarted.generationId()).isEqualTo(1);
        assertThat(restarted.memberId()).isNotEqualTo(follower.memberId()).startsWith(followerInstance + "-");
        assertThat(describe(GROUP).groupState()).isEqualTo("Stable");
        assertThat(coordinator
                        .syncGroup(
                                new SyncGroupRequestData()
                                        .setGroupId(GROUP)
                                        .setGenerationId(1)
                                        .setMemberId(restarted.memberId())
                                        .setGroupInstanceId(followerInstance),
                                (short) 5)
                        .join()
                        .assignment())
                .isEqualTo(followerAssignment);
        // The old incarnation is fenced.
        assertThat(coordinator
                        .heartbeat(
                                new HeartbeatRequestData()
                                        .setGroupId(GROUP)
                                        .setGenerationId(1)
                                        .setMemberId(follower.memberId())
                                        .setGroupInstanceId(followerInstance),
                                (short) 4)
                        .join()
                        .errorCode())
                .isEqualTo(Errors.FENCED_INSTANCE_ID.code());
    }

    @Test
    void shouldLetTheGroupContinueWhenStaticLeaderRestarts() {
        final var a = joinStatic("", "instance-a");
        scheduler.advance(2 * INITIAL_DELAY_MS);
        final JoinGroupResponseData ja = a.join();
        syncNow(ja.memberId(), 1, Map.of(ja.memberId(), new byte[] {5}));

        final JoinGroupResponseData v9 = joinStatic("", "instance-a").join();
        assertThat(v9.skipAssignment()).isTrue();
        assertThat(v9.leader()).isEqualTo(v9.memberId());
        assertThat(v9.members()).hasSize(1);

        final JoinGroupResponseData v5 = coordinator
                .joinGroup("client", "/h", joinRequest("", "instance-a", subscription("t")), (short) 5)
                .join();
        assertThat(v5.errorCode()).isZero();
        assertThat(v5.leader()).isEqualTo(v9.memberId()).isNotEqualTo(v5.memberId());
        assertThat(coordinator
                        .syncGroup(
                                new SyncGroupRequestData()
                                        .setGroupId(GROUP)
                                        .setGenerationId(1)
                                        .setMemberId(v5.memberId())
                                        .setGroupInstanceId("instance-a"),
                                (short) 3)
                        .join()
                        .assignment())
                .containsExactly(5);
        assertThat(describe(GROUP).groupState()).isEqualTo("Stable");
    }

    // ---- LeaveGroup

    @Test
    void shouldRebalanceWhenMembersLeaveInABatch() {
        final Formed formed = formGroupOfThree();
        final LeaveGroupRequestData request = new LeaveGroupRequestData()
                .setGroupId(GROUP)
                .setMembers(List.of(
                        new LeaveGroupRequestData.MemberIdentity()
                                .setMemberId(formed.members().get(1)),
                        new LeaveGroupRequestData.MemberIdentity()
                                .setMemberId(formed.members().get(2)),
                        new LeaveGroupRequestData.MemberIdentity().setMemberId("ghost")));

        final LeaveGroupResponseData response =
                coordinator.leaveGroup(request, (short) 5).join();

        assertThat(response.errorCode()).isZero();
        assertThat(response.members())
                .extracting(LeaveGroupResponseData.MemberResponse::errorCode)
                .containsExactly(Errors.NONE.code(), Errors.NONE.code(), Errors.UNKNOWN_MEMBER_ID.code());
        assertThat(describe(GROUP).groupState()).isEqualTo("PreparingRebalance");
        assertThat(join(formed.members().get(0)).join().generationId()).isEqualTo(formed.generation() + 1);
    }

    @Test
    void shouldBecomeEmptyAndPersistWhenLastMemberLeaves() {
        final var a = joinNew();
        scheduler.advance(2 * INITIAL_DELAY_MS);
        final String id = a.join().memberId();
        syncNow(id, 1, Map.of(id, new byte[] {1}));

        final LeaveGroupResponseData response = coordinator
                .leaveGroup(new LeaveGroupRequestData().setGroupId(GROUP).setMemberId(id), (short) 1)
                .join();

        assertThat(response.errorCode()).isZero();
        assertThat(describe(GROUP).groupState()).isEqualTo("Empty");
        final List<GroupRecord.GroupMetadata> records = store.records(GroupRecord.GroupMetadata.class);
        assertThat(records.get(records.size() - 1).members()).isEmpty();
        assertThat(records.get(records.size() - 1).generation()).isEqualTo(2);
    }

    // ---- offsets

    @Test
    void shouldRefuseCommitWhenGenerationIsStale() {
        final Formed formed = formGroupOfThree();

        assertThat(commitError(commit(formed.leader(), formed.generation() - 1, "t", 0, 10, "")))
                .isEqualTo(Errors.ILLEGAL_GENERATION.code());
        assertThat(commitError(commit("", -1, "t", 0, 10, ""))).isEqualTo(Errors.UNKNOWN_MEMBER_ID.code());
        assertThat(commitError(commit("nobody", formed.generation(), "t", 0, 10, "")))
                .isEqualTo(Errors.UNKNOWN_MEMBER_ID.code());
        assertThat(commitError(commit(formed.leader(), formed.generation(), "t", 0, 10, "")))
                .isZero();
        join(formed.leader());
        // Still the generation of the members: allowed during PreparingRebalance.
        assertThat(commitError(commit(formed.members().get(1), formed.generation(), "t", 0, 11, "")))
                .isZero();
    }

    @Test
    void shouldAcceptSimpleCommitWhenGroupDoesNotExistAndFetchAfterLoad() {
        assertThat(commitError(commit("", -1, "t", 3, 42, "meta"))).isZero();
        assertThat(commitError(commit("", -1, "t", 4, 1, "x".repeat(5000))))
                .isEqualTo(Errors.OFFSET_METADATA_TOO_LARGE.code());
        assertThat(fetch(coordinator, "t", 3).committedOffset()).isEqualTo(42);

        final GroupCoordinator reloaded = newCoordinator(store);
        try {
            final var partition = fetch(reloaded, "t", 3);
            assertThat(partition.committedOffset()).isEqualTo(42);
            assertThat(partition.metadata()).isEqualTo("meta");
            assertThat(fetch(reloaded, "t", 4).committedOffset()).isEqualTo(-1);
            assertThat(fetch(reloaded, "t", 4).errorCode()).isZero();
        } finally {
            reloaded.close();
        }
    }

    @Test
    void shouldFetchAllOffsetsAtOldVersionWhenTopicsAreNull() {
        commit("", -1, "a", 0, 1, null);
        commit("", -1, "b", 1, 2, null);

        final OffsetFetchResponseData v7 = coordinator
                .fetchOffsets(new OffsetFetchRequestData().setGroupId(GROUP).setTopics(null), (short) 7)
                .join();

        assertThat(v7.topics())
                .extracting(OffsetFetchResponseData.OffsetFetchResponseTopic::name)
                .containsExactly("a", "b");
        assertThat(v7.errorCode()).isZero();
    }

    @Test
    void shouldRestoreGroupAfterLoad() {
        final Formed formed = formGroupOfThree();
        commit(formed.leader(), formed.generation(), "t", 0, 7, "");

        final GroupCoordinator reloaded = newCoordinator(store);
        try {
            final var described = reloaded.describeGroups(
                            new DescribeGroupsRequestData().setGroups(List.of(GROUP)), (short) 5)
                    .join()
                    .groups()
                    .get(0);
            assertThat(described.groupState()).isEqualTo("Stable");
            assertThat(described.members()).hasSize(3);
            assertThat(reloaded.heartbeat(
                                    new HeartbeatRequestData()
                                            .setGroupId(GROUP)
                                            .setMemberId(formed.leader())
                                            .setGenerationId(formed.generation()),
                                    (short) 4)
                            .join()
                            .errorCode())
                    .isZero();
            assertThat(fetch(reloaded, "t", 0).committedOffset()).isEqualTo(7);
        } finally {
            reloaded.close();
        }
    }

    @Test
    void shouldDeleteOnlyEmptyGroups() {
        final Formed formed = formGroupOfThree();
        commit("", -1, "x", 0, 1, "");
        final DeleteGroupsResponseData refused = coordinator
                .deleteGroups(new DeleteGroupsRequestData().setGroupsNames(List.of(GROUP, "missing")), (short) 2)
                .join();
        assertThat(refused.results().find(GROUP).errorCode()).isEqualTo(Errors.NON_EMPTY_GROUP.code());
        assertThat(refused.results().find("missing").errorCode()).isEqualTo(Errors.GROUP_ID_NOT_FOUND.code());

        coordinator
                .leaveGroup(
                        new LeaveGroupRequestData()
                                .setGroupId(GROUP)
                                .setMembers(formed.members().stream()
                                        .map(id -> new LeaveGroupRequestData.MemberIdentity().setMemberId(id))
                                        .toList()),
                        (short) 3)
                .join();
        commit("", -1, "t", 0, 5, "");
        final DeleteGroupsResponseData deleted = coordinator
                .deleteGroups(new DeleteGroupsRequestData().setGroupsNames(List.of(GROUP)), (short) 2)
                .join();

        assertThat(deleted.results().find(GROUP).errorCode()).isZero();
        assertThat(store.records(GroupRecord.GroupTombstone.class)).hasSize(1);
        assertThat(store.records(GroupRecord.OffsetTombstone.class)).hasSize(1);
        assertThat(describe(GROUP).groupState()).isEqualTo("Dead");
        assertThat(fetch(coordinator, "t", 0).committedOffset()).isEqualTo(-1);
        assertThat(fetch(newCoordinator(store), "t", 0).committedOffset()).isEqualTo(-1);
    }

    @Test
    void shouldRefuseOffsetDeleteWhenGroupIsSubscribedToTopic() {
        formGroupOfThree();
        commit("", -1, "t", 0, 1, "");

        final OffsetDeleteRequestData request = new OffsetDeleteRequestData().setGroupId(GROUP);
        final OffsetDeleteRequestData.OffsetDeleteRequestTopicCollection topics =
                new OffsetDeleteRequestData.OffsetDeleteRequestTopicCollection();
        topics.add(new OffsetDeleteRequestData.OffsetDeleteRequestTopic()
                .setName("t")
                .setPartitions(
                        List.of(new OffsetDeleteRequestData.OffsetDeleteRequestPartition().setPartitionIndex(0))));
        topics.add(new OffsetDeleteRequestData.OffsetDeleteRequestTopic()
                .setName("other")
                .setPartitions(
                        List.of(new OffsetDeleteRequestData.OffsetDeleteRequestPartition().setPartitionIndex(0))));
        request.setTopics(topics);
        final OffsetDeleteResponseData response =
                coordinator.deleteOffsets(request, (short) 0).join();

        assertThat(response.errorCode()).isZero();
        assertThat(response.topics().find("t").partitions().find(0).errorCode())
                .isEqualTo(Errors.GROUP_SUBSCRIBED_TO_TOPIC.code());
        assertThat(response.topics().find("other").partitions().find(0).errorCode())
                .isZero();
    }

    @Test
    void shouldExpireOffsetsOfEmptyGroupAfterRetention() {
        commit("", -1, "t", 0, 1, "");
        scheduler.advance(30 * 60_000L);
        commit("", -1, "t", 1, 2, "");

        scheduler.advance(40 * 60_000L);

        assertThat(fetch(coordinator, "t", 0).committedOffset()).isEqualTo(-1);
        assertThat(fetch(coordinator, "t", 1).committedOffset()).isEqualTo(2);
        assertThat(store.records(GroupRecord.OffsetTombstone.class)).hasSize(1);

        scheduler.advance(30 * 60_000L);

        assertThat(store.records(GroupRecord.GroupTombstone.class)).hasSize(1);
        assertThat(describe(GROUP).groupState()).isEqualTo("Dead");
    }

    // ---- list and describe

    @Test
    void shouldListAndDescribeGroupsWithKafkaStateNames() {
        formGroupOfThree();
        coordinator
                .commitOffsets(
                        new OffsetCommitRequestData().setGroupId("simple").setGenerationIdOrMemberEpoch(-1), (short) 9)
                .join();
        commitSimple("simple");

        final ListGroupsResponseData all =
                coordinator.listGroups(new ListGroupsRequestData(), (short) 5).join();
        assertThat(all.groups())
                .extracting(ListGroupsResponseData.ListedGroup::groupId)
                .containsExactly(GROUP, "simple");
        assertThat(all.groups())
                .extracting(ListGroupsResponseData.ListedGroup::groupState)
                .containsExactly("Stable", "Empty");
        assertThat(coordinator
                        .listGroups(new ListGroupsRequestData().setStatesFilter(List.of("stable")), (short) 4)
                        .join()
                        .groups())
                .hasSize(1);
        assertThat(coordinator
                        .listGroups(new ListGroupsRequestData().setTypesFilter(List.of("consumer")), (short) 5)
                        .join()
                        .groups())
                .isEmpty();

        final var described = describe(GROUP);
        assertThat(described.protocolData()).isEqualTo("range");
        assertThat(described.members())
                .allSatisfy(m -> assertThat(m.memberMetadata()).isNotEmpty());
        assertThat(describe("unknown").groupState()).isEqualTo("Dead");
        assertThat(describe("unknown").errorCode()).isZero();
        assertThat(coordinator
                        .describeGroups(new DescribeGroupsRequestData().setGroups(List.of("unknown")), (short) 6)
                        .join()
                        .groups()
                        .get(0)
                        .errorCode())
                .isEqualTo(Errors.GROUP_ID_NOT_FOUND.code());
    }

    private void commitSimple(final String groupId) {
        final OffsetCommitRequestData request =
                new OffsetCommitRequestData().setGroupId(groupId).setGenerationIdOrMemberEpoch(-1);
        request.topics()
                .add(new OffsetCommitRequestData.OffsetCommitRequestTopic()
                        .setName("t")
                        .setPartitions(List.of(new OffsetCommitRequestData.OffsetCommitRequestPartition()
                                .setPartitionIndex(0)
                                .setCommittedOffset(1))));
        assertThat(commitError(coordinator.commitOffsets(request, (short) 9).join()))
                .isZero();
    }
}
