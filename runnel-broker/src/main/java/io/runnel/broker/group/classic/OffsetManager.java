package io.runnel.broker.group.classic;

import io.runnel.broker.group.store.GroupRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.IllegalGenerationException;
import org.apache.kafka.common.message.OffsetCommitRequestData;
import org.apache.kafka.common.message.OffsetCommitResponseData;
import org.apache.kafka.common.message.OffsetDeleteRequestData;
import org.apache.kafka.common.message.OffsetDeleteResponseData;
import org.apache.kafka.common.message.OffsetFetchRequestData;
import org.apache.kafka.common.message.OffsetFetchResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Committed offsets: OffsetCommit, OffsetFetch, OffsetDelete and expiry. A commit is answered once the store
 * has its records, and the offsets become visible to OffsetFetch at that moment. Every method runs on the group
 * coordinator's thread; not thread-safe.
 */
public final class OffsetManager {
    private static final Logger LOG = LoggerFactory.getLogger(OffsetManager.class);

    private final ClassicGroups groups;
    private final Rebalancer rebalancer;

    public OffsetManager(final ClassicGroups groups, final Rebalancer rebalancer) {
        this.groups = groups;
        this.rebalancer = rebalancer;
    }

    // ---- OffsetCommit

    public void commit(final OffsetCommitRequestData request, final short version,
                       final CompletableFuture<OffsetCommitResponseData> response) {
        final String groupId = request.groupId();
        if (groupId == null || groupId.isEmpty()) {
            response.complete(Responses.commitError(request, version, Errors.INVALID_GROUP_ID));
            return;
        }
        ClassicGroup group = groups.get(groupId);
        if (group == null) {
            if (request.generationIdOrMemberEpoch() >= 0) {
                // A member of a generation that no longer exists (or never did).
                throw version >= 9 ? new GroupIdNotFoundException("group " + groupId + " does not exist")
                        : new IllegalGenerationException("group " + groupId + " does not exist");
            }
            // A simple consumer or an admin: the group exists only to hold offsets.
            group = groups.create(groupId);
        } else {
            group.validateOffsetCommit(request.memberId(), request.groupInstanceId(),
                    request.generationIdOrMemberEpoch());
            if (!request.memberId().isEmpty()) {
                rebalancer.onMemberActivity(group, request.memberId());
            }
        }

        final long nowMs = groups.nowMs();
        final long expireTimestampMs = version <= 4 && request.retentionTimeMs() >= 0
                ? nowMs + request.retentionTimeMs() : -1L;
        final int maxMetadata = groups.config().offsetMetadataMaxBytes();
        final List<GroupRecord> records = new ArrayList<>();
        final OffsetCommitResponseData result = new OffsetCommitResponseData();
        final List<OffsetCommitResponseData.OffsetCommitResponsePartition> written = new ArrayList<>();
        for (final OffsetCommitRequestData.OffsetCommitRequestTopic topic : request.topics()) {
            final OffsetCommitResponseData.OffsetCommitResponseTopic responseTopic =
                    new OffsetCommitResponseData.OffsetCommitResponseTopic().setName(topic.name())
                            .setTopicId(topic.topicId());
            for (final OffsetCommitRequestData.OffsetCommitRequestPartition p : topic.partitions()) {
                final String metadata = p.committedMetadata() == null ? "" : p.committedMetadata();
                final OffsetCommitResponseData.OffsetCommitResponsePartition partition =
                        new OffsetCommitResponseData.OffsetCommitResponsePartition().setPartitionIndex(p.partitionIndex());
                if (metadata.length() > maxMetadata) {
                    partition.setErrorCode(Errors.OFFSET_METADATA_TOO_LARGE.code());
                } else {
                    records.add(new GroupRecord.OffsetCommit(groupId, topic.name(), p.partitionIndex(),
                            p.committedOffset(), p.committedLeaderEpoch(), metadata, nowMs, expireTimestampMs));
                    written.add(partition);
                }
                responseTopic.partitions().add(partition);
            }
            result.topics().add(responseTopic);
        }
        if (records.isEmpty()) {
            response.complete(result);
            return;
        }
        groups.append(groupId, records).whenComplete((ignored, failure) -> {
            if (failure != null) {
                final Errors error = GroupErrors.fromStoreFailure(failure);
                written.forEach(p -> p.setErrorCode(error.code()));
            } else {
                final ClassicGroup target = groups.getOrCreate(groupId);
                for (final GroupRecord record : records) {
                    final GroupRecord.OffsetCommit c = (GroupRecord.OffsetCommit) record;
                    target.putOffset(c.topic(), c.partition(), new CommittedOffset(c.offset(), c.leaderEpoch(),
                            c.metadata(), c.commitTimestampMs(), c.expireTimestampMs()));
                }
            }
            response.complete(result);
        });
    }

