package io.runnel.coordinator.group.classic;

import static io.runnel.coordinator.group.classic.ClassicFixture.SESSION_MS;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.HeartbeatRequestData;
import org.apache.kafka.common.message.HeartbeatResponseData;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 5, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class LivenessTest {
    private final ClassicFixture fixture = new ClassicFixture();

    private Errors heartbeat(final String memberId, final int generation) {
        final CompletableFuture<HeartbeatResponseData> response = new CompletableFuture<>();
        fixture.scheduler.execute(() -> fixture.rebalancer.heartbeat(
                new HeartbeatRequestData()
                        .setGroupId(ClassicFixture.GROUP)
                        .setMemberId(memberId)
                        .setGenerationId(generation),
                (short) 4,
                response));
        return Errors.forCode(response.join().errorCode());
    }

    @Test
    void shouldRemoveMemberAndRebalanceWhenItsSessionLapses() {
        final String member = fixture.stableGroupOfOne();
        assertThat(fixture.group().state()).isEqualTo(ClassicGroupState.STABLE);

        fixture.scheduler.advance(SESSION_MS);

        assertThat(fixture.group().hasMember(member)).isFalse();
        // The rebalance it started completes at once without members: the group is Empty at the next generation.
        assertThat(fixture.group().state()).isEqualTo(ClassicGroupState.EMPTY);
        assertThat(fixture.group().generationId()).isEqualTo(2);
    }

    @Test
    void shouldKeepMemberWhenItHeartbeatsWithinItsSession() {
        final String member = fixture.stableGroupOfOne();

        for (int i = 0; i < 3; i++) {
            fixture.scheduler.advance(SESSION_MS - 1);
            assertThat(heartbeat(member, 1)).isEqualTo(Errors.NONE);
        }

        assertThat(fixture.group().hasMember(member)).isTrue();
        assertThat(fixture.group().state()).isEqualTo(ClassicGroupState.STABLE);
    }

    @Test
    void shouldKeepMemberWhenItCommitsOffsetsInsteadOfHeartbeating() {
        final String member = fixture.stableGroupOfOne();

        fixture.scheduler.advance(SESSION_MS - 1);
        fixture.scheduler.execute(() -> fixture.rebalancer.onMemberCommit(fixture.group(), member));
        fixture.scheduler.advance(SESSION_MS - 1);

        assertThat(fixture.group().hasMember(member)).isTrue();
    }

    @Test
    void shouldForgetPendingMemberWhenItDoesNotRejoinWithinItsSession() {
        final JoinGroupResponseData first = fixture.join("", (short) 4).join();
        assertThat(first.errorCode()).isEqualTo(Errors.MEMBER_ID_REQUIRED.code());
        assertThat(fixture.group().waits().isPendingMember(first.memberId())).isTrue();
        assertThat(fixture.group().isEmpty()).isFalse();

        fixture.scheduler.advance(SESSION_MS);

        assertThat(fixture.group().waits().isPendingMember(first.memberId())).isFalse();
        assertThat(fixture.group().isEmpty()).isTrue();
        assertThat(fixture.join(first.memberId(), (short) 4).join().errorCode())
                .isEqualTo(Errors.UNKNOWN_MEMBER_ID.code());
    }

    @Test
    void shouldKeepMemberParkedInJoinGroupAndRemoveSilentOneWhenTheirSessionsLapse() {
        final CompletableFuture<JoinGroupResponseData> a = fixture.join("", (short) 3);
        final CompletableFuture<JoinGroupResponseData> b = fixture.join("", (short) 3);
        // The second member extends the initial delay once.
        fixture.scheduler.advance(2 * ClassicFixture.INITIAL_DELAY_MS);
        final String parked = a.join().leader();
        final String silent = parked.equals(a.join().memberId())
                ? b.join().memberId()
                : a.join().memberId();
        final CompletableFuture<SyncGroupResponseData> silentSync = fixture.sync(silent, 1);
        assertThat(fixture.sync(parked, 1)).isCompleted();
        assertThat(silentSync).isCompleted();
        assertThat(fixture.group().state()).isEqualTo(ClassicGroupState.STABLE);
        // The rejoin parks until the silent member rejoins too; a parked member cannot heartbeat, and is kept.
        final CompletableFuture<JoinGroupResponseData> rejoin = fixture.join(parked, (short) 3);
        assertThat(fixture.group().state()).isEqualTo(ClassicGroupState.PREPARING_REBALANCE);

        fixture.scheduler.advance(SESSION_MS);

        assertThat(fixture.group().hasMember(silent)).isFalse();
        assertThat(fixture.group().hasMember(parked)).isTrue();
        assertThat(rejoin).isCompleted();
        assertThat(rejoin.join().errorCode()).isZero();
        assertThat(rejoin.join().generationId()).isEqualTo(2);
        assertThat(rejoin.join().leader()).isEqualTo(parked);
    }
}
