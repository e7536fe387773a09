package io.runnel.broker.api.fetch;

import io.runnel.broker.api.LeaderHints;
import io.runnel.protocol.ApiHandler;
import io.runnel.protocol.RequestContext;
import io.runnel.replication.Partitions;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;

/**
 * Fetch for consumers: reads whole batches below the high watermark and sends them zero-copy from the segment
 * files, waits up to {@code max.wait.ms} for {@code min.bytes}, and keeps incremental fetch sessions (KIP-227).
 *
 * <p>Session rules, by (session id, epoch) of the request: (0, -1) no session, full response; (0, 0) or (S, 0)
 * a new session (S is closed), full response; (S, -1) close S, full response without a session; (S, n > 0)
 * the n-th request of S, which must be the expected epoch, with an incremental response holding only partitions
 * that have records, an error, or a changed high watermark or log start offset.
 */
public final class FetchHandler implements ApiHandler<FetchRequestData> {
    private static final int FINAL_EPOCH = -1;
    private static final int INITIAL_EPOCH = 0;

    private final Partitions partitions;
    private final LeaderHints leaders;
    private final FetchSessionCache sessions;
    private final ScheduledExecutorService timer;

    public FetchHandler(
            final Partitions partitions,
            final int sessionSlots,
            final ScheduledExecutorService timer,
            final LeaderHints leaders) {
        this.partitions = partitions;
        this.leaders = leaders;
        this.sessions = new FetchSessionCache(sessionSlots, new Random());
        this.timer = timer;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.FETCH;
    }

    @Override
    public CompletableFuture<FetchResponseData> handle(final RequestContext context, final FetchRequestData request) {
        final short version = context.apiVersion();
        final List<FetchTarget> requested = targets(request, version);
        final int sessionId = request.sessionId();
        final int epoch = request.sessionEpoch();

        FetchSession session = null;
        boolean incremental = false;
        List<FetchTarget> targets = requested;
        if (epoch == FINAL_EPOCH) {
            if (sessionId != 0) {
                sessions.remove(sessionId);
            }
        } else if (epoch == INITIAL_EPOCH) {
            if (sessionId != 0) {
                sessions.remove(sessionId);
            }
            session = sessions.create(requested);
        } else if (sessionId == 0) {
            return error(Errors.INVALID_FETCH_SESSION_EPOCH);
        } else {
            session = sessions.get(sessionId);
            if (session == null) {
                return error(Errors.FETCH_SESSION_ID_NOT_FOUND);
            }
            if (!session.update(epoch, requested, forgotten(request, version))) {
                return error(Errors.INVALID_FETCH_SESSION_EPOCH);
            }
            incremental = true;
            targets = session.targets();
        }
        final FetchOperation operation = new FetchOperation(
                partitions,
                version,
                request.minBytes(),
                request.maxBytes(),
                request.isolationLevel() == 1,
                session == null ? 0 : session.id,
                session,
                incremental,
                targets);
        return version >= 12
                ? operation.start(request.maxWaitMs(), timer).thenApply(data -> pointAtLeaders(data, version))
                : operation.start(request.maxWaitMs(), timer);
    }

    private static CompletableFuture<FetchResponseData> error(final Errors error) {
        return CompletableFuture.completedFuture(
                new FetchResponseData().setErrorCode(error.code()).setSessionId(0));
    }

    private static List<FetchTarget> targets(final FetchRequestData request, final short version) {
        final List<FetchTarget> targets = new ArrayList<>();
        for (final FetchRequestData.FetchTopic topic : request.topics()) {
            for (final FetchRequestData.FetchPartition p : topic.partitions()) {
                targets.add(new FetchTarget(
                        key(version, topic.topicId(), topic.topic(), p.partition()),
                        p.fetchOffset(),
                        p.partitionMaxBytes(),
                        p.currentLeaderEpoch()));
            }
        }
        return targets;
    }

    private static List<FetchKey> forgotten(final FetchRequestData request, final short version) {
        final List<FetchKey> keys = new ArrayList<>();
        for (final FetchRequestData.ForgottenTopic topic : request.forgottenTopicsData()) {
            for (final int partition : topic.partitions()) {
                keys.add(key(version, topic.topicId(), topic.topic(), partition));
            }
        }
        return keys;
    }

    private static FetchKey key(final short version, final Uuid topicId, final String topic, final int partition) {
        return version >= 13 ? new FetchKey(topicId, null, partition) : new FetchKey(Uuid.ZERO_UUID, topic, partition);
    }

    /**
     * KIP-951 (v12+): a partition answered NOT_LEADER_OR_FOLLOWER names its current leader, and (v16+) the
     * response carries that leader's endpoint, so the consumer fetches from it without a metadata round trip.
     */
    private FetchResponseData pointAtLeaders(final FetchResponseData data, final short version) {
        for (final FetchResponseData.FetchableTopicResponse topic : data.responses()) {
            for (final FetchResponseData.PartitionData partition : topic.partitions()) {
                if (partition.errorCode() != Errors.NOT_LEADER_OR_FOLLOWER.code()) {
                    continue;
                }
                final String name = version >= 13 ? partitions.topicName(topic.topicId()) : topic.topic();
                if (name == null) {
                    continue;
                }
                leaders.leaderOf(name, partition.partitionIndex()).ifPresent(leader -> {
                    partition.setCurrentLeader(new FetchResponseData.LeaderIdAndEpoch()
                            .setLeaderId(leader.id())
                            .setLeaderEpoch(leader.epoch()));
                    if (version >= 16 && data.nodeEndpoints().find(leader.id()) == null) {
                        data.nodeEndpoints()
                                .add(new FetchResponseData.NodeEndpoint()
                                        .setNodeId(leader.id())
                                        .setHost(leader.broker().host())
                                        .setPort(leader.broker().port())
                                        .setRack(leader.broker().rack()));
                    }
                });
            }
        }
        return data;
    }
}
