package io.runnel.coordinator.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.apache.kafka.common.errors.NotCoordinatorException;
import org.junit.jupiter.api.Test;

class CoordinatorLogTest {
    private final List<String> appended = new ArrayList<>();
    private final CoordinatorStore<String> store = new CoordinatorStore<>() {
        @Override
        public CompletableFuture<Void> append(final String key, final List<String> records) {
            appended.addAll(records);
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public int numPartitions() {
            return 1;
        }

        @Override
        public Replay<String> replay(final int partition) {
            return consumer -> false;
        }
    };
    private final ManualScheduler scheduler = new ManualScheduler(0L);
    private final CoordinatorLog<String> log = new CoordinatorLog<>(store, scheduler);

    @Test
    void shouldCompleteAppendsOnTheOwnerThreadUntilFencedThenRefuseThemWithNotCoordinator() {
        assertThat(log.append("k", List.of("a"))).isCompleted();

        log.fence();
        final CompletableFuture<Void> refused = log.append("k", List.of("b"));

        assertThatThrownBy(refused::join)
                .isInstanceOf(CompletionException.class)
                .hasCauseInstanceOf(NotCoordinatorException.class);
        assertThat(appended).containsExactly("a");
    }
}
