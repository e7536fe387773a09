package io.runnel.it.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.runnel.it.TestBrokerExtension;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.OffsetCommitRequestData;
import org.apache.kafka.common.message.OffsetCommitResponseData;
import org.apache.kafka.common.message.OffsetFetchRequestData;
import org.apache.kafka.common.message.OffsetFetchResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * OffsetCommit and OffsetFetch v10 name topics by id. Every expected answer here was observed on Kafka 4.4.0 with
 * the same requests (a two-partition topic): an id the cluster does not know, the zero id included, is
 * UNKNOWN_TOPIC_ID on each of its partitions, and the answer names topics by id, with empty names.
 */
@Timeout(30)
class OffsetsByTopicIdTest {
    private static final short V10 = 10;
    private static final String TOPIC = "by-id";

    @RegisterExtension
    static final TestBrokerExtension BROKER =
            new TestBrokerExtension("group.initial.rebalance.delay.ms", "0", "offsets.topic.num.partitions", "3");

    private static Uuid id;

    @BeforeAll
    static void createTopic() throws Exception {
        try (WireClient client = WireClient.connect(BROKER.port())) {
            client.roundTrip(Requests.createTopic(TOPIC, 2, Map.of()), (short) 7);
            id = GroupApiCases.topicId(client, TOPIC);
        }
    }