    // ---- OffsetFetch

    public void fetch(final OffsetFetchRequestData request, final short version,
                      final CompletableFuture<OffsetFetchResponseData> response) {
        final OffsetFetchResponseData result = new OffsetFetchResponseData();
        if (version >= 8) {
            for (final OffsetFetchRequestData.OffsetFetchRequestGroup g : request.groups()) {
                result.groups().add(fetchGroup(g.groupId(), g.topics()));
            }
            response.complete(result);
            return;
        }
        final List<OffsetFetchRequestData.OffsetFetchRequestTopics> topics;
        if (request.topics() == null) {
            topics = null;
        } else {
            topics = new ArrayList<>();
            for (final OffsetFetchRequestData.OffsetFetchRequestTopic t : request.topics()) {
                topics.add(new OffsetFetchRequestData.OffsetFetchRequestTopics().setName(t.name())
                        .setPartitionIndexes(t.partitionIndexes()));
            }
        }
        final OffsetFetchResponseData.OffsetFetchResponseGroup group = fetchGroup(request.groupId(), topics);
        if (version >= 2) {
            result.setErrorCode(group.errorCode());
        }
        for (final OffsetFetchResponseData.OffsetFetchResponseTopics t : group.topics()) {
            final OffsetFetchResponseData.OffsetFetchResponseTopic topic =
                    new OffsetFetchResponseData.OffsetFetchResponseTopic().setName(t.name());
            for (final OffsetFetchResponseData.OffsetFetchResponsePartitions p : t.partitions()) {
                topic.partitions().add(new OffsetFetchResponseData.OffsetFetchResponsePartition()
                        .setPartitionIndex(p.partitionIndex()).setCommittedOffset(p.committedOffset())
                        .setCommittedLeaderEpoch(p.committedLeaderEpoch()).setMetadata(p.metadata())
                        .setErrorCode(p.errorCode()));
            }
            result.topics().add(topic);
        }
        if (version < 2 && group.errorCode() != Errors.NONE.code()) {
            // v1 has no group-level error: it goes on each partition.
            response.complete(Responses.fetchError(request, version, Errors.forCode(group.errorCode())));
            return;
        }
        response.complete(result);
    }

