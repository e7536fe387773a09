package io.runnel.quorum;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.util.SizeInBytes;
import org.apache.ratis.util.TimeDuration;

/**
 * Every Ratis property the quorum sets, in one place; anything not here is Ratis' default. The defaults that are
 * traps (see CLUSTER.md §4) are set explicitly:
 * <ul>
 *   <li>snapshots: Ratis takes none by default and keeps every one it takes. Here a snapshot is taken every
 *       {@link QuorumSettings#snapshotThresholdEntries()} entries, two are kept, and the log is purged up to the
 *       newest snapshot even when a follower still needs older entries: that follower is sent the snapshot
 *       ({@code install.snapshot.enabled}, Ratis' default) instead of the leader keeping the log without bound;</li>
 *   <li>timeouts: the election timeout is Kafka's {@code controller.quorum.election.timeout.ms} (1000/2000 ms),
 *       not Ratis' 150/300 ms. The first election after a start waits only a fifth of that, so a restarted node,
 *       and a one-voter quorum, become leader quickly; pre-vote (Ratis' default) keeps a restarted node from
 *       unseating a live leader;</li>
 *   <li>footprint: metadata is small, so the log cache, segments, write buffer and pending-write limit are sized
 *       down, and the server's thread pools are bounded (proxy 2, server 4, client 4, gRPC async requests 4).</li>
 * </ul>
 *
 * <p>The gRPC event loops are left to gRPC's shared defaults (one boss, and workers twice the cores, shared by every
 * Ratis server and client in the JVM). Ratis 3.3.0 can size its own ({@code raft.grpc.server.boss-group.size} and
 * the worker sizes), but it then shuts them down with Netty's two-second quiet period, which every close of a node
 * would wait for.
 */
public final class RatisProperties {
    /**
     * The log's write buffer, which also bounds one log entry: Ratis requires the log appender's buffer to be at
     * least 8 bytes smaller, and refuses (with an assertion, on the appender's thread) an entry larger than that.
     */
    static final int WRITE_BUFFER_BYTES = 1024 * 1024;

    /**
     * The largest batch a proposal may carry: the entry around it (Ratis' framing, well under 4 KiB) must fit the
     * appender's buffer. About 15000 partition records; Kafka's controller caps an atomic operation at 10000
     * records ({@code MAX_RECORDS_PER_USER_OP}).
     */
    public static final int MAX_BATCH_BYTES = WRITE_BUFFER_BYTES - 4096;

    private RatisProperties() {}

    public static RaftProperties of(final QuorumSettings settings) {
        return of(settings, null);
    }

    /** @param bind where the server listens, when not on this voter's own address */
    public static RaftProperties of(final QuorumSettings settings, final @Nullable InetSocketAddress bind) {
        final RaftProperties properties = new RaftProperties();
        RaftServerConfigKeys.setStorageDir(
                properties, List.of(settings.metadataLogDir().toFile()));

        final QuorumPeers.Voter self = settings.self();
        GrpcConfigKeys.Server.setHost(properties, bind != null ? bind.getHostString() : self.host());
        GrpcConfigKeys.Server.setPort(properties, bind != null ? bind.getPort() : self.port());

        RaftServerConfigKeys.Rpc.setTimeoutMin(properties, ms(settings.electionTimeoutMinMs()));
        RaftServerConfigKeys.Rpc.setTimeoutMax(properties, ms(settings.electionTimeoutMaxMs()));
        RaftServerConfigKeys.Rpc.setFirstElectionTimeoutMin(properties, ms(settings.electionTimeoutMinMs() / 5));
        RaftServerConfigKeys.Rpc.setFirstElectionTimeoutMax(properties, ms(settings.electionTimeoutMaxMs() / 5));

        RaftServerConfigKeys.Snapshot.setAutoTriggerEnabled(properties, true);
        RaftServerConfigKeys.Snapshot.setAutoTriggerThreshold(properties, settings.snapshotThresholdEntries());
        RaftServerConfigKeys.Snapshot.setRetentionFileNum(properties, 2);
        // Ratis also snapshots at every stop by default; the threshold alone bounds the log, as in Kafka, and a
        // restarted node replays its batches rather than a snapshot of them.
        RaftServerConfigKeys.Snapshot.setTriggerWhenStopEnabled(properties, false);
        RaftServerConfigKeys.Log.setPurgeUptoSnapshotIndex(properties, true);
        RaftServerConfigKeys.Log.setPurgeGap(properties, settings.purgeGapEntries());
        RaftServerConfigKeys.Log.Appender.setInstallSnapshotEnabled(properties, true);

        final SizeInBytes segmentSize = SizeInBytes.valueOf(settings.segmentSizeBytes());
        RaftServerConfigKeys.Log.setSegmentSizeMax(properties, segmentSize);
        RaftServerConfigKeys.Log.setPreallocatedSize(
                properties, SizeInBytes.valueOf(Math.min(settings.segmentSizeBytes(), 1024 * 1024)));
        RaftServerConfigKeys.Log.setSegmentCacheNumMax(properties, 2);
        RaftServerConfigKeys.Log.setSegmentCacheSizeMax(properties, SizeInBytes.valueOf("32MB"));
        RaftServerConfigKeys.Log.setWriteBufferSize(properties, SizeInBytes.valueOf(WRITE_BUFFER_BYTES));
        RaftServerConfigKeys.Log.Appender.setBufferByteLimit(properties, SizeInBytes.valueOf(WRITE_BUFFER_BYTES - 8));
        RaftServerConfigKeys.Write.setByteLimit(properties, SizeInBytes.valueOf("8MB"));

        RaftServerConfigKeys.ThreadPool.setProxyCached(properties, true);
        RaftServerConfigKeys.ThreadPool.setProxySize(properties, 2);
        RaftServerConfigKeys.ThreadPool.setServerCached(properties, true);
        RaftServerConfigKeys.ThreadPool.setServerSize(properties, 4);
        RaftServerConfigKeys.ThreadPool.setClientCached(properties, true);
        RaftServerConfigKeys.ThreadPool.setClientSize(properties, 4);
        GrpcConfigKeys.Server.setAsyncRequestThreadPoolSize(properties, 4);
        return properties;
    }

    private static TimeDuration ms(final long ms) {
        return TimeDuration.valueOf(ms, TimeUnit.MILLISECONDS);
    }
}
