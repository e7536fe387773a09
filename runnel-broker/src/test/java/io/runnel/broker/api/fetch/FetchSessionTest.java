package io.runnel.broker.api.fetch;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Random;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.Test;

class FetchSessionTest {
    private static FetchTarget target(final int partition, final long offset) {
        return new FetchTarget(new FetchKey(Uuid.ZERO_UUID, "t", partition), offset, 1024, -1);
    }

    @Test
    void shouldAcceptOnlyTheNextEpochAndApplyChangesAndForgottenPartitions() {
        final FetchSession session = new FetchSession(1, List.of(target(0, 0), target(1, 0)));
        assertThat(session.update(2, List.of(), List.of())).isFalse();
        assertThat(session.update(
                        1, List.of(target(1, 50), target(2, 0)), List.of(new FetchKey(Uuid.ZERO_UUID, "t", 0))))
                .isTrue();
        assertThat(session.targets())
                .extracting(t -> t.key.partition(), t -> t.fetchOffset)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(1, 50L), org.assertj.core.groups.Tuple.tuple(2, 0L));
        assertThat(session.update(1, List.of(), List.of()))
                .as("an epoch is used once")
                .isFalse();
        assertThat(session.update(2, List.of(), List.of())).isTrue();
    }

    @Test
    void shouldMovePartitionsThatReturnedDataToTheBack() {
        final FetchSession session = new FetchSession(1, List.of(target(0, 0), target(1, 0), target(2, 0)));
        session.rotate(List.of(new FetchKey(Uuid.ZERO_UUID, "t", 0)));
        assertThat(session.targets()).extracting(t -> t.key.partition()).containsExactly(1, 2, 0);
    }

    @Test
    void shouldEvictTheLeastRecentlyUsedSessionWhenFull() {
        final FetchSessionCache cache = new FetchSessionCache(2, new Random(1));
        final FetchSession a = cache.create(List.of());
        final FetchSession b = cache.create(List.of());
        cache.get(a.id);
        final FetchSession c = cache.create(List.of());
        assertThat(cache.get(b.id)).isNull();
        assertThat(cache.get(a.id)).isSameAs(a);
        assertThat(cache.get(c.id)).isSameAs(c);
        assertThat(cache.size()).isEqualTo(2);
    }

    @Test
    void shouldCreateNoSessionWhenSessionsAreDisabled() {
        assertThat(new FetchSessionCache(0, new Random(1)).create(List.of())).isNull();
    }
}
