package io.runnel.coordinator.group;

import io.runnel.coordinator.group.classic.ClassicGroupDescriptions;
import io.runnel.coordinator.group.classic.ClassicGroups;
import io.runnel.coordinator.group.classic.Rebalancer;
import io.runnel.coordinator.group.consumer.ClassicMembers;
import io.runnel.coordinator.group.consumer.ConsumerGroupConfig;
import io.runnel.coordinator.group.consumer.ConsumerGroupDescriptions;
import io.runnel.coordinator.group.consumer.ConsumerGroups;
import io.runnel.coordinator.group.consumer.ConsumerHeartbeats;
import io.runnel.coordinator.group.store.GroupRecord;
import io.runnel.coordinator.group.store.GroupStore;
import io.runnel.coordinator.runtime.CoordinatorStore;
import io.runnel.coordinator.runtime.Scheduler;
import io.runnel.metadata.image.MetadataImage;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;
import org.apache.kafka.common.message.ConsumerGroupDescribeRequestData;
import org.apache.kafka.common.message.ConsumerGroupDescribeResponseData;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatRequestData;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatResponseData;
import org.apache.kafka.common.message.DeleteGroupsRequestData;
import org.apache.kafka.common.message.DeleteGroupsResponseData;
import org.apache.kafka.common.message.DescribeGroupsRequestData;
import org.apache.kafka.common.message.DescribeGroupsResponseData;
import org.apache.kafka.common.message.HeartbeatRequestData;
import org.apache.kafka.common.message.HeartbeatResponseData;
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

/**
 * The groups of one partition of {@code __consumer_offsets}, which this broker coordinates while it leads that
 * partition (Kafka's coordinator shard): their {@link GroupDirectory}, the two rebalance protocols over it, their
 * offsets and their administration, all writing through one {@link GroupLog} to that partition.
 *
 * <p>Life cycle: made {@link State#LOADING} when the partition is elected here; {@link #loadStep} reads the
 * partition a bounded step at a time and {@link #activate} then puts its groups in the directory and starts their
 * timers ({@link State#ACTIVE}, requests are served); {@link #unload} ends it when the partition moves away or the
 * coordinator closes: parked requests get NOT_COORDINATOR, timers stop, and the log is fenced so that a late
 * callback of this shard cannot write over the partition's next owner. An unloaded shard is never reused: an
 * election makes a new one. Every method runs on the group coordinator's thread; not thread-safe.
 */
final class GroupShard {
    enum State {
        LOADING,
        ACTIVE,
        UNLOADED
    }

    private final int partition;
    private final GroupStore store;
    private final Scheduler scheduler;
    private final GroupDirectory directory = new GroupDirectory();
    private final GroupLog log;
    private final ClassicGroups groups;
    private final Rebalancer rebalancer;
    private final ClassicGroupDescriptions classicDescriptions;
    private final ConsumerGroups consumerGroups;
    private final ConsumerHeartbeats consumerHeartbeats;
    private final ClassicMembers classicMembers;
    private final ConsumerGroupDescriptions consumerDescriptions;
    private final OffsetManager offsets;
    private final GroupAdministration administration;
    private final long loadStartMs;
    private int leaderEpoch;
    private State state = State.LOADING;
    // While loading.
    private GroupLoader loader = new GroupLoader();
    private CoordinatorStore.Replay<GroupRecord> replay;

    GroupShard(
            final int partition,
            final int leaderEpoch,
            final GroupStore store,
            final GroupConfig config,
            final ConsumerGroupConfig consumerConfig,
            final Supplier<MetadataImage> image,
            final Scheduler scheduler,
            final RandomGenerator random) {
        this.partition = partition;
        this.leaderEpoch = leaderEpoch;
        this.store = store;
        this.scheduler = scheduler;
        this.loadStartMs = scheduler.nowMs();
        this.log = new GroupLog(store, scheduler);
        this.groups = new ClassicGroups(directory, log, scheduler, config, random);
        this.rebalancer = new Rebalancer(groups);
        this.classicDescriptions = new ClassicGroupDescriptions(groups);
        this.consumerGroups = new ConsumerGroups(
                directory, log, scheduler, consumerConfig, image, groups, config.maxSize(), rebalancer::adopt);
        this.consumerHeartbeats = new ConsumerHeartbeats(consumerGroups);
        this.classicMembers = new ClassicMembers(consumerGroups, config);
        this.consumerDescriptions = new ConsumerGroupDescriptions(directory, consumerGroups);
        this.offsets =
                new OffsetManager(directory, log, scheduler, config, groups::createSimple, rebalancer::onMemberCommit);
        this.administration = new GroupAdministration(directory, log, scheduler);
    }

    /**
     * A shard that holds no group and writes nothing, where the requests for the empty (or null) group id run: each
     * API refuses that id there with its own error (INVALID_GROUP_ID, INVALID_REQUEST), whichever partitions this
     * broker leads, as Kafka checks the id before it looks for the id's partition.
     */
    static GroupShard forEmptyGroupId(
            final GroupStore store,
            final GroupConfig config,
            final ConsumerGroupConfig consumerConfig,
            final Supplier<MetadataImage> image,
            final Scheduler scheduler,
            final RandomGenerator random) {
        final GroupShard shard = new GroupShard(-1, -1, store, config, consumerConfig, image, scheduler, random);
        shard.activate();
        shard.log.fence();
        return shard;
    }

