package io.runnel.coordinator.group;

import static org.assertj.core.api.Assertions.assertThat;

import io.runnel.coordinator.group.consumer.ConsumerGroupConfig;
import io.runnel.coordinator.runtime.ManualScheduler;
import io.runnel.metadata.image.MetadataImage;
import io.runnel.metadata.record.PartitionRecord;
import io.runnel.metadata.record.TopicRecord;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor;
import org.apache.kafka.clients.consumer.internals.ConsumerProtocol;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.ConsumerGroupDescribeRequestData;
import org.apache.kafka.common.message.ConsumerGroupDescribeResponseData;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatRequestData;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatResponseData;
import org.apache.kafka.common.message.HeartbeatRequestData;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.LeaveGroupRequestData;
import org.apache.kafka.common.message.LeaveGroupResponseData;
import org.apache.kafka.common.message.ListGroupsRequestData;
import org.apache.kafka.common.message.OffsetCommitRequestData;
import org.apache.kafka.common.message.OffsetFetchRequestData;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Classic-protocol members (JoinGroup, SyncGroup, Heartbeat, LeaveGroup) inside a KIP-848 consumer group: the
 * server-side assignor decides for them, they rejoin to give up and take partitions, and their own timeouts
 * fence them.
 */
@Timeout(value = 5, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class MixedConsumerGroupTest {
    private static final String GROUP = "mixed";
    private static final Uuid TOPIC_ID = Uuid.randomUuid();
    private static final int CLASSIC_SESSION_MS = 10_000;
    private static final int CLASSIC_REBALANCE_MS = 20_000;

    private final RecordingGroupStore store = new RecordingGroupStore();
    private ManualScheduler scheduler;
    private GroupCoordinator coordinator;
    private int consumerEpoch;

    @BeforeEach
    void setUp() {
        scheduler = new ManualScheduler(1_000_000L);
        coordinator = newCoordinator();
    }

    private GroupCoordinator newCoordinator() {
        return newCoordinator(Map.of());
    }

    @AfterEach
    void tearDown() {
        coordinator.close();
    }

    private GroupCoordinator newCoordinator(final Map<String, String> consumerSettings) {
        MetadataImage image = MetadataImage.EMPTY.apply(new TopicRecord("t", TOPIC_ID));
        for (int p = 0; p < 4; p++) {
            image = image.apply(new PartitionRecord(TOPIC_ID, p, List.of(1), List.of(1), 1, 0, 0));
        }
        final MetadataImage topics = image;
        final GroupCoordinator c = new GroupCoordinator(
                store,
                GroupConfig.from(Map.of(GroupConfig.INITIAL_REBALANCE_DELAY_MS, "0")),
                ConsumerGroupConfig.from(consumerSettings),
                () -> topics,
                scheduler,
                new Random(3));
        assertThat(c.load()).isCompleted();
        return c;
    }

    @Test
    void shouldGiveAClassicMemberItsShareOnceTheConsumerMemberHasLetGo() {
        assertThat(consumerHeartbeat(List.of())
                        .assignment()
                        .topicPartitions()
                        .get(0)
                        .partitions())
                .hasSize(4);

        final String classicId = joinWithoutId();
        final JoinGroupResponseData joined = join(classicId, List.of());
        assertThat(Errors.forCode(joined.errorCode())).isEqualTo(Errors.NONE);
        assertThat(joined.leader()).as("the server assigns: nobody leads").isEmpty();
        assertThat(joined.members()).isEmpty();
        assertThat(joined.protocolName()).isEqualTo("range");
        assertThat(sync(classicId, joined.generationId()))
                .as("the consumer member still holds everything")
                .isEmpty();
        assertThat(heartbeat(classicId, joined.generationId())).isEqualTo(Errors.NONE);

        // the consumer member revokes half; then the classic member is told to rejoin, and gets that half
        final ConsumerGroupHeartbeatResponseData revoke = consumerHeartbeat(List.of(0, 1, 2, 3));
        final List<Integer> kept = revoke.assignment().topicPartitions().get(0).partitions();
        assertThat(kept).hasSize(2);
        consumerHeartbeat(kept);
        assertThat(heartbeat(classicId, joined.generationId())).isEqualTo(Errors.REBALANCE_IN_PROGRESS);
        final JoinGroupResponseData rejoined = join(classicId, List.of());
        assertThat(rejoined.generationId())
                .as("the target did not change, so neither did the epoch")
                .isEqualTo(joined.generationId());
        final List<TopicPartition> share = sync(classicId, rejoined.generationId());
        assertThat(share).hasSize(2).extracting(TopicPartition::partition).doesNotContainAnyElementsOf(kept);
        assertThat(heartbeat(classicId, rejoined.generationId())).isEqualTo(Errors.NONE);

        assertThat(commit(classicId, joined.generationId() - 1)).isEqualTo(Errors.ILLEGAL_GENERATION);
        assertThat(commit(classicId, rejoined.generationId())).isEqualTo(Errors.NONE);
        final ConsumerGroupDescribeResponseData.DescribedGroup described = coordinator
                .consumerGroupDescribe(new ConsumerGroupDescribeRequestData().setGroupIds(List.of(GROUP)))
                .join()
                .groups()
                .get(0);
        assertThat(described.members())
                .extracting(ConsumerGroupDescribeResponseData.Member::memberType)
                .containsExactlyInAnyOrder((byte) 0, (byte) 1);
    }

    @Test
    void shouldFenceAClassicMemberThatDoesNotSyncAfterItsJoinOrFallsSilent() {
        consumerHeartbeat(List.of());
        final String late = joinWithoutId();
        join(late, List.of());
        scheduler.advance(CLASSIC_REBALANCE_MS);
        assertThat(heartbeat(late, 0)).as("fenced: no SyncGroup after its join").isEqualTo(Errors.UNKNOWN_MEMBER_ID);

        final String silent = joinWithoutId();
        final JoinGroupResponseData joined = join(silent, List.of());
        sync(silent, joined.generationId());
        scheduler.advance(CLASSIC_SESSION_MS - 1);
        assertThat(heartbeat(silent, joined.generationId())).isIn(Errors.NONE, Errors.REBALANCE_IN_PROGRESS);
        scheduler.advance(CLASSIC_SESSION_MS);
        assertThat(heartbeat(silent, joined.generationId()))
                .as("fenced after its own session timeout")
                .isEqualTo(Errors.UNKNOWN_MEMBER_ID);
    }

    @Test
    void shouldLetAClassicMemberLeaveAndComeBackAfterARestart() {
        consumerHeartbeat(List.of());
        final String classicId = joinWithoutId();
        final JoinGroupResponseData joined = join(classicId, List.of());
        sync(classicId, joined.generationId());

        coordinator.close();
        scheduler = new ManualScheduler(scheduler.nowMs());
        coordinator = newCoordinator();
        assertThat(heartbeat(classicId, joined.generationId()))
                .as("loaded back with its classic metadata")
                .isIn(Errors.NONE, Errors.REBALANCE_IN_PROGRESS);

        final LeaveGroupResponseData left = coordinator
                .leaveGroup(
                        new LeaveGroupRequestData()
                                .setGroupId(GROUP)
                                .setMembers(List.of(
                                        new LeaveGroupRequestData.MemberIdentity().setMemberId(classicId),
                                        new LeaveGroupRequestData.MemberIdentity().setMemberId("stranger"))),
                        (short) 5)
                .join();
        assertThat(left.members())
                .extracting(m -> Errors.forCode(m.errorCode()))
                .containsExactly(Errors.NONE, Errors.UNKNOWN_MEMBER_ID);
        assertThat(heartbeat(classicId, joined.generationId())).isEqualTo(Errors.UNKNOWN_MEMBER_ID);
    }

    @Test
    void shouldRefuseWhatTheClassicProtocolRefusesAndKeepTheGroup() {
        consumerHeartbeat(List.of());
        final JoinGroupRequestData connect = joinRequest("", List.of()).setProtocolType("connect");
        assertThat(Errors.forCode(coordinator
                        .joinGroup("c", "/h", connect, (short) 9)
                        .join()
                        .errorCode()))
                .isEqualTo(Errors.INCONSISTENT_GROUP_PROTOCOL);
        final JoinGroupRequestData garbage = joinRequest("m", List.of());
        garbage.protocols().iterator().next().setMetadata(new byte[] {0, 9});
        assertThat(Errors.forCode(coordinator
                        .joinGroup("c", "/h", garbage, (short) 9)
                        .join()
                        .errorCode()))
                .isEqualTo(Errors.INCONSISTENT_GROUP_PROTOCOL);
        final JoinGroupRequestData shortSession = joinRequest("m", List.of()).setSessionTimeoutMs(1);
        assertThat(Errors.forCode(coordinator
                        .joinGroup("c", "/h", shortSession, (short) 9)
                        .join()
                        .errorCode()))
                .isEqualTo(Errors.INVALID_SESSION_TIMEOUT);

        final String classicId = joinWithoutId();
        final JoinGroupResponseData joined = join(classicId, List.of());
        final SyncGroupResponseData staleSync = coordinator
                .syncGroup(
                        new SyncGroupRequestData()
                                .setGroupId(GROUP)
                                .setMemberId(classicId)
                                .setGenerationId(joined.generationId() + 7),
                        (short) 5)
                .join();
        assertThat(Errors.forCode(staleSync.errorCode())).isEqualTo(Errors.ILLEGAL_GENERATION);
        assertThat(heartbeat("stranger", 1)).isEqualTo(Errors.UNKNOWN_MEMBER_ID);
        assertThat(Errors.forCode(
                        consumerHeartbeatRaw(consumerEpoch, List.of(0, 1, 2, 3)).errorCode()))
                .as("the group carries on")
                .isEqualTo(Errors.NONE);
    }

    @Test
    void shouldUpgradeAClassicGroupWhenAConsumerMemberJoinsAndDowngradeItWhenThatMemberLeaves() {
        final String classicId = joinWithoutId();
        final JoinGroupResponseData led = classicJoin(classicId);
        assertThat(led.leader()).isEqualTo(classicId);
        final List<TopicPartition> all = List.of(
                new TopicPartition("t", 0),
                new TopicPartition("t", 1),
                new TopicPartition("t", 2),
                new TopicPartition("t", 3));
        assertThat(sync(classicId, led.generationId(), Map.of(classicId, all))).hasSize(4);
        assertThat(commit(classicId, led.generationId())).isEqualTo(Errors.NONE);

        // a consumer-protocol member joins: the group becomes a consumer group and the classic member rejoins
        assertThat(consumerHeartbeat(List.of()).memberEpoch()).isGreaterThan(led.generationId());
        assertThat(listedType()).isEqualTo("consumer");
        assertThat(heartbeat(classicId, led.generationId())).isEqualTo(Errors.REBALANCE_IN_PROGRESS);
        final JoinGroupResponseData rejoined = join(classicId, List.of());
        final List<TopicPartition> kept = sync(classicId, rejoined.generationId());
        assertThat(kept).hasSize(2);
        final List<Integer> taken = consumerHeartbeat(List.of())
                .assignment()
                .topicPartitions()
                .get(0)
                .partitions();
        assertThat(taken)
                .hasSize(2)
                .doesNotContainAnyElementsOf(
                        kept.stream().map(TopicPartition::partition).toList());

        // the consumer-protocol member leaves: a classic group again, rebalancing, with the offsets
        coordinator
                .consumerGroupHeartbeat(
                        "java",
                        "/127.0.0.1",
                        new ConsumerGroupHeartbeatRequestData()
                                .setGroupId(GROUP)
                                .setMemberId("consumer-member")
                                .setMemberEpoch(-1),
                        (short) 1)
                .join();
        assertThat(listedType()).isEqualTo("classic");
        assertThat(heartbeat(classicId, rejoined.generationId())).isEqualTo(Errors.REBALANCE_IN_PROGRESS);
        final JoinGroupResponseData back = classicJoin(classicId);
        assertThat(back.leader()).isEqualTo(classicId);
        assertThat(back.generationId()).isGreaterThan(rejoined.generationId());
        assertThat(coordinator
                        .fetchOffsets(
                                new OffsetFetchRequestData().setGroupId(GROUP).setTopics(null), (short) 7)
                        .join()
                        .topics()
                        .get(0)
                        .partitions()
                        .get(0)
                        .committedOffset())
                .isEqualTo(5);
    }

    @Test
    void shouldLeaveAClassicGroupWithMembersAloneWhenThePolicyForbidsTheUpgrade() {
        coordinator.close();
        scheduler = new ManualScheduler(scheduler.nowMs());
        coordinator = newCoordinator(Map.of(ConsumerGroupConfig.MIGRATION_POLICY, "downgrade"));
        final String classicId = joinWithoutId();
        final JoinGroupResponseData led = classicJoin(classicId);
        sync(classicId, led.generationId(), Map.of(classicId, List.of(new TopicPartition("t", 0))));
        assertThat(Errors.forCode(consumerHeartbeatRaw(0, List.of()).errorCode()))
                .isEqualTo(Errors.GROUP_ID_NOT_FOUND);
        assertThat(listedType()).isEqualTo("classic");
        assertThat(heartbeat(classicId, led.generationId())).isEqualTo(Errors.NONE);
    }

    // ---- helpers

    /** A JoinGroup that a classic group answers once its (zero) initial delay has passed. */
    private JoinGroupResponseData classicJoin(final String memberId) {
        final CompletableFuture<JoinGroupResponseData> joined =
                coordinator.joinGroup("java", "/127.0.0.3", joinRequest(memberId, List.of()), (short) 9);
        scheduler.advance(1);
        final JoinGroupResponseData response = joined.join();
        assertThat(Errors.forCode(response.errorCode())).isEqualTo(Errors.NONE);
        return response;
    }

    private String listedType() {
        return coordinator.listGroups(new ListGroupsRequestData(), (short) 5).join().groups().stream()
                .filter(g -> g.groupId().equals(GROUP))
                .findFirst()
                .orElseThrow()
                .groupType();
    }

    private ConsumerGroupHeartbeatResponseData consumerHeartbeat(final List<Integer> owned) {
        final ConsumerGroupHeartbeatResponseData response = consumerHeartbeatRaw(consumerEpoch, owned);
        assertThat(Errors.forCode(response.errorCode()))
                .as(response.errorMessage())
                .isEqualTo(Errors.NONE);
        consumerEpoch = response.memberEpoch();
        return response;
    }

    private ConsumerGroupHeartbeatResponseData consumerHeartbeatRaw(final int epoch, final List<Integer> owned) {
        return coordinator
                .consumerGroupHeartbeat(
                        "java",
                        "/127.0.0.1",
                        new ConsumerGroupHeartbeatRequestData()
                                .setGroupId(GROUP)
                                .setMemberId("consumer-member")
                                .setMemberEpoch(epoch)
                                .setRebalanceTimeoutMs(30_000)
                                .setSubscribedTopicNames(List.of("t"))
                                .setTopicPartitions(
                                        owned.isEmpty()
                                                ? List.of()
                                                : List.of(new ConsumerGroupHeartbeatRequestData.TopicPartitions()
                                                        .setTopicId(TOPIC_ID)
                                                        .setPartitions(owned))),
                        (short) 1)
                .join();
    }

    private static JoinGroupRequestData joinRequest(final String memberId, final List<TopicPartition> owned) {
        final ByteBuffer subscription = ConsumerProtocol.serializeSubscription(
                new ConsumerPartitionAssignor.Subscription(List.of("t"), null, owned));
        final byte[] metadata = new byte[subscription.remaining()];
        subscription.get(metadata);
        final JoinGroupRequestData.JoinGroupRequestProtocolCollection protocols =
                new JoinGroupRequestData.JoinGroupRequestProtocolCollection();
        protocols.add(new JoinGroupRequestData.JoinGroupRequestProtocol()
                .setName("range")
                .setMetadata(metadata));
        protocols.add(new JoinGroupRequestData.JoinGroupRequestProtocol()
                .setName("roundrobin")
                .setMetadata(metadata.clone()));
        return new JoinGroupRequestData()
                .setGroupId(GROUP)
                .setMemberId(memberId)
                .setSessionTimeoutMs(CLASSIC_SESSION_MS)
                .setRebalanceTimeoutMs(CLASSIC_REBALANCE_MS)
                .setProtocolType("consumer")
                .setProtocols(protocols);
    }

    private String joinWithoutId() {
        final JoinGroupResponseData first = coordinator
                .joinGroup("rdkafka", "/127.0.0.2", joinRequest("", List.of()), (short) 9)
                .join();
        assertThat(Errors.forCode(first.errorCode())).isEqualTo(Errors.MEMBER_ID_REQUIRED);
        return first.memberId();
    }

    private JoinGroupResponseData join(final String memberId, final List<TopicPartition> owned) {
        return coordinator
                .joinGroup("rdkafka", "/127.0.0.2", joinRequest(memberId, owned), (short) 9)
                .join();
    }

    private List<TopicPartition> sync(final String memberId, final int generation) {
        return sync(memberId, generation, Map.of());
    }

    private List<TopicPartition> sync(
            final String memberId, final int generation, final Map<String, List<TopicPartition>> assignments) {
        final SyncGroupRequestData request = new SyncGroupRequestData()
                .setGroupId(GROUP)
                .setMemberId(memberId)
                .setGenerationId(generation)
                .setProtocolType("consumer")
                .setProtocolName("range");
        assignments.forEach((id, partitions) -> {
            final ByteBuffer encoded =
                    ConsumerProtocol.serializeAssignment(new ConsumerPartitionAssignor.Assignment(partitions));
            final byte[] bytes = new byte[encoded.remaining()];
            encoded.get(bytes);
            request.assignments()
                    .add(new SyncGroupRequestData.SyncGroupRequestAssignment()
                            .setMemberId(id)
                            .setAssignment(bytes));
        });
        final SyncGroupResponseData response =
                coordinator.syncGroup(request, (short) 5).join();
        assertThat(Errors.forCode(response.errorCode())).isEqualTo(Errors.NONE);
        return new ArrayList<>(ConsumerProtocol.deserializeAssignment(ByteBuffer.wrap(response.assignment()))
                .partitions());
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

    private Errors commit(final String memberId, final int generation) {
        final OffsetCommitRequestData request = new OffsetCommitRequestData()
                .setGroupId(GROUP)
                .setMemberId(memberId)
                .setGenerationIdOrMemberEpoch(generation)
                .setTopics(List.of(new OffsetCommitRequestData.OffsetCommitRequestTopic()
                        .setName("t")
                        .setPartitions(List.of(new OffsetCommitRequestData.OffsetCommitRequestPartition()
                                .setPartitionIndex(0)
                                .setCommittedOffset(5)))));
        return Errors.forCode(coordinator
                .commitOffsets(request, (short) 8)
                .join()
                .topics()
                .get(0)
                .partitions()
                .get(0)
                .errorCode());
    }
}
