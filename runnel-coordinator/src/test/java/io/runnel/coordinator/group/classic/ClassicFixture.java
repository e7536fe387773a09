package io.runnel.coordinator.group.classic;

import io.runnel.coordinator.group.GroupConfig;
import io.runnel.coordinator.group.GroupDirectory;
import io.runnel.coordinator.group.GroupLog;
import io.runnel.coordinator.group.store.GroupRecord;
import io.runnel.coordinator.group.store.GroupStore;
import io.runnel.coordinator.runtime.ManualScheduler;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.message.SyncGroupResponseData;

/**
 * One {@link Rebalancer} over an in-memory store, driven by a {@link ManualScheduler}: the test's thread is the
 * owner thread, and time moves only when the test advances it, so each timer of a phase can be fired on purpose.
 */
final class ClassicFixture {
    static final String GROUP = "g1";
    static final int SESSION_MS = 10_000;
    static final int REBALANCE_MS = 30_000;
    static final int INITIAL_DELAY_MS = 3_000;

    final ManualScheduler scheduler = new ManualScheduler(1_000_000L);
    final ClassicGroups groups;
    final Rebalancer rebalancer;

    ClassicFixture() {
        final GroupStore store = new GroupStore() {
            @Override
            public CompletableFuture<Void> append(final String groupId, final List<GroupRecord> records) {
                return CompletableFuture.completedFuture(null);
            }

            @Override
            public int numPartitions() {
                return 1;
            }

            @Override
            public Replay<GroupRecord> replay(final int partition) {
                return consumer -> false;
            }
        };
        this.groups = new ClassicGroups(
                new GroupDirectory(),
                new GroupLog(store, scheduler),
                scheduler,
                GroupConfig.from(Map.of(GroupConfig.INITIAL_REBALANCE_DELAY_MS, String.valueOf(INITIAL_DELAY_MS))),
                new Random(42));
        this.rebalancer = new Rebalancer(groups);
    }

    ClassicGroup group() {
        return groups.get(GROUP);
    }

    /** A JoinGroup at {@code version}; from v4 a new dynamic member is first handed its id. */
    CompletableFuture<JoinGroupResponseData> join(final String memberId, final short version) {
        final JoinGroupRequestData.JoinGroupRequestProtocolCollection protocols =
                new JoinGroupRequestData.JoinGroupRequestProtocolCollection();
        protocols.add(new JoinGroupRequestData.JoinGroupRequestProtocol()
                .setName("range")
                .setMetadata(new byte[0]));
        final JoinGroupRequestData request = new JoinGroupRequestData()
                .setGroupId(GROUP)
                .setMemberId(memberId)
                .setSessionTimeoutMs(SESSION_MS)
                .setRebalanceTimeoutMs(REBALANCE_MS)
                .setProtocolType("consumer")
                .setProtocols(protocols);
        final CompletableFuture<JoinGroupResponseData> response = new CompletableFuture<>();
        scheduler.execute(() -> rebalancer.join("client", "/127.0.0.1", request, version, response));
        return response;
    }

    CompletableFuture<SyncGroupResponseData> sync(final String memberId, final int generation) {
        final SyncGroupRequestData request = new SyncGroupRequestData()
                .setGroupId(GROUP)
                .setMemberId(memberId)
                .setGenerationId(generation);
        final CompletableFuture<SyncGroupResponseData> response = new CompletableFuture<>();
        scheduler.execute(() -> rebalancer.sync(request, (short) 5, response));
        return response;
    }

    /** One member joined (v3: no member id round trip) and synced: the group is Stable at generation 1. */
    String stableGroupOfOne() {
        final CompletableFuture<JoinGroupResponseData> joined = join("", (short) 3);
        scheduler.advance(INITIAL_DELAY_MS);
        final JoinGroupResponseData response = joined.join();
        sync(response.memberId(), response.generationId()).join();
        return response.memberId();
    }
}