    /**
     * The offsets of one group; {@code topics} null means all it has. An unknown group or partition is not an
     * error in Kafka: it gets offset -1 and empty metadata.
     */
    private OffsetFetchResponseData.OffsetFetchResponseGroup fetchGroup(
            final String groupId, final List<OffsetFetchRequestData.OffsetFetchRequestTopics> topics) {
        final OffsetFetchResponseData.OffsetFetchResponseGroup result =
                new OffsetFetchResponseData.OffsetFetchResponseGroup().setGroupId(groupId);
        if (groupId == null || groupId.isEmpty()) {
            return result.setErrorCode(Errors.INVALID_GROUP_ID.code());
        }
        final ClassicGroup group = groups.get(groupId);
        if (topics == null) {
            if (group != null) {
                for (final Map.Entry<String, TreeMap<Integer, CommittedOffset>> e : group.offsets().entrySet()) {
                    final OffsetFetchResponseData.OffsetFetchResponseTopics topic =
                            new OffsetFetchResponseData.OffsetFetchResponseTopics().setName(e.getKey());
                    e.getValue().forEach((partition, offset) -> topic.partitions().add(partition(partition, offset)));
                    result.topics().add(topic);
                }
            }
            return result;
        }
        for (final OffsetFetchRequestData.OffsetFetchRequestTopics t : topics) {
            final OffsetFetchResponseData.OffsetFetchResponseTopics topic =
                    new OffsetFetchResponseData.OffsetFetchResponseTopics().setName(t.name()).setTopicId(t.topicId());
            for (final Integer partition : t.partitionIndexes()) {
                topic.partitions().add(partition(partition, group == null ? null : group.offset(t.name(), partition)));
            }
            result.topics().add(topic);
        }
        return result;
    }

    private static OffsetFetchResponseData.OffsetFetchResponsePartitions partition(final int partition,
                                                                                  final CommittedOffset offset) {
        final OffsetFetchResponseData.OffsetFetchResponsePartitions p =
                new OffsetFetchResponseData.OffsetFetchResponsePartitions().setPartitionIndex(partition);
        if (offset == null) {
            return p.setCommittedOffset(-1L).setCommittedLeaderEpoch(-1).setMetadata("");
        }
        return p.setCommittedOffset(offset.offset()).setCommittedLeaderEpoch(offset.leaderEpoch())
                .setMetadata(offset.metadata());
    }

    // ---- OffsetDelete

    public void delete(final OffsetDeleteRequestData request, final short version,
                       final CompletableFuture<OffsetDeleteResponseData> response) {
        final String groupId = request.groupId();
        if (groupId == null || groupId.isEmpty()) {
            response.complete(Responses.deleteOffsetsError(request, Errors.INVALID_GROUP_ID));
            return;
        }
        final ClassicGroup group = groups.get(groupId);
        if (group == null || group.isInState(ClassicGroupState.DEAD)) {
            response.complete(Responses.deleteOffsetsError(request, Errors.GROUP_ID_NOT_FOUND));
            return;
        }
        final boolean empty = group.isInState(ClassicGroupState.EMPTY);
        if (!empty && !group.usesConsumerProtocol()) {
            response.complete(Responses.deleteOffsetsError(request, Errors.NON_EMPTY_GROUP));
            return;
        }
        final OffsetDeleteResponseData result = new OffsetDeleteResponseData();
        final List<GroupRecord> records = new ArrayList<>();
        final List<OffsetDeleteResponseData.OffsetDeleteResponsePartition> written = new ArrayList<>();
        for (final OffsetDeleteRequestData.OffsetDeleteRequestTopic t : request.topics()) {
            // Kafka's rule: a group whose subscriptions cannot be read counts as subscribed.
            final Boolean subscribed = empty ? Boolean.FALSE : group.isSubscribedTo(t.name());
            final boolean blocked = subscribed == null || subscribed;
            OffsetDeleteResponseData.OffsetDeleteResponseTopic topic = result.topics().find(t.name());
            if (topic == null) {
                topic = new OffsetDeleteResponseData.OffsetDeleteResponseTopic().setName(t.name());
                result.topics().add(topic);
            }
            for (final OffsetDeleteRequestData.OffsetDeleteRequestPartition p : t.partitions()) {
                final OffsetDeleteResponseData.OffsetDeleteResponsePartition partition =
                        new OffsetDeleteResponseData.OffsetDeleteResponsePartition().setPartitionIndex(p.partitionIndex());
                if (blocked) {
                    partition.setErrorCode(Errors.GROUP_SUBSCRIBED_TO_TOPIC.code());
                } else if (group.offset(t.name(), p.partitionIndex()) != null) {
                    records.add(new GroupRecord.OffsetTombstone(groupId, t.name(), p.partitionIndex()));
                    written.add(partition);
                }
                if (topic.partitions().find(p.partitionIndex()) == null) {
                    topic.partitions().add(partition);
                }
            }
        }
        if (records.isEmpty()) {
            response.complete(result);
            return;
        }
        groups.append(groupId, records).whenComplete((ignored, failure) -> {
            if (failure != null) {
                response.complete(Responses.deleteOffsetsError(request, GroupErrors.fromStoreFailure(failure)));
                return;
            }
            records.forEach(r -> {
                final GroupRecord.OffsetTombstone t = (GroupRecord.OffsetTombstone) r;
                group.removeOffset(t.topic(), t.partition());
            });
            response.complete(result);
        });
    }

