package io.runnel.coordinator.group;

import io.runnel.coordinator.group.classic.Responses;
import io.runnel.coordinator.group.store.GroupRecord;
import io.runnel.coordinator.runtime.Scheduler;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;
import java.util.function.Function;
import org.apache.kafka.common.errors.ApiException;
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
 * Committed offsets of every group, classic or consumer: OffsetCommit, OffsetFetch, OffsetDelete and expiry.
 * Who may commit and fetch is the group's own rule ({@link Group#validateOffsetCommit}); a commit is answered
 * once the store has its records, and the offsets become visible to OffsetFetch at that moment. Every method runs
 * on the group coordinator's thread; not thread-safe.
 */
public final class OffsetManager {
    private static final Logger LOG = LoggerFactory.getLogger(OffsetManager.class);

    private final GroupDirectory directory;
    private final GroupLog log;
    private final Scheduler clock;
    private final GroupConfig config;
    private final Function<String, Group> createSimpleGroup;
    private final BiConsumer<Group, String> onMemberCommit;

    /**
     * @param createSimpleGroup makes the group that holds the offsets an admin or simple consumer commits to an
     *                          id no group has
     * @param onMemberCommit    told of a commit by a member, which counts as a sign of life for classic members
     */
    public OffsetManager(
            final GroupDirectory directory,
            final GroupLog log,
            final Scheduler clock,
            final GroupConfig config,
            final Function<String, Group> createSimpleGroup,
            final BiConsumer<Group, String> onMemberCommit) {
        this.directory = directory;
        this.log = log;
        this.clock = clock;
        this.config = config;
        this.createSimpleGroup = createSimpleGroup;
        this.onMemberCommit = onMemberCommit;
    }

    // ---- OffsetCommit