    @Test
    void shouldCommitByIdAndRefuseIdsTheClusterDoesNotKnow() throws Exception {
        try (WireClient client = WireClient.connect(BROKER.port())) {
            GroupApiCases.lookUpCoordinator(client, "commits");
            final Uuid unknown = Uuid.randomUuid();
            final OffsetCommitRequestData request = simpleCommit("commits");
            request.topics().add(commitTopic(id, 0, 2));
            request.topics().add(commitTopic(unknown, 0, 1));
            request.topics().add(commitTopic(Uuid.ZERO_UUID, 0, 1));
            request.topics().add(commitTopic(id, 9, 1));

            final OffsetCommitResponseData response = client.roundTrip(request, V10);

            assertThat(response.topics()).allSatisfy(t -> assertThat(t.name()).isEmpty());
            assertThat(commitErrors(response, unknown)).containsExactly(Errors.UNKNOWN_TOPIC_ID.code());
            assertThat(commitErrors(response, Uuid.ZERO_UUID)).containsExactly(Errors.UNKNOWN_TOPIC_ID.code());
            assertThat(commitErrors(response, id))
                    .containsExactlyInAnyOrder(Errors.NONE.code(), Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
            assertThat(fetchedOffset(client, "commits", 0)).isEqualTo(2);
        }
    }

    /** A v10 request that names its topic instead of giving its id gives the zero id. */
    @Test
    void shouldRefuseACommitThatNamesItsTopic() throws Exception {
        try (WireClient client = WireClient.connect(BROKER.port())) {
            GroupApiCases.lookUpCoordinator(client, "named");
            final OffsetCommitRequestData request = simpleCommit("named");
            request.topics().add(commitTopic(Uuid.ZERO_UUID, 1, 0).setName(TOPIC));
            final OffsetCommitResponseData response = client.roundTrip(request, V10);
            assertThat(commitErrors(response, Uuid.ZERO_UUID)).containsExactly(Errors.UNKNOWN_TOPIC_ID.code());
        }
    }

    @Test
    void shouldRefuseAnUnknownIdWhateverTheGroupSays() throws Exception {
        try (WireClient client = WireClient.connect(BROKER.port())) {
            GroupApiCases.lookUpCoordinator(client, "strict");
            final OffsetCommitRequestData first = simpleCommit("strict");
            first.topics().add(commitTopic(id, 0, 1));
            client.roundTrip(first, V10);
            final Uuid unknown = Uuid.randomUuid();
            final OffsetCommitRequestData request = new OffsetCommitRequestData()
                    .setGroupId("strict")
                    .setGenerationIdOrMemberEpoch(5)
                    .setMemberId("nobody");
            request.topics().add(commitTopic(unknown, 0, 1));
            request.topics().add(commitTopic(id, 0, 1));

            final OffsetCommitResponseData response = client.roundTrip(request, V10);

            assertThat(commitErrors(response, unknown)).containsExactly(Errors.UNKNOWN_TOPIC_ID.code());
            assertThat(commitErrors(response, id)).containsExactly(Errors.UNKNOWN_MEMBER_ID.code());
        }
    }

    @Test
    void shouldFetchByIdAndAnswerUnknownTopicIdPerPartition() throws Exception {
        try (WireClient client = WireClient.connect(BROKER.port())) {
            GroupApiCases.lookUpCoordinator(client, "fetches");
            final OffsetCommitRequestData commit = simpleCommit("fetches");
            commit.topics().add(commitTopic(id, 0, 2).setPartitions(List.of(partition(0, 2), partition(1, 1))));
            client.roundTrip(commit, V10);
            final Uuid unknown = Uuid.randomUuid();
            final OffsetFetchRequestData request = new OffsetFetchRequestData();
            request.groups()
                    .add(new OffsetFetchRequestData.OffsetFetchRequestGroup()
                            .setGroupId("fetches")
                            .setTopics(List.of(
                                    fetchTopic(id, 0, 1, 9),
                                    fetchTopic(unknown, 0, 1),
                                    fetchTopic(Uuid.ZERO_UUID, 0))));
            request.groups()
                    .add(new OffsetFetchRequestData.OffsetFetchRequestGroup()
                            .setGroupId("fetches")
                            .setTopics(null));
            request.groups()
                    .add(new OffsetFetchRequestData.OffsetFetchRequestGroup()
                            .setGroupId("no-such-group")
                            .setTopics(List.of(fetchTopic(unknown, 0), fetchTopic(id, 0))));
            request.groups()
                    .add(new OffsetFetchRequestData.OffsetFetchRequestGroup()
                            .setGroupId("no-such-group")
                            .setTopics(null));

            final OffsetFetchResponseData response = client.roundTrip(request, V10);

            final List<OffsetFetchResponseData.OffsetFetchResponseGroup> groups = response.groups();
            assertThat(groups)
                    .hasSize(4)
                    .allSatisfy(g -> assertThat(g.errorCode()).isZero());
            assertThat(groups.stream().flatMap(g -> g.topics().stream()))
                    .allSatisfy(t -> assertThat(t.name()).isEmpty());
            final OffsetFetchResponseData.OffsetFetchResponseGroup asked = groups.get(0);
            assertThat(fetched(asked, id))
                    .extracting(p -> p.partitionIndex() + ":" + p.committedOffset() + ":" + p.errorCode())
                    .containsExactly("0:2:0", "1:1:0", "9:-1:0");
            assertThat(fetched(asked, unknown))
                    .extracting(p -> p.partitionIndex() + ":" + p.committedOffset() + ":" + p.errorCode())
                    .containsExactly("0:-1:100", "1:-1:100");
            assertThat(fetched(asked, Uuid.ZERO_UUID))
                    .extracting(OffsetFetchResponseData.OffsetFetchResponsePartitions::errorCode)
                    .containsExactly(Errors.UNKNOWN_TOPIC_ID.code());
            assertThat(groups.get(1).topics())
                    .singleElement()
                    .satisfies(t -> assertThat(t.topicId()).isEqualTo(id));
            assertThat(fetched(groups.get(1), id))
                    .extracting(OffsetFetchResponseData.OffsetFetchResponsePartitions::committedOffset)
                    .containsExactly(2L, 1L);
            assertThat(fetched(groups.get(2), unknown))
                    .extracting(OffsetFetchResponseData.OffsetFetchResponsePartitions::errorCode)
                    .containsExactly(Errors.UNKNOWN_TOPIC_ID.code());
            assertThat(fetched(groups.get(2), id))
                    .extracting(p -> p.committedOffset() + ":" + p.errorCode())
                    .containsExactly("-1:0");
            assertThat(groups.get(3).topics()).isEmpty();
        }
    }

    private static OffsetCommitRequestData simpleCommit(final String group) {
        return new OffsetCommitRequestData()
                .setGroupId(group)
                .setGenerationIdOrMemberEpoch(-1)
                .setMemberId("");
    }

    private static OffsetCommitRequestData.OffsetCommitRequestTopic commitTopic(
            final Uuid topicId, final int partition, final long offset) {
        return new OffsetCommitRequestData.OffsetCommitRequestTopic()
                .setTopicId(topicId)
                .setPartitions(List.of(partition(partition, offset)));
    }

    private static OffsetCommitRequestData.OffsetCommitRequestPartition partition(final int index, final long offset) {
        return new OffsetCommitRequestData.OffsetCommitRequestPartition()
                .setPartitionIndex(index)
                .setCommittedOffset(offset);
    }

    private static OffsetFetchRequestData.OffsetFetchRequestTopics fetchTopic(
            final Uuid topicId, final Integer... partitions) {
        return new OffsetFetchRequestData.OffsetFetchRequestTopics()
                .setTopicId(topicId)
                .setPartitionIndexes(List.of(partitions));
    }

    private static List<Short> commitErrors(final OffsetCommitResponseData response, final Uuid topicId) {
        return response.topics().stream()
                .filter(t -> t.topicId().equals(topicId))
                .flatMap(t -> t.partitions().stream())
                .map(OffsetCommitResponseData.OffsetCommitResponsePartition::errorCode)
                .toList();
    }

    private static List<OffsetFetchResponseData.OffsetFetchResponsePartitions> fetched(
            final OffsetFetchResponseData.OffsetFetchResponseGroup group, final Uuid topicId) {
        return group.topics().stream()
                .filter(t -> t.topicId().equals(topicId))
                .flatMap(t -> t.partitions().stream())
                .toList();
    }

    private static long fetchedOffset(final WireClient client, final String group, final int partition)
            throws Exception {
        final OffsetFetchRequestData request = new OffsetFetchRequestData();
        request.groups()
                .add(new OffsetFetchRequestData.OffsetFetchRequestGroup()
                        .setGroupId(group)
                        .setTopics(List.of(fetchTopic(id, partition))));
        final OffsetFetchResponseData response = client.roundTrip(request, V10);
        return fetched(response.groups().get(0), id).get(0).committedOffset();
    }
}
