package io.runnel.quorum;

import io.runnel.metadata.log.MetadataLog.CommitListener;
import io.runnel.metadata.record.MetadataRecord;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import org.apache.ratis.io.MD5Hash;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftGroupMemberId;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.raftlog.RaftLog;
import org.apache.ratis.server.storage.FileInfo;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.statemachine.impl.BaseStateMachine;
import org.apache.ratis.statemachine.impl.SimpleStateMachineStorage;
import org.apache.ratis.statemachine.impl.SingleFileSnapshotInfo;
import org.apache.ratis.util.LifeCycle;
import org.apache.ratis.util.MD5FileUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Ratis state machine of the metadata log: one Ratis log entry per Runnel batch ({@link RecordsCodec}'s form),
 * applied in order to the {@link CommitListener}, which owns the state. This class keeps only the log's
 * bookkeeping ({@link AppliedState}): the Runnel offset, a dense record count (Raft indexes are not: configuration,
 * no-op and commit-metadata entries take indexes too), the newest snapshot and the batches since the one before.
 *
 * <h2>Snapshots</h2>
 * {@link #takeSnapshot} asks the listener for its state as records ({@link CommitListener#currentState}) and writes
 * them with the Runnel offset and the Raft term and index ({@link SnapshotFile}) into Ratis' snapshot storage,
 * named {@code snapshot.<term>_<index>} with an {@code .md5}. {@link #initialize} (at start) and
 * {@link #reinitialize} (after Ratis installed the leader's snapshot on a lagging node) load the newest snapshot
 * and hand it to the listener ({@link CommitListener#onSnapshot}); Ratis then applies the entries after it.
 *
 * <h2>Before the listener is set</h2>
 * Ratis applies as soon as the server starts, before {@code replay} sets the listener. Until then the state is the
 * newest snapshot plus the batches after it, and {@link #setListener} hands both over under the lock, so the
 * listener sees every batch once, in order.
 *
 * <h2>Brokers</h2>
 * {@link #query} answers a broker's {@link FetchRequest} from the same bookkeeping, and holds it ({@link LongPolls})
 * until a batch after its offset is applied or its wait passes.
 *
 * <h2>Threading</h2>
 * Ratis calls apply, snapshot and reload on its one state machine updater thread; {@code replay} and queries come
 * from other threads. The listener, the bookkeeping and the listener failures are guarded by {@link #lock}; the
 * listener is called under it, so its calls never overlap and a snapshot never sees half a batch.
 */
final class MetadataStateMachine extends BaseStateMachine {
    private static final Logger LOG = LoggerFactory.getLogger(MetadataStateMachine.class);
    /** Listener failures kept for the proposer to pick up by Raft index; older ones only leave their message. */
    private static final int KEPT_FAILURES = 64;

    private final RaftPeerId self;
    private final LeadershipTracker leadership;
    private final LongPolls polls;
    private final SimpleStateMachineStorage storage = new SimpleStateMachineStorage();
    private final Object lock = new Object();

    // Guarded by lock.
    private @Nullable CommitListener listener;
    private final AppliedState state = new AppliedState();
    private final Map<Long, RuntimeException> failures = new LinkedHashMap<>();
    private boolean warnedNoSnapshot;

    MetadataStateMachine(
            final RaftPeerId self, final LeadershipTracker leadership, final ScheduledExecutorService timer) {
        this.self = self;
        this.leadership = leadership;
        this.polls = new LongPolls(timer);
    }

    // ------------------------------------------------------------------------------------------ lifecycle

    @Override
    public void initialize(final RaftServer server, final RaftGroupId groupId, final RaftStorage raftStorage)
            throws IOException {
        getLifeCycle().startAndTransition(() -> {
            super.initialize(server, groupId, raftStorage);
            storage.init(raftStorage);
            load(storage.getLatestSnapshot());
        });
    }

    @Override
    public void pause() {
        getLifeCycle().transition(LifeCycle.State.PAUSING);
        getLifeCycle().transition(LifeCycle.State.PAUSED);
    }

    /** Ratis installed a snapshot from the leader: the state becomes that snapshot's. */
    @Override
    public void reinitialize() throws IOException {
        load(storage.loadLatestSnapshot());
        if (getLifeCycleState() == LifeCycle.State.PAUSED) {
            getLifeCycle().transition(LifeCycle.State.STARTING);
            getLifeCycle().transition(LifeCycle.State.RUNNING);
        }
    }

    @Override
    public SimpleStateMachineStorage getStateMachineStorage() {
        return storage;
    }

    @Override
    public void close() {
        polls.release(this::emptyAnswer);
        getLifeCycle().checkStateAndClose(() -> {});
    }

    // ------------------------------------------------------------------------------------------ the listener

    /** Hands the listener the newest snapshot and the batches after it, then every later batch as it applies. */
    void setListener(final CommitListener listener) throws IOException {
        synchronized (lock) {
            if (this.listener != null) {
                throw new IllegalStateException("The metadata log already has a commit listener");
            }
            final SnapshotFile snapshot = state.readSnapshot();
            if (snapshot != null) {
                listener.onSnapshot(snapshot.records(), snapshot.lastOffset());
            }
            for (final CommittedBatch batch : state.batchesAfterSnapshot()) {
                listener.onCommit(batch.records(), batch.lastOffset());
            }
            this.listener = listener;
        }
    }

    long lastOffset() {
        synchronized (lock) {
            return state.lastOffset();
        }
    }

    long snapshotOffset() {
        synchronized (lock) {
            return state.snapshotOffset();
        }
    }

    /**
     * Waits until the entry at Raft index {@code index} is applied (or covered by a loaded snapshot).
     *
     * @return false if it still is not after {@code timeoutMs}
     */
    boolean awaitApplied(final long index, final long timeoutMs) throws InterruptedException {
        final long deadline = System.nanoTime() + timeoutMs * 1_000_000;
        synchronized (lock) {
            while (getLastAppliedTermIndex().getIndex() < index) {
                final long leftMs = (deadline - System.nanoTime()) / 1_000_000;
                if (leftMs <= 0) {
                    return false;
                }
                lock.wait(leftMs);
            }
            return true;
        }
    }

    /** What the listener threw when applying the entry at {@code index}, if this node still remembers it. */
    @Nullable
    RuntimeException takeFailure(final long index) {
        synchronized (lock) {
            return failures.remove(index);
        }
    }

    // ------------------------------------------------------------------------------------------ applying

    @Override
    public CompletableFuture<Message> applyTransaction(final TransactionContext trx) {
        final LogEntryProto entry = trx.getLogEntry();
        final List<MetadataRecord> records;
        try {
            records = RecordsCodec.decode(
                    entry.getStateMachineLogEntry().getLogData().asReadOnlyByteBuffer());
        } catch (final RuntimeException e) {
            // Every node fails on the same entry, so their offsets stay the same; the proposer sees the error.
            LOG.error("Cannot decode the metadata batch at Raft index {}; it is skipped", entry.getIndex(), e);
            synchronized (lock) {
                updateLastAppliedTermIndex(entry.getTerm(), entry.getIndex());
                lock.notifyAll();
            }
            return CompletableFuture.failedFuture(e);
        }
        final ApplyReply reply;
        synchronized (lock) {
            final CommittedBatch batch = state.apply(records);
            RuntimeException failure = null;
            if (listener != null) {
                try {
                    listener.onCommit(batch.records(), batch.lastOffset());
                } catch (final RuntimeException e) {
                    LOG.error(
                            "Commit listener failed on the metadata batch ending at offset {}", batch.lastOffset(), e);
                    failure = e;
                    rememberFailure(entry.getIndex(), e);
                }
            }
            updateLastAppliedTermIndex(entry.getTerm(), entry.getIndex());
            lock.notifyAll();
            reply = new ApplyReply(batch.lastOffset(), failure == null ? null : String.valueOf(failure.getMessage()));
        }
        leadership.onApplied(entry.getIndex());
        polls.wake(this::answer);
        return CompletableFuture.completedFuture(reply.toMessage());
    }

    /** Configuration, no-op and commit-metadata entries: Raft indexes that carry no Runnel records. */
    @Override
    public void notifyTermIndexUpdated(final long term, final long index) {
        synchronized (lock) {
            updateLastAppliedTermIndex(term, index);
            lock.notifyAll();
        }
        leadership.onApplied(index);
    }

    private void rememberFailure(final long index, final RuntimeException failure) {
        failures.put(index, failure);
        if (failures.size() > KEPT_FAILURES) {
            failures.remove(failures.keySet().iterator().next());
        }
    }

    // ------------------------------------------------------------------------------------------ snapshots

    @Override
    public long takeSnapshot() throws IOException {
        synchronized (lock) {
            final TermIndex last = getLastAppliedTermIndex();
            final SingleFileSnapshotInfo newest = state.snapshot();
            if (newest != null && newest.getIndex() >= last.getIndex()) {
                return newest.getIndex();
            }
            final List<MetadataRecord> records = currentState();
            if (records == null) {
                return RaftLog.INVALID_LOG_INDEX;
            }
            final File file = storage.getSnapshotFile(last.getTerm(), last.getIndex());
            new SnapshotFile(state.lastOffset(), last.getTerm(), last.getIndex(), records).writeTo(file.toPath());
            final MD5Hash md5 = MD5FileUtil.computeAndSaveMd5ForFile(file);
            final SingleFileSnapshotInfo info = new SingleFileSnapshotInfo(new FileInfo(file.toPath(), md5), last);
            storage.updateLatestSnapshot(info);
            state.snapshotTaken(info);
            LOG.info(
                    "Node {} took a metadata snapshot at offset {} (Raft {}), {} records",
                    self,
                    state.lastOffset(),
                    last,
                    records.size());
            return last.getIndex();
        }
    }

    /** The state to snapshot, or null if the listener cannot give it. Under the lock. */
    private @Nullable List<MetadataRecord> currentState() throws IOException {
        if (listener == null) {
            // Nobody applies yet: the state is the newest snapshot and the batches since, as they are.
            final List<MetadataRecord> records = new ArrayList<>();
            final SnapshotFile snapshot = state.readSnapshot();
            if (snapshot != null) {
                records.addAll(snapshot.records());
            }
            for (final CommittedBatch batch : state.batchesAfterSnapshot()) {
                records.addAll(batch.records());
            }
            return records;
        }
        try {
            return listener.currentState();
        } catch (final UnsupportedOperationException e) {
            if (!warnedNoSnapshot) {
                warnedNoSnapshot = true;
                LOG.warn("Node {} takes no metadata snapshots: {}", self, e.getMessage());
            }
            return null;
        }
    }

    /** Makes {@code info} (null: none, a new log) the state, and the listener's if there is one. */
    private void load(final @Nullable SingleFileSnapshotInfo info) throws IOException {
        if (info == null) {
            return;
        }
        final SnapshotFile file = SnapshotFile.readFrom(info.getFile().getPath());
        if (file.term() != info.getTerm() || file.index() != info.getIndex()) {
            throw new IOException("Snapshot " + info.getFile().getPath() + " holds Raft " + file.term() + ":"
                    + file.index() + ", not what its name says");
        }
        synchronized (lock) {
            state.loaded(info, file.lastOffset());
            setLastAppliedTermIndex(info.getTermIndex());
            lock.notifyAll();
            if (listener != null) {
                try {
                    listener.onSnapshot(file.records(), file.lastOffset());
                } catch (final RuntimeException e) {
                    LOG.error(
                            "Commit listener failed to load the metadata snapshot at offset {}", file.lastOffset(), e);
                }
            }
            LOG.info(
                    "Node {} loaded the metadata snapshot at offset {} (Raft {})",
                    self,
                    file.lastOffset(),
                    info.getTermIndex());
        }
        leadership.onApplied(info.getIndex());
        polls.wake(this::answer);
    }

    // ------------------------------------------------------------------------------------------ brokers' fetches

    /** A broker's {@link FetchRequest}: answered now if a batch after its offset is applied, else held. */
    @Override
    public CompletableFuture<Message> query(final Message request) {
        final FetchRequest fetch;
        try {
            fetch = FetchRequest.from(request);
        } catch (final RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        final CompletableFuture<FetchResponse> reply;
        synchronized (lock) {
            final FetchResponse now = answer(fetch);
            if (now != null || fetch.maxWaitMs() == 0) {
                return CompletableFuture.completedFuture(
                        (now != null ? now : FetchResponse.empty(state.lastOffset())).toMessage());
            }
            reply = polls.await(fetch, this::emptyAnswer);
        }
        return reply.thenApply(FetchResponse::toMessage);
    }

    private @Nullable FetchResponse answer(final FetchRequest request) {
        synchronized (lock) {
            try {
                return state.answer(request);
            } catch (final IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private FetchResponse emptyAnswer() {
        synchronized (lock) {
            return FetchResponse.empty(state.lastOffset());
        }
    }

    // ------------------------------------------------------------------------------------------ leadership

    @Override
    public void notifyLeaderReady() {
        try {
            final RaftServer.Division division = getServer().join().getDivision(getGroupId());
            leadership.onLeaderReady(
                    division.getInfo().getCurrentTerm(),
                    division.getRaftLog().getLastCommittedIndex(),
                    getLastAppliedTermIndex().getIndex());
        } catch (final IOException e) {
            LOG.error("Node {} cannot read its Raft division to become the ready leader", self, e);
        }
    }

    @Override
    public void notifyNotLeader(final Collection<TransactionContext> pendingEntries) {
        leadership.onNotLeader();
    }

    @Override
    public void notifyLeaderChanged(final RaftGroupMemberId groupMemberId, final RaftPeerId newLeaderId) {
        if (!self.equals(newLeaderId)) {
            leadership.onNotLeader();
        }
    }
}
