package io.runnel.coordinator.group;

import static org.assertj.core.api.Assertions.assertThat;

import io.runnel.coordinator.group.consumer.ConsumerGroupConfig;
import io.runnel.coordinator.runtime.ManualScheduler;
import io.runnel.metadata.image.MetadataImage;
import io.runnel.metadata.record.PartitionRecord;
import io.runnel.metadata.record.TopicRecord;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatRequestData;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatResponseData;
import org.apache.kafka.common.message.OffsetFetchRequestData;
import org.apache.kafka.common.message.OffsetFetchResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What a consumer group tells its members and takes from them as its epochs move: the heartbeat interval (short
 * while the group rebalances, so partitions move in short round trips; the configured one once settled) and
 * the epochs an OffsetFetch may carry.
 */
@Timeout(value = 5, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ConsumerGroupEpochsTest {
    private static final int HEARTBEAT_MS = 5000;
    private static final int REBALANCE_HEARTBEAT_MS = 400;
    private static final Uuid TOPIC_ID = Uuid.randomUuid();

    private ManualScheduler scheduler;
    private GroupCoordinator coordinator;

    @BeforeEach
    void setUp() {
        scheduler = new ManualScheduler(1_000_000L);
        MetadataImage image = MetadataImage.EMPTY.apply(new TopicRecord("t", TOPIC_ID));
        for (int p = 0; p < 4; p++) {
            image = image.apply(new PartitionRecord(TOPIC_ID, p, List.of(1), List.of(1), 1, 0, 0));
        }
        final MetadataImage topics = image;
        final ConsumerGroupConfig config = ConsumerGroupConfig.from(Map.of(
                ConsumerGroupConfig.HEARTBEAT_INTERVAL_MS, Integer.toString(HEARTBEAT_MS),
                ConsumerGroupConfig.REBALANCE_HEARTBEAT_INTERVAL_MS, Integer.toString(REBALANCE_HEARTBEAT_MS)));
        coordinator = new GroupCoordinator(
                new RecordingGroupStore(), GroupConfig.from(Map.of()), config, () -> topics, scheduler, new Random(7));
        assertThat(coordinator.load()).isCompleted();
    }

    @AfterEach
    void tearDown() {
        coordinator.close();
    }

    @Test
    void shouldTellMembersToComeBackSoonWhileTheGroupRebalancesAndAtTheConfiguredIntervalOnceSettled() {
        final ConsumerGroupHeartbeatResponseData first = heartbeat("a", 0, List.of());
        assertThat(first.memberEpoch()).isEqualTo(1);
        assertThat(first.heartbeatIntervalMs())
                .as("the group epoch has just moved")
                .isEqualTo(REBALANCE_HEARTBEAT_MS);

        scheduler.advance(HEARTBEAT_MS);
        assertThat(heartbeat("a", 1, List.of(0, 1, 2, 3)).heartbeatIntervalMs())
                .as("settled")
                .isEqualTo(HEARTBEAT_MS);

        final ConsumerGroupHeartbeatResponseData joined = heartbeat("b", 0, List.of());
        assertThat(joined.heartbeatIntervalMs()).isEqualTo(REBALANCE_HEARTBEAT_MS);
        final ConsumerGroupHeartbeatResponseData revoking = heartbeat("a", 1, List.of(0, 1, 2, 3));
        assertThat(revoking.assignment().topicPartitions().get(0).partitions()).hasSize(2);
        assertThat(revoking.heartbeatIntervalMs())
                .as("a has partitions to hand over")
                .isEqualTo(REBALANCE_HEARTBEAT_MS);
        final ConsumerGroupHeartbeatResponseData released = heartbeat(
                "a",
                revoking.memberEpoch(),
                revoking.assignment().topicPartitions().get(0).partitions());
        final ConsumerGroupHeartbeatResponseData assigned = heartbeat("b", joined.memberEpoch(), List.of());
        assertThat(assigned.assignment().topicPartitions().get(0).partitions()).hasSize(2);
        assertThat(assigned.heartbeatIntervalMs()).isEqualTo(REBALANCE_HEARTBEAT_MS);

        scheduler.advance(HEARTBEAT_MS);
        assertThat(heartbeat(
                                "a",
                                released.memberEpoch(),
                                revoking.assignment().topicPartitions().get(0).partitions())
                        .heartbeatIntervalMs())
                .isEqualTo(HEARTBEAT_MS);
    }

    @Test
    void shouldFetchOffsetsForAMemberAtItsCurrentOrPreviousEpochOnly() {
        final int first = heartbeat("a", 0, List.of()).memberEpoch();
        heartbeat("b", 0, List.of());
        final ConsumerGroupHeartbeatResponseData revoking = heartbeat("a", first, List.of(0, 1, 2, 3));
        final int second = heartbeat(
                        "a",
                        revoking.memberEpoch(),
                        revoking.assignment().topicPartitions().get(0).partitions())
                .memberEpoch();
        assertThat(second).isGreaterThan(first);

        assertThat(fetchError("a", second)).isEqualTo(Errors.NONE);
        assertThat(fetchError("a", first))
                .as("the heartbeat that moved it on may still be on its way back")
                .isEqualTo(Errors.NONE);
        assertThat(fetchError("a", first - 1)).isEqualTo(Errors.STALE_MEMBER_EPOCH);
        assertThat(fetchError("a", second + 1)).isEqualTo(Errors.STALE_MEMBER_EPOCH);
        assertThat(fetchError("nobody", second)).isEqualTo(Errors.UNKNOWN_MEMBER_ID);
    }

    private Errors fetchError(final String memberId, final int epoch) {
        final OffsetFetchResponseData response = coordinator
                .fetchOffsets(
                        new OffsetFetchRequestData()
                                .setGroups(List.of(new OffsetFetchRequestData.OffsetFetchRequestGroup()
                                        .setGroupId("g")
                                        .setMemberId(memberId)
                                        .setMemberEpoch(epoch)
                                        .setTopics(null))),
                        (short) 9)
                .join();
        return Errors.forCode(response.groups().get(0).errorCode());
    }

    private ConsumerGroupHeartbeatResponseData heartbeat(
            final String memberId, final int epoch, final List<Integer> owned) {
        final ConsumerGroupHeartbeatRequestData request = new ConsumerGroupHeartbeatRequestData()
                .setGroupId("g")
                .setMemberId(memberId)
                .setMemberEpoch(epoch)
                .setRebalanceTimeoutMs(30_000)
                .setSubscribedTopicNames(List.of("t"))
                .setTopicPartitions(
                        owned.isEmpty()
                                ? List.of()
                                : List.of(new ConsumerGroupHeartbeatRequestData.TopicPartitions()
                                        .setTopicId(TOPIC_ID)
                                        .setPartitions(owned)));
        final ConsumerGroupHeartbeatResponseData response = coordinator
                .consumerGroupHeartbeat("client", "/127.0.0.1", request, (short) 1)
                .join();
        assertThat(Errors.forCode(response.errorCode()))
                .as(response.errorMessage())
                .isEqualTo(Errors.NONE);
        return response;
    }
}
