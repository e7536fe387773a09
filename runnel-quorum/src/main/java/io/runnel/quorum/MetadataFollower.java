package io.runnel.quorum;

import io.runnel.metadata.log.MetadataLog;
import io.runnel.metadata.record.MetadataRecord;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.errors.InconsistentClusterIdException;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.client.RaftClientConfigKeys;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.exceptions.GroupMismatchException;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.util.TimeDuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The metadata log as a broker that is not a voter sees it: read-only, fetched from the controllers. It implements
 * the read side of {@link MetadataLog} so a broker applies every change through the same {@link CommitListener} a
 * controller does; {@link #propose} fails with {@link org.apache.kafka.common.errors.NotControllerException}.
 *
 * <h2>How it follows</h2>
 * Like a KRaft observer, it asks the quorum's leader for "the batches after offset X" ({@link FetchRequest}) with a
 * Ratis read-only query over gRPC; the leader's state machine answers from the batches it keeps, or with the whole
 * state as a snapshot when X is older than those, and holds a request that finds nothing new for up to
 * {@link FollowerSettings#maxWaitMs()} (a long poll), so a new batch reaches the broker as soon as it is applied.
 * No membership change is needed for a broker to follow (Ratis listeners would need one), and a controller keeps no
 * state per broker. Ratis' client finds the leader and follows it when it changes.
 *
 * <h2>Threads</h2>
 * {@link #replay} catches up on the calling thread, then {@code runnel-metadata-follower-<node>} fetches and calls
 * the listener, one batch at a time, in offset order. A fetch that fails (no leader, a controller down) is retried
 * after a pause of up to a second; the broker keeps serving the metadata it has.
 */
public final class MetadataFollower implements MetadataLog {
    private static final Logger LOG = LoggerFactory.getLogger(MetadataFollower.class);
    private static final long MAX_BACKOFF_MS = 1_000;

    private final FollowerSettings settings;
    private final RaftClient client;
    private final Object lock = new Object();

    // Guarded by lock.
    private @Nullable CommitListener listener;
    private @Nullable Thread fetcher;
    // Written by the fetching thread (under lock), read by any.
    private volatile long lastOffset = -1;
    private volatile boolean closed;

    private MetadataFollower(final FollowerSettings settings, final RaftClient client) {
        this.settings = settings;
        this.client = client;
    }

    /** A follower of the cluster's quorum; it fetches nothing until {@link #replay}. */
    public static MetadataFollower open(final FollowerSettings settings) {
        final RaftProperties properties = new RaftProperties();
        RaftClientConfigKeys.Rpc.setRequestTimeout(
                properties, TimeDuration.valueOf(settings.requestTimeoutMs(), TimeUnit.MILLISECONDS));
        final RaftClient client = RaftClient.newBuilder()
                .setClientId(ClientId.randomId())
                .setRaftGroup(RaftGroup.valueOf(
                        RatisMetadataLog.groupId(settings.clusterId()),
                        settings.voters().raftPeers()))
                .setProperties(properties)
                .setRetryPolicy(RetryPolicies.retryUpToMaximumCountWithFixedSleep(
                        10, TimeDuration.valueOf(100, TimeUnit.MILLISECONDS)))
                .build();
        return new MetadataFollower(settings, client);
    }

    /**
     * Fetches until this broker holds every batch the leader had applied when it asked, handing the listener the
     * controllers' snapshot if it is too far behind and then each batch; from then on a thread of its own hands it
     * every later batch.
     *
     * @throws TimeoutException if no controller answered within {@link FollowerSettings#catchUpTimeoutMs()}
     */
    @Override
    public void replay(final CommitListener listener) {
        synchronized (lock) {
            ensureOpen();
            if (this.listener != null) {
                throw new IllegalStateException("The metadata follower already has a commit listener");
            }
            this.listener = listener;
        }
        catchUp();
        final Thread thread = Thread.ofPlatform()
                .name("runnel-metadata-follower-" + settings.nodeId())
                .daemon()
                .unstarted(this::follow);
        synchronized (lock) {
            fetcher = thread;
        }
        thread.start();
    }

    private static boolean hasCause(final Throwable error, final Class<? extends Throwable> type) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    private void catchUp() {
        long lastWaitLogNs = System.nanoTime();
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(settings.catchUpTimeoutMs());
        while (true) {
            try {
                final FetchResponse response = fetch(0);
                apply(response);
                if (response.isEmpty() && lastOffset >= response.lastOffset()) {
                    return;
                }
            } catch (final KafkaStorageException | TimeoutException e) {
                if (hasCause(e, GroupMismatchException.class)) {
                    // The controllers serve another group: another cluster id than this node was formatted with.
                    throw new InconsistentClusterIdException("The controllers " + settings.voters()
                            + " do not serve cluster " + settings.clusterId() + ", the cluster.id in this node's"
                            + " meta.properties: it was formatted for another cluster (INCONSISTENT_CLUSTER_ID)");
                }
                if (System.nanoTime() - deadline >= 0) {
                    throw new TimeoutException(
                            "Node " + settings.nodeId() + " could not catch up with the metadata quorum within "
                                    + settings.catchUpTimeoutMs() + " ms: no controller of "
                                    + QuorumPeers.VOTERS_CONFIG + "=" + settings.voters() + " answered",
                            e);
                }
                if (System.nanoTime() - lastWaitLogNs >= TimeUnit.SECONDS.toNanos(5)) {
                    lastWaitLogNs = System.nanoTime();
                    LOG.info(
                            "Node {} is waiting for the metadata quorum at {}={}: {}",
                            settings.nodeId(),
                            QuorumPeers.VOTERS_CONFIG,
                            settings.voters(),
                            e.getMessage());
                }
                LOG.debug("Metadata fetch failed while catching up; trying again", e);
                pause(100);
            }
        }
    }

    /** The fetching thread: long polls until closed. */
    private void follow() {
        long backoffMs = 50;
        while (!closed) {
            try {
                apply(fetch(settings.maxWaitMs()));
                backoffMs = 50;
            } catch (final KafkaStorageException | TimeoutException e) {
                if (closed) {
                    return;
                }
                LOG.warn(
                        "Node {} cannot fetch metadata from the quorum ({}); retrying in {} ms",
                        settings.nodeId(),
                        e.getMessage(),
                        backoffMs);
                pause(backoffMs);
                backoffMs = Math.min(MAX_BACKOFF_MS, backoffMs * 2);
            } catch (final RuntimeException e) {
                LOG.error("Node {} stops following the metadata quorum", settings.nodeId(), e);
                return;
            }
        }
    }

    private FetchResponse fetch(final int maxWaitMs) {
        final FetchRequest request = new FetchRequest(lastOffset, maxWaitMs, settings.maxBytes());
        // Unordered: Ratis' ordered client closes for good once one request runs out of retries (a leader down
        // for long), and fetches need no ordering, each carries its own offset.
        final CompletableFuture<RaftClientReply> reply = client.async().sendReadOnlyUnordered(request.toMessage());
        try {
            final RaftClientReply answer = reply.get(settings.requestTimeoutMs(), TimeUnit.MILLISECONDS);
            if (!answer.isSuccess()) {
                throw new KafkaStorageException(
                        "Metadata fetch refused: " + answer.getException(), answer.getException());
            }
            return FetchResponse.from(answer.getMessage());
        } catch (final java.util.concurrent.TimeoutException e) {
            reply.cancel(true);
            throw new TimeoutException("No answer to a metadata fetch within " + settings.requestTimeoutMs() + " ms");
        } catch (final ExecutionException e) {
            throw new KafkaStorageException("Metadata fetch failed: " + e.getCause(), e.getCause());
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TimeoutException("Interrupted while fetching metadata");
        }
    }

    /** Hands the listener the response's snapshot and the batches after what it holds, in order. */
    private void apply(final FetchResponse response) {
        synchronized (lock) {
            if (closed || listener == null) {
                return;
            }
            long applied = lastOffset;
            if (response.snapshot() != null) {
                final CommittedBatch snapshot = response.snapshot();
                try {
                    listener.onSnapshot(snapshot.records(), snapshot.lastOffset());
                } catch (final RuntimeException e) {
                    LOG.error(
                            "Commit listener failed to load the metadata snapshot at offset {}",
                            snapshot.lastOffset(),
                            e);
                }
                applied = snapshot.lastOffset();
                LOG.info("Node {} loaded the controllers' metadata snapshot at offset {}", settings.nodeId(), applied);
            }
            for (final CommittedBatch batch : response.batches()) {
                if (batch.lastOffset() <= applied) {
                    continue;
                }
                if (batch.baseOffset() != applied + 1) {
                    // Not where this broker stands: ask again from its own offset.
                    LOG.warn(
                            "Node {} got a metadata batch at offset {} while at {}",
                            settings.nodeId(),
                            batch.baseOffset(),
                            applied);
                    break;
                }
                try {
                    listener.onCommit(batch.records(), batch.lastOffset());
                } catch (final RuntimeException e) {
                    LOG.error(
                            "Commit listener failed on the metadata batch ending at offset {}", batch.lastOffset(), e);
                }
                applied = batch.lastOffset();
            }
            lastOffset = applied;
        }
    }

    /** The offset of the last record handed to the listener, or -1. */
    @Override
    public long lastOffset() {
        return lastOffset;
    }

    /** Always fails: brokers do not write metadata; the active controller does. */
    @Override
    public CompletableFuture<Long> propose(final List<MetadataRecord> batch) {
        ensureOpen();
        return CompletableFuture.failedFuture(RatisErrors.notController(
                settings.nodeId(), "it is a broker following the metadata quorum, not a voter"));
    }

    /** Stops fetching (a fetch in flight is abandoned) and closes the client. */
    @Override
    public void close() {
        final Thread thread;
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            thread = fetcher;
        }
        if (thread != null) {
            thread.interrupt();
            try {
                thread.join(TimeUnit.SECONDS.toMillis(10));
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try {
            client.close();
        } catch (final IOException e) {
            LOG.warn("Cannot close the metadata follower's client", e);
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("Metadata follower of node " + settings.nodeId() + " is closed");
        }
    }

    private static void pause(final long ms) {
        try {
            Thread.sleep(ms);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