    int partition() {
        return partition;
    }

    int leaderEpoch() {
        return leaderEpoch;
    }

    /** The partition is still led here, at a later leader epoch. */
    void leaderEpoch(final int epoch) {
        leaderEpoch = epoch;
    }

    State state() {
        return state;
    }

    // ---- life cycle

    /**
     * Reads the next step of the partition (the first one opens it).
     *
     * @return true while more remains to be read
     * @throws RuntimeException what the store throws: the partition is not on this broker, a record is corrupt, the
     *     log cannot be read
     */
    boolean loadStep() {
        if (replay == null) {
            replay = store.replay(partition);
        }
        return replay.next(loader);
    }

    /** The records read so far. */
    int recordsLoaded() {
        return loader == null ? 0 : loader.records();
    }

    /** The time the load started, on the scheduler's clock. */
    long loadStartMs() {
        return loadStartMs;
    }

    /**
     * The partition is read: its groups go into the directory, their members must heartbeat again within their
     * sessions, and requests are served from now on.
     *
     * @return the number of groups loaded
     */
    int activate() {
        final int loaded = loader.restore(directory, groups, consumerGroups);
        loader = null;
        replay = null;
        rebalancer.onLoaded();
        consumerHeartbeats.onLoaded();
        state = State.ACTIVE;
        return loaded;
    }

    /**
     * Ends the shard: parked JoinGroups and SyncGroups get NOT_COORDINATOR, every timer stops, the groups leave
     * memory (they stay in the partition, for its next leader) and the log refuses appends.
     *
     * @return the number of groups unloaded
     */
    int unload() {
        state = State.UNLOADED;
        loader = null;
        replay = null;
        log.fence();
        rebalancer.unload();
        final int unloaded = directory.all().size();
        directory.all().forEach(g -> g.delete(scheduler.nowMs()));
        directory.clear();
        return unloaded;
    }

    /** Writes tombstones for the offsets past retention; see {@link OffsetManager#expire}. */
    int expireOffsets() {
        return offsets.expire();
    }

    // ---- the APIs, for the groups of this partition

    void joinGroup(
            final String clientId,
            final String clientHost,
            final JoinGroupRequestData request,
            final short version,
            final CompletableFuture<JoinGroupResponseData> response) {
        if (classicMembers.takesJoin(request.groupId())) {
            classicMembers.join(clientId, clientHost, request, version, response);
        } else {
            rebalancer.join(clientId, clientHost, request, version, response);
        }
    }

    void syncGroup(
            final SyncGroupRequestData request,
            final short version,
            final CompletableFuture<SyncGroupResponseData> response) {
        if (classicMembers.holds(request.groupId())) {
            classicMembers.sync(request, version, response);
        } else {
            rebalancer.sync(request, version, response);
        }
    }

    void heartbeat(
            final HeartbeatRequestData request,
            final short version,
            final CompletableFuture<HeartbeatResponseData> response) {
        if (classicMembers.holds(request.groupId())) {
            classicMembers.heartbeat(request, version, response);
        } else {
            rebalancer.heartbeat(request, version, response);
        }
    }

    void leaveGroup(
            final LeaveGroupRequestData request,
            final short version,
            final CompletableFuture<LeaveGroupResponseData> response) {
        if (classicMembers.holds(request.groupId())) {
            classicMembers.leave(request, version, response);
        } else {
            rebalancer.leave(request, version, response);
        }
    }

    void commitOffsets(
            final OffsetCommitRequestData request,
            final short version,
            final CompletableFuture<OffsetCommitResponseData> response) {
        offsets.commit(request, version, response);
    }

    void fetchOffsets(
            final OffsetFetchRequestData request,
            final short version,
            final CompletableFuture<OffsetFetchResponseData> response) {
        offsets.fetch(request, version, response);
    }

    void deleteOffsets(
            final OffsetDeleteRequestData request,
            final short version,
            final CompletableFuture<OffsetDeleteResponseData> response) {
        offsets.delete(request, version, response);
    }

    void listGroups(
            final ListGroupsRequestData request,
            final short version,
            final CompletableFuture<ListGroupsResponseData> response) {
        administration.list(request, version, response);
    }

    void describeGroups(
            final DescribeGroupsRequestData request,
            final short version,
            final CompletableFuture<DescribeGroupsResponseData> response) {
        classicDescriptions.describe(request, version, response);
    }

    void deleteGroups(
            final DeleteGroupsRequestData request,
            final short version,
            final CompletableFuture<DeleteGroupsResponseData> response) {
        administration.delete(request, version, response);
    }

    void consumerGroupHeartbeat(
            final String clientId,
            final String clientHost,
            final ConsumerGroupHeartbeatRequestData request,
            final short version,
            final CompletableFuture<ConsumerGroupHeartbeatResponseData> response) {
        consumerHeartbeats.heartbeat(clientId, clientHost, request, version, response);
    }

    void consumerGroupDescribe(
            final ConsumerGroupDescribeRequestData request,
            final CompletableFuture<ConsumerGroupDescribeResponseData> response) {
        consumerDescriptions.describe(request, response);
    }
}
