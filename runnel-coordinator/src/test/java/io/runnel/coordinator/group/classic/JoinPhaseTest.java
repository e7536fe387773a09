package io.runnel.coordinator.group.classic;

import static io.runnel.coordinator.group.classic.ClassicFixture.INITIAL_DELAY_MS;
import static io.runnel.coordinator.group.classic.ClassicFixture.REBALANCE_MS;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 5, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class JoinPhaseTest {
    private final ClassicFixture fixture = new ClassicFixture();

    @Test
    void shouldCompleteNewGroupsJoinAfterTheInitialDelay() {
        final CompletableFuture<JoinGroupResponseData> first = fixture.join("", (short) 3);
        assertThat(fixture.group().state()).isEqualTo(ClassicGroupState.PREPARING_REBALANCE);

        fixture.scheduler.advance(INITIAL_DELAY_MS - 1);
        assertThat(first).isNotDone();
        fixture.scheduler.advance(1);

        assertThat(first.join().generationId()).isEqualTo(1);
        assertThat(first.join().leader()).isEqualTo(first.join().memberId());
        assertThat(fixture.group().state()).isEqualTo(ClassicGroupState.COMPLETING_REBALANCE);
    }

    @Test
    void shouldExtendTheInitialDelayWhenAMemberJoinsDuringIt() {
        final CompletableFuture<JoinGroupResponseData> first = fixture.join("", (short) 3);
        fixture.scheduler.advance(INITIAL_DELAY_MS - 1);
        final CompletableFuture<JoinGroupResponseData> second = fixture.join("", (short) 3);

        fixture.scheduler.advance(INITIAL_DELAY_MS);
        assertThat(first).isNotDone();
        fixture.scheduler.advance(INITIAL_DELAY_MS);

        assertThat(first.join().generationId()).isEqualTo(1);
        assertThat(second.join().generationId()).isEqualTo(1);
        assertThat(fixture.group().size()).isEqualTo(2);
    }

    @Test
    void shouldRemoveMemberThatDoesNotSyncWithinTheRebalanceTimeoutAndRebalance() {
        final CompletableFuture<JoinGroupResponseData> joined = fixture.join("", (short) 3);
        fixture.scheduler.advance(INITIAL_DELAY_MS);
        final String member = joined.join().memberId();

        fixture.scheduler.advance(REBALANCE_MS);

        assertThat(fixture.group().hasMember(member)).isFalse();
        assertThat(fixture.group().state()).isEqualTo(ClassicGroupState.EMPTY);
        assertThat(fixture.sync(member, 1).join().errorCode()).isEqualTo(Errors.UNKNOWN_MEMBER_ID.code());
    }
}