    // ---- expiry

    /**
     * Writes tombstones for the offsets past {@code offsets.retention.minutes}, as Kafka decides it: an offset
     * with an explicit expire timestamp (OffsetCommit v2-v4) expires then; in an Empty group, the retention
     * counts from when the group became empty; in a group without protocol type, from the commit; in a Stable
     * consumer group, offsets of topics nobody subscribes to count from the commit. An Empty group left without
     * offsets is deleted.
     *
     * @return the number of offsets and groups expired
     */
    public int expire() {
        final long nowMs = groups.nowMs();
        final long retentionMs = groups.config().offsetsRetentionMs();
        int work = 0;
        for (final ClassicGroup group : groups.all()) {
            if (group.isInState(ClassicGroupState.DEAD)) {
                continue;
            }
            final List<GroupRecord> records = new ArrayList<>();
            int remaining = 0;
            for (final Map.Entry<String, TreeMap<Integer, CommittedOffset>> e : group.offsets().entrySet()) {
                final String topic = e.getKey();
                final Long base = baseTimestamp(group, topic);
                for (final Map.Entry<Integer, CommittedOffset> p : e.getValue().entrySet()) {
                    final CommittedOffset offset = p.getValue();
                    final boolean expired = offset.expireTimestampMs() >= 0 ? nowMs >= offset.expireTimestampMs()
                            : base != null && nowMs - (base < 0 ? offset.commitTimestampMs() : base) >= retentionMs;
                    if (expired) {
                        records.add(new GroupRecord.OffsetTombstone(group.groupId(), topic, p.getKey()));
                    } else {
                        remaining++;
                    }
                }
            }
            final boolean deleteGroup = remaining == 0 && group.isInState(ClassicGroupState.EMPTY)
                    && !group.hasPendingMembers();
            if (deleteGroup) {
                records.add(new GroupRecord.GroupTombstone(group.groupId()));
                groups.remove(group);
            }
            if (records.isEmpty()) {
                continue;
            }
            work += records.size();
            groups.append(group.groupId(), records).whenComplete((ignored, failure) -> {
                if (failure != null) {
                    LOG.warn("Could not expire offsets of group {}", group.groupId(), failure);
                    return;
                }
                for (final GroupRecord r : records) {
                    if (r instanceof GroupRecord.OffsetTombstone t) {
                        group.removeOffset(t.topic(), t.partition());
                    }
                }
            });
        }
        return work;
    }

    /**
     * When retention of the group's offsets of {@code topic} starts: null if they do not expire now, -1 for "at
     * each offset's commit", else the time the group became empty.
     */
    private static Long baseTimestamp(final ClassicGroup group, final String topic) {
        if (group.isSimple()) {
            return -1L;
        }
        if (group.isInState(ClassicGroupState.EMPTY)) {
            return group.stateTimestampMs();
        }
        if (group.usesConsumerProtocol() && group.isInState(ClassicGroupState.STABLE)
                && Boolean.FALSE.equals(group.isSubscribedTo(topic))) {
            return -1L;
        }
        return null;
    }
}
