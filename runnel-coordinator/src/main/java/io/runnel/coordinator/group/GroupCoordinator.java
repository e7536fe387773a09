package io.runnel.coordinator.group;

import io.runnel.coordinator.group.classic.ClassicGroupDescriptions;
import io.runnel.coordinator.group.classic.ClassicGroups;
import io.runnel.coordinator.group.classic.Rebalancer;
import io.runnel.coordinator.group.classic.Responses;
import io.runnel.coordinator.group.consumer.ClassicMembers;
import io.runnel.coordinator.group.consumer.ConsumerGroupConfig;
import io.runnel.coordinator.group.consumer.ConsumerGroupDescriptions;
import io.runnel.coordinator.group.consumer.ConsumerGroups;
import io.runnel.coordinator.group.consumer.ConsumerHeartbeats;
import io.runnel.coordinator.group.store.GroupStore;
import io.runnel.coordinator.runtime.ExecutorScheduler;
import io.runnel.coordinator.runtime.Scheduler;
import io.runnel.metadata.image.MetadataImage;
import java.security.SecureRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;
import org.apache.kafka.common.errors.ApiException;
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
 * <p><b>Threading.</b> All group and offset state is owned by the {@link Scheduler}'s thread (in production
 * {@link ExecutorScheduler}, named {@value ExecutorScheduler#THREAD_NAME}). Each public method may be called
 * from any thread: it enqueues the request onto the owner thread and returns a future of the complete response
 * for the request's version, completed on the owner thread (later, when it waits for a rebalance or a store
 * append). A request that fails as a whole is answered here, in one place, with the API's error response
 * ({@code Errors.forException}); until {@link #load()} has completed every request gets
 * COORDINATOR_LOAD_IN_PROGRESS, as Kafka answers while it loads {@code __consumer_offsets}.
 *
 * <p>Offsets are expired every {@code offsets.retention.check.interval.ms} once loaded.
 */
public final class GroupCoordinator implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GroupCoordinator.class);

    private final GroupConfig config;
    private final Scheduler scheduler;
    private final GroupDirectory directory = new GroupDirectory();
    private final ClassicGroups groups;
    private final Rebalancer rebalancer;
    private final ClassicGroupDescriptions classicDescriptions;
    private final ConsumerGroups consumerGroups;
    private final ConsumerHeartbeats consumerHeartbeats;
    private final ClassicMembers classicMembers;
    private final ConsumerGroupDescriptions consumerDescriptions;
    private final OffsetManager offsets;
    private final GroupAdministration administration;
    private final GroupStore store;
    private boolean loaded;
    private boolean closed;
    private Scheduler.Timeout expiryTimer;

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
        this.scheduler = scheduler;
        final GroupLog log = new GroupLog(store, scheduler);
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
     * Replays the store into the coordinator's state (latest record per key wins, tombstones delete), restarts
     * the members' session timers and starts offset expiry. Completes when requests can be served.
     */
    public CompletableFuture<Void> load() {
        final CompletableFuture<Void> done = new CompletableFuture<>();
        try {
            scheduler.execute(() -> {
                try {
                    final int loadedGroups = GroupLoader.load(store, directory, groups, consumerGroups);
                    rebalancer.onLoaded();
                    consumerHeartbeats.onLoaded();
                    loaded = true;
                    LOG.info("Loaded {} groups from {}", loadedGroups, store);
                    scheduleExpiry();
                    done.complete(null);
                } catch (final RuntimeException e) {
                    done.completeExceptionally(e);
                }
            });
        } catch (final RejectedExecutionException e) {
            done.completeExceptionally(e);
        }
        return done;
    }

    public CompletableFuture<JoinGroupResponseData> joinGroup(
            final String clientId, final String clientHost, final JoinGroupRequestData request, final short version) {
        return submit(
                response -> {
                    if (classicMembers.takesJoin(request.groupId())) {
                        classicMembers.join(clientId, clientHost, request, version, response);
                    } else {
                        rebalancer.join(clientId, clientHost, request, version, response);
                    }
                },
                error -> Responses.joinError(request, version, error));
    }

    public CompletableFuture<SyncGroupResponseData> syncGroup(final SyncGroupRequestData request, final short version) {
        return submit(
                response -> {
                    if (classicMembers.holds(request.groupId())) {
                        classicMembers.sync(request, version, response);
                    } else {
                        rebalancer.sync(request, version, response);
                    }
                },
                Responses::syncError);
    }

    public CompletableFuture<HeartbeatResponseData> heartbeat(final HeartbeatRequestData request, final short version) {
        return submit(
                response -> {
                    if (classicMembers.holds(request.groupId())) {
                        classicMembers.heartbeat(request, version, response);
                    } else {
                        rebalancer.heartbeat(request, version, response);
                    }
                },
                Responses::heartbeatError);
    }

    public CompletableFuture<LeaveGroupResponseData> leaveGroup(
            final LeaveGroupRequestData request, final short version) {
        return submit(
                response -> {
                    if (classicMembers.holds(request.groupId())) {
                        classicMembers.leave(request, version, response);
                    } else {
                        rebalancer.leave(request, version, response);
                    }
                },
                error -> Responses.leaveError(request, version, error));
    }

    public CompletableFuture<OffsetCommitResponseData> commitOffsets(
            final OffsetCommitRequestData request, final short version) {
        return submit(
                response -> offsets.commit(request, version, response),
                error -> Responses.commitError(request, version, error));
    }

    public CompletableFuture<OffsetFetchResponseData> fetchOffsets(
            final OffsetFetchRequestData request, final short version) {
        return submit(
                response -> offsets.fetch(request, version, response),
                error -> Responses.fetchError(request, version, error));
    }

    public CompletableFuture<OffsetDeleteResponseData> deleteOffsets(
            final OffsetDeleteRequestData request, final short version) {
        return submit(
                response -> offsets.delete(request, version, response),
                error -> Responses.deleteOffsetsError(request, error));
    }

    public CompletableFuture<ListGroupsResponseData> listGroups(
            final ListGroupsRequestData request, final short version) {
        return submit(response -> administration.list(request, version, response), Responses::listError);
    }

    public CompletableFuture<DescribeGroupsResponseData> describeGroups(
            final DescribeGroupsRequestData request, final short version) {
        return submit(
                response -> classicDescriptions.describe(request, version, response),
                error -> Responses.describeError(request, version, error));
    }

    public CompletableFuture<DeleteGroupsResponseData> deleteGroups(
            final DeleteGroupsRequestData request, final short version) {
        return submit(
                response -> administration.delete(request, version, response),
                error -> Responses.deleteGroupsError(request, error));
    }

    public CompletableFuture<ConsumerGroupHeartbeatResponseData> consumerGroupHeartbeat(
            final String clientId,
            final String clientHost,
            final ConsumerGroupHeartbeatRequestData request,
            final short version) {
        return submit(
                response -> consumerHeartbeats.heartbeat(clientId, clientHost, request, version, response),
                (error, message) -> new ConsumerGroupHeartbeatResponseData()
                        .setErrorCode(error.code())
                        .setErrorMessage(message));
    }

    public CompletableFuture<ConsumerGroupDescribeResponseData> consumerGroupDescribe(
            final ConsumerGroupDescribeRequestData request) {
        return submit(response -> consumerDescriptions.describe(request, response), (error, message) -> {
            final ConsumerGroupDescribeResponseData result = new ConsumerGroupDescribeResponseData();
            request.groupIds()
                    .forEach(id -> result.groups()
                            .add(new ConsumerGroupDescribeResponseData.DescribedGroup()
                                    .setGroupId(id)
                                    .setErrorCode(error.code())
                                    .setErrorMessage(message)));
            return result;
        });
    }

    /** Answers parked requests with NOT_COORDINATOR, stops the timers and the scheduler. */
    @Override
    public void close() {
        final CompletableFuture<Void> unloaded = new CompletableFuture<>();
        try {
            scheduler.execute(() -> {
                closed = true;
                if (expiryTimer != null) {
                    expiryTimer.cancel();
                }
                rebalancer.unload();
                directory.all().forEach(g -> g.delete(scheduler.nowMs()));
                unloaded.complete(null);
            });
            unloaded.get(5, java.util.concurrent.TimeUnit.SECONDS);
        } catch (final RejectedExecutionException
                | java.util.concurrent.ExecutionException
                | java.util.concurrent.TimeoutException e) {
            LOG.warn("Group coordinator did not unload cleanly", e);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            scheduler.close();
        }
    }

    private void scheduleExpiry() {
        expiryTimer = scheduler.schedule(config.offsetsRetentionCheckIntervalMs(), () -> {
            if (closed) {
                return;
            }
            try {
                final int expired = offsets.expire();
                if (expired > 0) {
                    LOG.info("Expired {} offsets and groups", expired);
                }
            } finally {
                scheduleExpiry();
            }
        });
    }

    /**
     * The one edge where a request that fails as a whole becomes the API's error response: anything the
     * operation throws is mapped with {@code Errors.forException}.
     */
    private <R> CompletableFuture<R> submit(
            final Consumer<CompletableFuture<R>> operation, final Function<Errors, R> errorResponse) {
        return submit(operation, (error, message) -> errorResponse.apply(error));
    }

    /** As above, for the APIs whose error responses carry a message. */
    private <R> CompletableFuture<R> submit(
            final Consumer<CompletableFuture<R>> operation, final BiFunction<Errors, String, R> errorResponse) {
        final CompletableFuture<R> response = new CompletableFuture<>();
        try {
            scheduler.execute(() -> {
                if (closed) {
                    response.complete(errorResponse.apply(Errors.NOT_COORDINATOR, null));
                } else if (!loaded) {
                    response.complete(errorResponse.apply(Errors.COORDINATOR_LOAD_IN_PROGRESS, null));
                } else {
                    try {
                        operation.accept(response);
                    } catch (final RuntimeException e) {
                        final Errors error = Errors.forException(e);
                        if (error == Errors.UNKNOWN_SERVER_ERROR) {
                            LOG.error("Group coordinator failed a request", e);
                        }
                        response.complete(
                                errorResponse.apply(error, e instanceof ApiException ? e.getMessage() : null));
                    }
                }
            });
        } catch (final RejectedExecutionException e) {
            response.complete(errorResponse.apply(Errors.NOT_COORDINATOR, null));
        }
        return response;
    }
}
