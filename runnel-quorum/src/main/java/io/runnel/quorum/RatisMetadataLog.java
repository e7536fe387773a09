package io.runnel.quorum;

import io.runnel.metadata.log.MetadataLog;
import io.runnel.metadata.record.MetadataRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.InconsistentClusterIdException;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link MetadataLog} of a controller: a Ratis group over gRPC whose voters are
 * {@code controller.quorum.voters}. The group id is the cluster id's 16 bytes; each node's peer id is its
 * {@code node.id}.
 *
 * <h2>Contract</h2>
 * Proposals are accepted only on the ready leader (see {@link LeadershipListener}); anywhere else {@link #propose}
 * fails at once with {@link org.apache.kafka.common.errors.NotControllerException}. A proposal is submitted to
 * the local Ratis server (no client, no network hop) and completes once the quorum has committed it and this node
 * has applied it: the reply comes from the state machine's apply, which has run the commit listener. It fails
 * with {@code NotControllerException} when this node loses the leadership first, and with Kafka's
 * {@link TimeoutException} after {@link QuorumSettings#proposalTimeoutMs()}; either way the batch may still commit,
 * and the listener will say so.
 *
 * <h2>Storage</h2>
 * Ratis keeps the group in {@code <metadata.log.dir>/}{@value #DIR_NAME}{@code /<group uuid>/} (the directory name
 * is Kafka's, so a broker that skips Kafka's metadata log skips this one): {@code current/} holds the Raft log
 * segments and {@code sm/} the snapshots ({@link SnapshotFile}). The group is formatted on the first start (no
 * group directory yet) and recovered on every later one.
 *
 * <h2>Opening</h2>
 * {@link #open} returns once this node has applied every entry its log knows to be committed, so
 * {@link #lastOffset()} and {@link #replay} cover them; with a single voter it also waits until that voter is the
 * ready leader, so it can take proposals at once.
 *
 * <h2>Threads</h2>
 * Ratis' own (each named after the peer and group: the state machine updater, the log worker, log appenders,
 * elections, the gRPC event loops), plus two of this class: {@code runnel-quorum-<node>-leadership} calls the
 * {@link LeadershipListener}, and {@code runnel-quorum-<node>-timer} times proposals out and ends brokers' long
 * polls ({@link MetadataFollower}).
 */
public final class RatisMetadataLog implements MetadataLog {
    /** The directory under {@code metadata.log.dir} that Ratis stores the quorum's log and snapshots in. */
    public static final String DIR_NAME = "__cluster_metadata-0";

    private static final Logger LOG = LoggerFactory.getLogger(RatisMetadataLog.class);

    private final QuorumSettings settings;
    private final RaftPeerId peerId;
    private final RaftGroupId groupId;
    private final RaftServer server;
    private final MetadataStateMachine stateMachine;
    private final LeadershipTracker leadership;
    private final PendingProposals pending;
    private final ScheduledExecutorService timer;
    private final ClientId clientId = ClientId.randomId();
    private final AtomicLong callIds = new AtomicLong();
    private volatile boolean closed;

    private RatisMetadataLog(
            final QuorumSettings settings,
            final RaftGroupId groupId,
            final RaftServer server,
            final MetadataStateMachine stateMachine,
            final LeadershipTracker leadership,
            final PendingProposals pending,
            final ScheduledExecutorService timer) {
        this.settings = settings;
        this.peerId = settings.self().peerId();
        this.groupId = groupId;
        this.server = server;
        this.stateMachine = stateMachine;
        this.leadership = leadership;
        this.pending = pending;
        this.timer = timer;
    }

    /**
     * Starts this node's member of the quorum: formats the group on the first start, recovers it after.
     *
     * @throws InconsistentClusterIdException if the directory holds another cluster's quorum
     * @throws KafkaStorageException if Ratis cannot start, or the local log is not applied within
     *     {@link QuorumSettings#startupTimeoutMs()}
     */
    public static RatisMetadataLog open(final QuorumSettings settings) {
        return open(settings, null);
    }

    /**
     * {@link #open(QuorumSettings)}, with the Ratis server listening on {@code bind} instead of this voter's address:
     * a controller serves the quorum on its controller listener, which relays the gRPC connections there (so the
     * voters' addresses are Kafka's controller endpoints); port 0 picks a free one, see {@link #serverAddress()}.
     */
    public static RatisMetadataLog open(final QuorumSettings settings, final @Nullable InetSocketAddress bind) {
        final int nodeId = settings.nodeId();
        final RaftGroupId groupId = groupId(settings.clusterId());
        final Path storageDir = settings.metadataLogDir().resolve(DIR_NAME);
        final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            final Thread thread = new Thread(runnable, "runnel-quorum-" + nodeId + "-timer");
            thread.setDaemon(true);
            return thread;
        });
        final PendingProposals pending = new PendingProposals(timer);
        final LeadershipTracker leadership = new LeadershipTracker(
                nodeId, () -> pending.failAll(() -> RatisErrors.notController(nodeId, "it lost the leadership")));
        final MetadataStateMachine stateMachine =
                new MetadataStateMachine(settings.self().peerId(), leadership, timer);
        RaftServer server = null;
        try {
            final RaftStorage.StartupOption option = startupOption(storageDir, groupId, settings.clusterId());
            server = RaftServer.newBuilder()
                    .setServerId(settings.self().peerId())
                    .setGroup(RaftGroup.valueOf(groupId, settings.voters().raftPeers()))
                    .setStateMachine(stateMachine)
                    .setProperties(RatisProperties.of(settings.withMetadataLogDir(storageDir), bind))
                    .setOption(option)
                    .build();
            server.start();
            LOG.info(
                    "Node {} started its member of the metadata quorum {} ({}, voters {})",
                    nodeId,
                    groupId,
                    option,
                    settings.voters());
            final RatisMetadataLog log =
                    new RatisMetadataLog(settings, groupId, server, stateMachine, leadership, pending, timer);
            log.awaitStartup();
            return log;
        } catch (final IOException | RuntimeException e) {
            closeQuietly(server, leadership, timer);
            if (e instanceof RuntimeException r) {
                throw r;
            }
            throw new KafkaStorageException("Cannot start the metadata quorum in " + storageDir, e);
        }
    }

    /** The Ratis group of a cluster: its id's 16 bytes as a UUID. */
    public static RaftGroupId groupId(final String clusterId) {
        final Uuid uuid = Uuid.fromString(clusterId);
        return RaftGroupId.valueOf(new UUID(uuid.getMostSignificantBits(), uuid.getLeastSignificantBits()));
    }

    private static RaftStorage.StartupOption startupOption(
            final Path storageDir, final RaftGroupId groupId, final String clusterId) throws IOException {
        if (Files.isDirectory(storageDir.resolve(groupId.getUuid().toString()))) {
            return RaftStorage.StartupOption.RECOVER;
        }
        if (Files.isDirectory(storageDir)) {
            // Ratis would start every group it finds here; a foreign one means the wrong cluster.
            try (Stream<Path> children = Files.list(storageDir)) {
                final Optional<Path> other = children.filter(Files::isDirectory)
                        .filter(dir -> isUuid(dir.getFileName().toString()))
                        .findFirst();
                if (other.isPresent()) {
                    throw new InconsistentClusterIdException("The Cluster ID " + clusterId
                            + " doesn't match the quorum stored in " + other.get() + ". The node is trying to join"
                            + " the wrong cluster.");
                }
            }
        }
        return RaftStorage.StartupOption.FORMAT;
    }

    private static boolean isUuid(final String name) {
        try {
            UUID.fromString(name);
            return true;
        } catch (final IllegalArgumentException e) {
            return false;
        }
    }

    private void awaitStartup() throws IOException {
        final long committed = division().getRaftLog().getLastCommittedIndex();
        try {
            if (!stateMachine.awaitApplied(committed, settings.startupTimeoutMs())) {
                throw new KafkaStorageException("Node " + settings.nodeId() + " did not apply its metadata log up to "
                        + committed + " within " + settings.startupTimeoutMs() + " ms");
            }
            if (settings.voters().size() == 1 && !leadership.awaitLeader(settings.startupTimeoutMs())) {
                throw new KafkaStorageException("Node " + settings.nodeId() + ", the only voter, did not become"
                        + " the metadata quorum's leader within " + settings.startupTimeoutMs() + " ms");
            }
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaStorageException("Interrupted while starting the metadata quorum", e);
        }
    }

    @Override
    public void replay(final CommitListener listener) {
        ensureOpen();
        try {
            stateMachine.setListener(listener);
        } catch (final IOException e) {
            throw new KafkaStorageException("Cannot read the metadata snapshot of node " + settings.nodeId(), e);
        }
    }

    /** Sets the one listener told when this node becomes the ready leader and when it stops leading. */
    public void setLeadershipListener(final LeadershipListener listener) {
        ensureOpen();
        leadership.setListener(listener);
    }

    @Override
    public CompletableFuture<Long> propose(final List<MetadataRecord> batch) {
        ensureOpen();
        if (batch.isEmpty()) {
            throw new IllegalArgumentException("Cannot append an empty batch");
        }
        final byte[] data = RecordsCodec.encode(batch);
        if (data.length > RatisProperties.MAX_BATCH_BYTES) {
            throw new IllegalArgumentException(
                    "Metadata batch of " + data.length + " bytes exceeds " + RatisProperties.MAX_BATCH_BYTES);
        }
        if (!leadership.isLeader()) {
            return CompletableFuture.failedFuture(RatisErrors.notController(settings.nodeId(), leaderDescription()));
        }
        final RaftClientRequest request = RaftClientRequest.newBuilder()
                .setClientId(clientId)
                .setServerId(peerId)
                .setGroupId(groupId)
                .setCallId(callIds.incrementAndGet())
                .setMessage(Message.valueOf(ByteString.copyFrom(data)))
                .setType(RaftClientRequest.writeRequestType())
                .build();
        final CompletableFuture<RaftClientReply> reply;
        try {
            reply = server.submitClientRequestAsync(request);
        } catch (final IOException e) {
            return CompletableFuture.failedFuture(RatisErrors.toKafka(settings.nodeId(), e));
        }
        return pending.track(
                reply.handle(this::offsetOf),
                settings.proposalTimeoutMs(),
                () -> new TimeoutException(
                        "Metadata batch not committed within " + settings.proposalTimeoutMs() + " ms"));
    }

    private long offsetOf(final RaftClientReply reply, final Throwable failure) {
        if (failure != null) {
            throw RatisErrors.toKafka(settings.nodeId(), failure);
        }
        if (!reply.isSuccess()) {
            throw RatisErrors.toKafka(settings.nodeId(), reply.getException());
        }
        final ApplyReply applied = ApplyReply.from(reply.getMessage());
        if (applied.failure() != null) {
            final RuntimeException thrown = stateMachine.takeFailure(reply.getLogIndex());
            throw thrown != null ? thrown : new IllegalStateException(applied.failure());
        }
        return applied.lastOffset();
    }

    private String leaderDescription() {
        try {
            final RaftPeerId leader = division().getInfo().getLeaderId();
            return leader == null ? "the quorum has no leader" : "the quorum's leader is node " + leader;
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public long lastOffset() {
        return stateMachine.lastOffset();
    }

    /** Where the Ratis server listens (the relay's target when it does not listen on the voter's address). */
    public InetSocketAddress serverAddress() {
        final InetSocketAddress bound = server.getServerRpc().getInetSocketAddress();
        // Ratis reports a wildcard address with the bound port; a loopback-bound server is reached on loopback.
        return bound.getAddress() != null && bound.getAddress().isAnyLocalAddress()
                ? new InetSocketAddress(InetAddress.getLoopbackAddress(), bound.getPort())
                : bound;
    }

    /** Whether this node is the ready leader (see {@link LeadershipListener#onBecameLeader}). */
    public boolean isLeader() {
        return leadership.isLeader();
    }

    /** The quorum as this node sees it, for DescribeQuorum. */
    public QuorumState quorumState() {
        ensureOpen();
        try {
            return QuorumStates.of(division(), settings.voters(), System.currentTimeMillis());
        } catch (final IOException e) {
            throw new KafkaStorageException("Cannot read the metadata quorum's state", e);
        }
    }

    RaftServer.Division division() throws IOException {
        return server.getDivision(groupId);
    }

    /** The Runnel offset of the newest snapshot, or -1; for tests. */
    long snapshotOffset() {
        return stateMachine.snapshotOffset();
    }

    /**
     * Stops this node's member of the quorum: it resigns if it leads, pending proposals fail with
     * {@code NotControllerException}, and Ratis' server, its ports and threads are released.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        closeQuietly(server, leadership, timer);
        pending.failAll(() -> RatisErrors.notController(settings.nodeId(), "its metadata log is closed"));
        LOG.info("Node {} left the metadata quorum {}", settings.nodeId(), groupId);
    }

    private static void closeQuietly(
            final RaftServer server, final LeadershipTracker leadership, final ScheduledExecutorService timer) {
        try {
            if (server != null) {
                server.close();
            }
        } catch (final IOException | RuntimeException e) {
            LOG.warn("Cannot close the metadata quorum's Ratis server cleanly", e);
        } finally {
            leadership.close();
            timer.shutdownNow();
            try {
                timer.awaitTermination(5, TimeUnit.SECONDS);
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("Metadata log of node " + settings.nodeId() + " is closed");
        }
    }

    @Override
    public String toString() {
        return "RatisMetadataLog(node " + settings.nodeId() + ", " + groupId + ")";
    }
}