    public void commit(
            final OffsetCommitRequestData request,
            final short version,
            final CompletableFuture<OffsetCommitResponseData> response) {
        final String groupId = request.groupId();
        if (groupId == null || groupId.isEmpty()) {
            response.complete(Responses.commitError(request, version, Errors.INVALID_GROUP_ID));
            return;
        }
        Group group = directory.get(groupId);
        if (group == null) {
            if (request.generationIdOrMemberEpoch() >= 0) {
                // A member of a generation that no longer exists (or never did).
                throw version >= 9
                        ? new GroupIdNotFoundException("group " + groupId + " does not exist")
                        : new IllegalGenerationException("group " + groupId + " does not exist");
            }
            // A simple consumer or an admin: the group exists only to hold offsets.
            group = createSimpleGroup.apply(groupId);
        } else {
            group.validateOffsetCommit(
                    request.memberId(),
                    request.groupInstanceId(),
                    request.generationIdOrMemberEpoch(),
                    version,
                    committedPartitions(request));
            if (!request.memberId().isEmpty()) {
                onMemberCommit.accept(group, request.memberId());
            }
        }

        final long nowMs = clock.nowMs();
        final long expireTimestampMs =
                version <= 4 && request.retentionTimeMs() >= 0 ? nowMs + request.retentionTimeMs() : -1L;
        final int maxMetadata = config.offsetMetadataMaxBytes();
        final List<GroupRecord> records = new ArrayList<>();
        final OffsetCommitResponseData result = new OffsetCommitResponseData();
        final List<OffsetCommitResponseData.OffsetCommitResponsePartition> written = new ArrayList<>();
        for (final OffsetCommitRequestData.OffsetCommitRequestTopic topic : request.topics()) {
            final OffsetCommitResponseData.OffsetCommitResponseTopic responseTopic =
                    new OffsetCommitResponseData.OffsetCommitResponseTopic()
                            .setName(topic.name())
                            .setTopicId(topic.topicId());
            for (final OffsetCommitRequestData.OffsetCommitRequestPartition p : topic.partitions()) {
                final String metadata = p.committedMetadata() == null ? "" : p.committedMetadata();
                final OffsetCommitResponseData.OffsetCommitResponsePartition partition =
                        new OffsetCommitResponseData.OffsetCommitResponsePartition()
                                .setPartitionIndex(p.partitionIndex());
                if (metadata.length() > maxMetadata) {
                    partition.setErrorCode(Errors.OFFSET_METADATA_TOO_LARGE.code());
                } else {
                    records.add(new GroupRecord.OffsetCommit(
                            groupId,
                            topic.name(),
                            p.partitionIndex(),
                            p.committedOffset(),
                            p.committedLeaderEpoch(),
                            metadata,
                            nowMs,
                            expireTimestampMs));
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
        log.append(groupId, records).whenComplete((ignored, failure) -> {
            if (failure != null) {
                final Errors error = GroupErrors.fromStoreFailure(failure);
                written.forEach(p -> p.setErrorCode(error.code()));
            } else {
                final Group current = directory.get(groupId);
                final Group target = current != null ? current : createSimpleGroup.apply(groupId);
                for (final GroupRecord record : records) {
                    final GroupRecord.OffsetCommit c = (GroupRecord.OffsetCommit) record;
                    target.offsets()
                            .put(
                                    c.topic(),
                                    c.partition(),
                                    new CommittedOffset(
                                            c.offset(),
                                            c.leaderEpoch(),
                                            c.metadata(),
                                            c.commitTimestampMs(),
                                            c.expireTimestampMs()));
                }
            }
            response.complete(result);
        });
    }

    private static Map<String, Set<Integer>> committedPartitions(final OffsetCommitRequestData request) {
        final Map<String, Set<Integer>> partitions = new HashMap<>();
        for (final OffsetCommitRequestData.OffsetCommitRequestTopic topic : request.topics()) {
            final Set<Integer> indexes = partitions.computeIfAbsent(topic.name(), t -> new HashSet<>());
            topic.partitions().forEach(p -> indexes.add(p.partitionIndex()));
        }
        return partitions;
    }

    // ---- OffsetFetch

    public void fetch(
            final OffsetFetchRequestData request,
            final short version,
            final CompletableFuture<OffsetFetchResponseData> response) {
        final OffsetFetchResponseData result = new OffsetFetchResponseData();
        if (version >= 8) {
            for (final OffsetFetchRequestData.OffsetFetchRequestGroup g : request.groups()) {
                result.groups().add(fetchGroup(g.groupId(), g.memberId(), g.memberEpoch(), g.topics()));
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
                topics.add(new OffsetFetchRequestData.OffsetFetchRequestTopics()
                        .setName(t.name())
                        .setPartitionIndexes(t.partitionIndexes()));
            }
        }
        final OffsetFetchResponseData.OffsetFetchResponseGroup group = fetchGroup(request.groupId(), null, -1, topics);
        if (version >= 2) {
            result.setErrorCode(group.errorCode());
        }
        for (final OffsetFetchResponseData.OffsetFetchResponseTopics t : group.topics()) {
            final OffsetFetchResponseData.OffsetFetchResponseTopic topic =
                    new OffsetFetchResponseData.OffsetFetchResponseTopic().setName(t.name());
            for (final OffsetFetchResponseData.OffsetFetchResponsePartitions p : t.partitions()) {
                topic.partitions()
                        .add(new OffsetFetchResponseData.OffsetFetchResponsePartition()
                                .setPartitionIndex(p.partitionIndex())
                                .setCommittedOffset(p.committedOffset())
                                .setCommittedLeaderEpoch(p.committedLeaderEpoch())
                                .setMetadata(p.metadata())
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
     * error in Kafka: it gets offset -1 and empty metadata. A member that names itself (v9+) must be one.
     */
    private OffsetFetchResponseData.OffsetFetchResponseGroup fetchGroup(
            final String groupId,
            final String memberId,
            final int memberEpoch,
            final List<OffsetFetchRequestData.OffsetFetchRequestTopics> topics) {
        final OffsetFetchResponseData.OffsetFetchResponseGroup result =
                new OffsetFetchResponseData.OffsetFetchResponseGroup().setGroupId(groupId);
        if (groupId == null || groupId.isEmpty()) {
            return result.setErrorCode(Errors.INVALID_GROUP_ID.code());
        }
        final Group group = directory.get(groupId);
        if (group != null && (memberId != null || memberEpoch >= 0)) {
            try {
                group.validateOffsetFetch(memberId, memberEpoch);
            } catch (final ApiException e) {
                return result.setErrorCode(Errors.forException(e).code());
            }
        }
        if (topics == null) {
            if (group != null) {
                for (final Map.Entry<String, TreeMap<Integer, CommittedOffset>> e :
                        group.offsets().all().entrySet()) {
                    final OffsetFetchResponseData.OffsetFetchResponseTopics topic =
                            new OffsetFetchResponseData.OffsetFetchResponseTopics().setName(e.getKey());
                    e.getValue()
                            .forEach((partition, offset) -> topic.partitions().add(partition(partition, offset)));
                    result.topics().add(topic);
                }
            }
            return result;
        }
        for (final OffsetFetchRequestData.OffsetFetchRequestTopics t : topics) {
            final OffsetFetchResponseData.OffsetFetchResponseTopics topic =
                    new OffsetFetchResponseData.OffsetFetchResponseTopics()
                            .setName(t.name())
                            .setTopicId(t.topicId());
            for (final Integer partition : t.partitionIndexes()) {
                topic.partitions()
                        .add(partition(
                                partition,
                                group == null ? null : group.offsets().get(t.name(), partition)));
            }
            result.topics().add(topic);
        }
        return result;
    }

    private static OffsetFetchResponseData.OffsetFetchResponsePartitions partition(
            final int partition, final CommittedOffset offset) {
        final OffsetFetchResponseData.OffsetFetchResponsePartitions p =
                new OffsetFetchResponseData.OffsetFetchResponsePartitions().setPartitionIndex(partition);
        if (offset == null) {
            return p.setCommittedOffset(-1L).setCommittedLeaderEpoch(-1).setMetadata("");
        }
        return p.setCommittedOffset(offset.offset())
                .setCommittedLeaderEpoch(offset.leaderEpoch())
                .setMetadata(offset.metadata());
    }

    // ---- OffsetDelete

    public void delete(
            final OffsetDeleteRequestData request,
            final short version,
            final CompletableFuture<OffsetDeleteResponseData> response) {
        final String groupId = request.groupId();
        if (groupId == null || groupId.isEmpty()) {
            response.complete(Responses.deleteOffsetsError(request, Errors.INVALID_GROUP_ID));
            return;
        }
        final Group group = directory.get(groupId);
        if (group == null || group.isDead()) {
            response.complete(Responses.deleteOffsetsError(request, Errors.GROUP_ID_NOT_FOUND));
            return;
        }
        final boolean empty = group.isEmpty();
        if (!group.allowsOffsetDeletion()) {
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
            OffsetDeleteResponseData.OffsetDeleteResponseTopic topic =
                    result.topics().find(t.name());
            if (topic == null) {
                topic = new OffsetDeleteResponseData.OffsetDeleteResponseTopic().setName(t.name());
                result.topics().add(topic);
            }
            for (final OffsetDeleteRequestData.OffsetDeleteRequestPartition p : t.partitions()) {
                final OffsetDeleteResponseData.OffsetDeleteResponsePartition partition =
                        new OffsetDeleteResponseData.OffsetDeleteResponsePartition()
                                .setPartitionIndex(p.partitionIndex());
                if (blocked) {
                    partition.setErrorCode(Errors.GROUP_SUBSCRIBED_TO_TOPIC.code());
                } else if (group.offsets().get(t.name(), p.partitionIndex()) != null) {
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
        log.append(groupId, records).whenComplete((ignored, failure) -> {
            if (failure != null) {
                response.complete(Responses.deleteOffsetsError(request, GroupErrors.fromStoreFailure(failure)));
                return;
            }
            records.forEach(r -> {
                final GroupRecord.OffsetTombstone t = (GroupRecord.OffsetTombstone) r;
                group.offsets().remove(t.topic(), t.partition());
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
        final long nowMs = clock.nowMs();
        final long retentionMs = config.offsetsRetentionMs();
        int work = 0;
        for (final Group group : directory.all()) {
            if (group.isDead()) {
                continue;
            }
            final List<GroupRecord> records = new ArrayList<>();
            int remaining = 0;
            for (final Map.Entry<String, TreeMap<Integer, CommittedOffset>> e :
                    group.offsets().all().entrySet()) {
                final String topic = e.getKey();
                final Long base = group.offsetsRetentionBaseMs(topic);
                for (final Map.Entry<Integer, CommittedOffset> p : e.getValue().entrySet()) {
                    final CommittedOffset offset = p.getValue();
                    final boolean expired = offset.expireTimestampMs() >= 0
                            ? nowMs >= offset.expireTimestampMs()
                            : base != null && nowMs - (base < 0 ? offset.commitTimestampMs() : base) >= retentionMs;
                    if (expired) {
                        records.add(new GroupRecord.OffsetTombstone(group.groupId(), topic, p.getKey()));
                    } else {
                        remaining++;
                    }
                }
            }
            if (remaining == 0 && group.isEmpty()) {
                records.add(group.tombstone());
                group.delete(nowMs);
                directory.remove(group);
            }
            if (records.isEmpty()) {
                continue;
            }
            work += records.size();
            log.append(group.groupId(), records).whenComplete((ignored, failure) -> {
                if (failure != null) {
                    LOG.warn("Could not expire offsets of group {}", group.groupId(), failure);
                    return;
                }
                for (final GroupRecord r : records) {
                    if (r instanceof GroupRecord.OffsetTombstone t) {
                        group.offsets().remove(t.topic(), t.partition());
                    }
                }
            });
        }
        return work;
    }
}
