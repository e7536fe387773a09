package io.runnel.coordinator.group;

import io.runnel.coordinator.group.classic.Responses;
import io.runnel.coordinator.group.consumer.ConsumerGroupConfig;
import io.runnel.coordinator.group.store.GroupStore;
import io.runnel.coordinator.runtime.CoordinatorPublisher;
import io.runnel.coordinator.runtime.ExecutorScheduler;
import io.runnel.coordinator.runtime.PartitionLeadership;
import io.runnel.coordinator.runtime.Scheduler;
import io.runnel.metadata.image.MetadataImage;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;
import org.apache.kafka.common.errors.CoordinatorLoadInProgressException;
import org.apache.kafka.common.errors.NotCoordinatorException;
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
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The group coordinator: membership of classic groups (JoinGroup, SyncGroup, Heartbeat, LeaveGroup) and of
 * KIP-848 consumer groups (ConsumerGroupHeartbeat), their committed offsets and their administration, with
 * Kafka's semantics, made durable through a {@link GroupStore}. One group id names one group of either kind
 * ({@link GroupDirectory}).
 *
 * <p><b>Who coordinates a group.</b> As in Kafka, the broker that leads the group's partition of
 * {@code __consumer_offsets} ({@link GroupStore#partitionFor}). The coordinator keeps one {@link GroupShard} per
 * partition led here: {@link #onElection} loads the partition's groups, a bounded read at a time between other
 * work, and {@link #onResignation} unloads them (Kafka's {@code onElection}/{@code onResignation}, driven here by
 * a {@link CoordinatorPublisher} on {@code __consumer_offsets}). A request for a group whose partition is not led
 * here gets NOT_COORDINATOR; one for a partition still loading gets COORDINATOR_LOAD_IN_PROGRESS; clients then
 * look the coordinator up again or retry. Requests that name several groups (DescribeGroups, DeleteGroups,
 * OffsetFetch v8+, ConsumerGroupDescribe) are answered group by group; ListGroups lists the groups of the loaded
 * partitions, or answers COORDINATOR_LOAD_IN_PROGRESS while one loads, as Kafka does. {@link #load} leads every
 * partition at once, for a coordinator outside a cluster.
 *
 * <p><b>Threading.</b> All group and offset state is owned by the {@link Scheduler}'s thread (in production
 * {@link ExecutorScheduler}, named {@value ExecutorScheduler#THREAD_NAME}). Each public method may be called
 * from any thread: it enqueues the request onto the owner thread and returns a future of the complete response
 * for the request's version, completed on the owner thread (later, when it waits for a rebalance or a store
 * append). A request that fails as a whole is answered here, in one place, with the API's error response
 * ({@code Errors.forException}).
 *
 * <p>Offsets are expired every {@code offsets.retention.check.interval.ms} once a partition is loaded.
 */
public final class GroupCoordinator implements PartitionLeadership, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GroupCoordinator.class);

    private final GroupStore store;
    private final GroupConfig config;
    private final ConsumerGroupConfig consumerConfig;
    private final Supplier<MetadataImage> image;
    private final Scheduler scheduler;
    private final RandomGenerator random;
    // Owner thread only.
    private final GroupShard emptyGroupId;
    private final GroupShards shards;
    private boolean closed;

    public GroupCoordinator(final GroupStore store, final GroupConfig config, final Scheduler scheduler) {
        this(store, config, scheduler, new SecureRandom());
    }

    /** With the source of member ids given, so tests can be replayed; consumer groups see no topics. */
    public GroupCoordinator(
            final GroupStore store, final GroupConfig config, final Scheduler scheduler, final RandomGenerator random) {
        this(store, config, ConsumerGroupConfig.defaults(), () -> MetadataImage.EMPTY, scheduler, random);
    }

    /**
     * @param image the current metadata, which consumer groups resolve their subscriptions against
     */
    public GroupCoordinator(
            final GroupStore store,
            final GroupConfig config,
            final ConsumerGroupConfig consumerConfig,
            final Supplier<MetadataImage> image,
            final Scheduler scheduler,
            final RandomGenerator random) {
        this.store = store;
        this.config = config;
        this.consumerConfig = consumerConfig;
        this.image = image;
        this.scheduler = scheduler;
        this.random = random;
        this.emptyGroupId = GroupShard.forEmptyGroupId(store, config, consumerConfig, image, scheduler, random);
        this.shards = new GroupShards(store, config, consumerConfig, image, scheduler, random);
    }

    // ---- leadership of the store's partitions

    /**
     * This broker leads partition {@code partition} of the store at {@code leaderEpoch}: its groups are loaded (a
     * partition already loaded or loading here just takes the new epoch). May be called from any thread.
     */
    @Override
    public void onElection(final int partition, final int leaderEpoch) {
        onOwner(() -> shards.elect(partition, leaderEpoch));
    }

    /**
     * This broker no longer leads partition {@code partition}: its groups are unloaded and their requests get
     * NOT_COORDINATOR. A resignation older than the partition's current epoch here is ignored. May be called from
     * any thread.
     *
     * @param leaderEpoch the partition's new leader epoch, or -1 when the partition is gone
     */
    @Override
    public void onResignation(final int partition, final int leaderEpoch) {
        onOwner(() -> shards.resign(partition, leaderEpoch));
    }

    /**
     * Leads every partition of the store, as a coordinator outside a cluster does: loads them all and completes
     * when requests can be served, or exceptionally if a partition could not be loaded.
     */
    public CompletableFuture<Void> load() {
        final CompletableFuture<Void> done = new CompletableFuture<>();
        for (int partition = 0; partition < store.numPartitions(); partition++) {
            onElection(partition, 0);
        }
        whenNoneLoading(
                () -> {
                    final List<Integer> missing = new ArrayList<>();
                    for (int partition = 0; partition < store.numPartitions(); partition++) {
                        final GroupShard shard = shards.get(partition);
                        if (shard == null || shard.state() != GroupShard.State.ACTIVE) {
                            missing.add(partition);
                        }
                    }
                    if (missing.isEmpty()) {
                        done.complete(null);
                    } else {
                        done.completeExceptionally(new IllegalStateException(
                                "Partitions " + missing + " of " + store + " could not be loaded"));
                    }
                },
                done);
        return done;
    }

    /** Completes once no partition is loading here: those elected before this call are loaded (or failed to). */
    public CompletableFuture<Void> whenLoaded() {
        final CompletableFuture<Void> done = new CompletableFuture<>();
        whenNoneLoading(() -> done.complete(null), done);
        return done;
    }

    private void whenNoneLoading(final Runnable waiter, final CompletableFuture<Void> done) {
        try {
            scheduler.execute(() -> shards.whenNoneLoading(waiter));
        } catch (final RejectedExecutionException e) {
            done.completeExceptionally(e);
        }
    }

    /** The shard that serves {@code groupId} now; throws the error its requests get otherwise. */
    private GroupShard shardOf(final String groupId) {
        if (groupId == null || groupId.isEmpty()) {
            return emptyGroupId;
        }
        final int partition = store.partitionFor(groupId);
        final GroupShard shard = shards.get(partition);
        if (shard == null) {
            throw new NotCoordinatorException("This broker is not the coordinator of group " + groupId
                    + ": it does not lead partition " + partition + " of " + store);
        }
        if (shard.state() == GroupShard.State.LOADING) {
            throw new CoordinatorLoadInProgressException(
                    "Partition " + partition + " of " + store + " (group " + groupId + ") is loading");
        }
        return shard;
    }

    // ---- the APIs

    public CompletableFuture<JoinGroupResponseData> joinGroup(
            final String clientId, final String clientHost, final JoinGroupRequestData request, final short version) {
        return submit(
                request.groupId(),
                (shard, response) -> shard.joinGroup(clientId, clientHost, request, version, response),
                error -> Responses.joinError(request, version, error));
    }

    public CompletableFuture<SyncGroupResponseData> syncGroup(final SyncGroupRequestData request, final short version) {
        return submit(
                request.groupId(),
                (shard, response) -> shard.syncGroup(request, version, response),
                Responses::syncError);
    }

    public CompletableFuture<HeartbeatResponseData> heartbeat(final HeartbeatRequestData request, final short version) {
        return submit(
                request.groupId(),
                (shard, response) -> shard.heartbeat(request, version, response),
                Responses::heartbeatError);
    }

    public CompletableFuture<LeaveGroupResponseData> leaveGroup(
            final LeaveGroupRequestData request, final short version) {
        return submit(
                request.groupId(),
                (shard, response) -> shard.leaveGroup(request, version, response),
                error -> Responses.leaveError(request, version, error));
    }

    public CompletableFuture<OffsetCommitResponseData> commitOffsets(
            final OffsetCommitRequestData request, final short version) {
        return submit(
                request.groupId(),
                (shard, response) -> shard.commitOffsets(request, version, response),
                error -> Responses.commitError(request, version, error));
    }

    /** OffsetFetch; from v8 each group of the request is answered by its own partition's coordinator state. */
    public CompletableFuture<OffsetFetchResponseData> fetchOffsets(
            final OffsetFetchRequestData request, final short version) {
        if (version < 8) {
            return submit(
                    request.groupId(),
                    (shard, response) -> shard.fetchOffsets(request, version, response),
                    error -> Responses.fetchError(request, version, error));
        }
        return perGroup(
                request.groups(),
                OffsetFetchRequestData.OffsetFetchRequestGroup::groupId,
                group -> request.duplicate().setGroups(new ArrayList<>(List.of(group.duplicate()))),
                (shard, one, response) -> shard.fetchOffsets(one, version, response),
                (one, error, message) -> Responses.fetchError(one, version, error),
                parts -> {
                    final OffsetFetchResponseData result = new OffsetFetchResponseData();
                    parts.forEach(
                            part -> part.groups().forEach(g -> result.groups().add(g.duplicate())));
                    return result;
                },
                error -> Responses.fetchError(request, version, error));
    }

    public CompletableFuture<OffsetDeleteResponseData> deleteOffsets(
            final OffsetDeleteRequestData request, final short version) {
        return submit(
                request.groupId(),
                (shard, response) -> shard.deleteOffsets(request, version, response),
                error -> Responses.deleteOffsetsError(request, error));
    }

    /** The groups of every partition loaded here, in id order; COORDINATOR_LOAD_IN_PROGRESS while one loads. */
    public CompletableFuture<ListGroupsResponseData> listGroups(
            final ListGroupsRequestData request, final short version) {
        return onOwner(
                response -> {
                    final List<CompletableFuture<ListGroupsResponseData>> parts = new ArrayList<>();
                    for (final GroupShard shard : shards.all()) {
                        if (shard.state() == GroupShard.State.LOADING) {
                            throw new CoordinatorLoadInProgressException(
                                    "Partition " + shard.partition() + " of " + store + " is loading");
                        }
                        final CompletableFuture<ListGroupsResponseData> part = new CompletableFuture<>();
                        shard.listGroups(request, version, part);
                        parts.add(part);
                    }
                    GroupReplies.whenAll(parts, response, all -> {
                        final List<ListGroupsResponseData.ListedGroup> listed = new ArrayList<>();
                        all.forEach(part -> listed.addAll(part.groups()));
                        listed.sort(Comparator.comparing(ListGroupsResponseData.ListedGroup::groupId));
                        return new ListGroupsResponseData().setGroups(listed);
                    });
                },
                (error, message) -> Responses.listError(error));
    }

    public CompletableFuture<DescribeGroupsResponseData> describeGroups(
            final DescribeGroupsRequestData request, final short version) {
        return perGroup(
                request.groups(),
                Function.identity(),
                groupId -> request.duplicate().setGroups(new ArrayList<>(Collections.singletonList(groupId))),
                (shard, one, response) -> shard.describeGroups(one, version, response),
                (one, error, message) -> Responses.describeError(one, version, error),
                parts -> {
                    final DescribeGroupsResponseData result = new DescribeGroupsResponseData();
                    parts.forEach(
                            part -> part.groups().forEach(g -> result.groups().add(g.duplicate())));
                    return result;
                },
                error -> Responses.describeError(request, version, error));
    }

    /** DeleteGroups; a group named twice is answered once, as Kafka does. */
    public CompletableFuture<DeleteGroupsResponseData> deleteGroups(
            final DeleteGroupsRequestData request, final short version) {
        final Set<String> seen = new HashSet<>();
        final List<String> distinct = new ArrayList<>();
        for (final String groupId : request.groupsNames()) {
            if (seen.add(groupId == null ? "" : groupId)) {
                distinct.add(groupId);
            }
        }
        return perGroup(
                distinct,
                Function.identity(),
                groupId -> request.duplicate().setGroupsNames(new ArrayList<>(Collections.singletonList(groupId))),
                (shard, one, response) -> shard.deleteGroups(one, version, response),
                (one, error, message) -> Responses.deleteGroupsError(one, error),
                parts -> {
                    final DeleteGroupsResponseData result = new DeleteGroupsResponseData();
                    parts.forEach(
                            part -> part.results().forEach(r -> result.results().add(r.duplicate())));
                    return result;
                },
                error -> Responses.deleteGroupsError(request, error));
    }

    public CompletableFuture<ConsumerGroupHeartbeatResponseData> consumerGroupHeartbeat(
            final String clientId,
            final String clientHost,
            final ConsumerGroupHeartbeatRequestData request,
            final short version) {
        return submit(
                request.groupId(),
                (shard, response) -> shard.consumerGroupHeartbeat(clientId, clientHost, request, version, response),
                (error, message) -> new ConsumerGroupHeartbeatResponseData()
                        .setErrorCode(error.code())
                        .setErrorMessage(message));
    }

    public CompletableFuture<ConsumerGroupDescribeResponseData> consumerGroupDescribe(
            final ConsumerGroupDescribeRequestData request) {
        return perGroup(
                request.groupIds(),
                Function.identity(),
                groupId -> request.duplicate().setGroupIds(new ArrayList<>(Collections.singletonList(groupId))),
                GroupShard::consumerGroupDescribe,
                GroupCoordinator::describeError,
                parts -> {
                    final ConsumerGroupDescribeResponseData result = new ConsumerGroupDescribeResponseData();
                    parts.forEach(
                            part -> part.groups().forEach(g -> result.groups().add(g.duplicate())));
                    return result;
                },
                error -> describeError(request, error, null));
    }

    private static ConsumerGroupDescribeResponseData describeError(
            final ConsumerGroupDescribeRequestData request, final Errors error, final String message) {
        final ConsumerGroupDescribeResponseData result = new ConsumerGroupDescribeResponseData();
        request.groupIds()
                .forEach(id -> result.groups()
                        .add(new ConsumerGroupDescribeResponseData.DescribedGroup()
                                .setGroupId(id)
                                .setErrorCode(error.code())
                                .setErrorMessage(message)));
        return result;
    }

    /** Answers parked requests with NOT_COORDINATOR, unloads every partition, stops the timers and the scheduler. */
    @Override
    public void close() {
        final CompletableFuture<Void> unloaded = new CompletableFuture<>();
        try {
            scheduler.execute(() -> {
                closed = true;
                shards.unloadAll();
                emptyGroupId.unload();
                unloaded.complete(null);
            });
            unloaded.get(5, TimeUnit.SECONDS);
        } catch (final RejectedExecutionException | ExecutionException | TimeoutException e) {
            LOG.warn("Group coordinator did not unload cleanly", e);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            scheduler.close();
        }
    }

    // ---- the one edge where requests reach the owner thread and failures become error responses

    /** An operation on one group, served by the shard of its partition. */
    private <R> CompletableFuture<R> submit(
            final String groupId,
            final BiConsumer<GroupShard, CompletableFuture<R>> operation,
            final Function<Errors, R> errorResponse) {
        return submit(groupId, operation, (error, message) -> errorResponse.apply(error));
    }

    /** As above, for the APIs whose error responses carry a message. */
    private <R> CompletableFuture<R> submit(
            final String groupId,
            final BiConsumer<GroupShard, CompletableFuture<R>> operation,
            final BiFunction<Errors, String, R> errorResponse) {
        return onOwner(response -> operation.accept(shardOf(groupId), response), errorResponse);
    }

    /** One operation on the shard of one group, taking the request cut down to that group. */
    @FunctionalInterface
    private interface ShardOperation<Q, R> {
        void run(GroupShard shard, Q request, CompletableFuture<R> response);
    }

    /** The error answer to the request cut down to one group. */
    @FunctionalInterface
    private interface PartError<Q, R> {
        R apply(Q request, Errors error, String message);
    }

    /**
     * A request that names several groups, answered group by group in request order: each group's part goes to its
     * own partition's shard (or gets that partition's error), and the parts are merged once all are answered.
     *
     * @param <E> what the request lists: a group id, or a group entry
     * @param <Q> the request
     * @param <R> the response
     */
    private <E, Q, R> CompletableFuture<R> perGroup(
            final List<E> entries,
            final Function<E, String> groupIdOf,
            final Function<E, Q> requestFor,
            final ShardOperation<Q, R> operation,
            final PartError<Q, R> partError,
            final Function<List<R>, R> merge,
            final Function<Errors, R> errorResponse) {
        return onOwner(
                response -> {
                    final List<CompletableFuture<R>> parts = new ArrayList<>();
                    for (final E entry : entries) {
                        final Q one = requestFor.apply(entry);
                        final CompletableFuture<R> part = new CompletableFuture<>();
                        GroupReplies.run(
                                r -> operation.run(shardOf(groupIdOf.apply(entry)), one, r),
                                part,
                                (error, message) -> partError.apply(one, error, message));
                        parts.add(part);
                    }
                    GroupReplies.whenAll(parts, response, merge);
                },
                (error, message) -> errorResponse.apply(error));
    }

    /** Runs {@code task} on the owner thread, unless the coordinator is closed. */
    private void onOwner(final Runnable task) {
        try {
            scheduler.execute(() -> {
                if (!closed) {
                    task.run();
                }
            });
        } catch (final RejectedExecutionException e) {
            LOG.debug("Group coordinator closed; dropped a leadership change");
        }
    }

    /** Runs {@code operation} on the owner thread; a closed coordinator answers NOT_COORDINATOR. */
    private <R> CompletableFuture<R> onOwner(
            final Consumer<CompletableFuture<R>> operation, final BiFunction<Errors, String, R> errorResponse) {
        final CompletableFuture<R> response = new CompletableFuture<>();
        try {
            scheduler.execute(() -> {
                if (closed) {
                    response.complete(errorResponse.apply(Errors.NOT_COORDINATOR, null));
                } else {
                    GroupReplies.run(operation, response, errorResponse);
                }
            });
        } catch (final RejectedExecutionException e) {
            response.complete(errorResponse.apply(Errors.NOT_COORDINATOR, null));
        }
        return response;
    }
}
