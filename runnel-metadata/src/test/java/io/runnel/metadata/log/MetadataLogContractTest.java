package io.runnel.metadata.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.runnel.metadata.record.ClusterIdRecord;
import io.runnel.metadata.record.MetadataRecord;
import io.runnel.metadata.record.ProducerIdsRecord;
import io.runnel.metadata.record.TopicRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link MetadataLog} meets; each implementation's test extends this and says
 * how to open (and reopen) a log.
 */
public abstract class MetadataLogContractTest {
    /** Opens the log under test; a second call after {@link MetadataLog#close()} reopens the same log. */
    protected abstract MetadataLog open();

    /** A batch as the listener saw it. */
    protected record Committed(List<MetadataRecord> batch, long lastOffset) {}

    /**
     * Sets a listener that collects every record, replayed and later committed; the list keeps
     * growing as batches commit.
     */
    protected static List<MetadataRecord> replayAll(final MetadataLog log) {
        final List<MetadataRecord> records = new ArrayList<>();
        log.replay((batch, lastOffset) -> records.addAll(batch));
        return records;
    }

    protected static long propose(final MetadataLog log, final List<MetadataRecord> batch) {
        return log.propose(batch).orTimeout(10, TimeUnit.SECONDS).join();
    }

    @Test
    void shouldBeEmptyWhenNew() {
        try (MetadataLog log = open()) {
            assertThat(log.lastOffset()).isEqualTo(-1);
            assertThat(replayAll(log)).isEmpty();
        }
    }

    @Test
    void shouldReturnOffsetOfLastRecordWhenProposing() {
        try (MetadataLog log = open()) {
            assertThat(propose(log, List.of(new ClusterIdRecord("c")))).isEqualTo(0);
            assertThat(propose(log, List.of(new ProducerIdsRecord(1, 10), new ProducerIdsRecord(1, 20))))
                    .isEqualTo(2);
            assertThat(log.lastOffset()).isEqualTo(2);
        }
    }

    @Test
    void shouldReplayEverythingInOrderWhenReopened() {
        final List<MetadataRecord> appended = List.of(
                new ClusterIdRecord("c"), new TopicRecord("a", Uuid.randomUuid()), new ProducerIdsRecord(1, 10));
        try (MetadataLog log = open()) {
            propose(log, appended.subList(0, 1));
            propose(log, appended.subList(1, 3));
            assertThat(replayAll(log)).containsExactlyElementsOf(appended);
        }
        try (MetadataLog log = open()) {
            assertThat(replayAll(log)).containsExactlyElementsOf(appended);
            assertThat(log.lastOffset()).isEqualTo(2);
            assertThat(propose(log, List.of(new ProducerIdsRecord(1, 20)))).isEqualTo(3);
        }
    }

    @Test
    void shouldReplayWholeBatchesWithTheirLastOffsets() {
        final List<MetadataRecord> first = List.of(new ClusterIdRecord("c"));
        final List<MetadataRecord> second = List.of(new ProducerIdsRecord(1, 10), new ProducerIdsRecord(1, 20));
        try (MetadataLog log = open()) {
            propose(log, first);
            propose(log, second);
        }
        try (MetadataLog log = open()) {
            final List<Committed> committed = new ArrayList<>();
            log.replay((batch, lastOffset) -> committed.add(new Committed(List.copyOf(batch), lastOffset)));

            assertThat(committed).containsExactly(new Committed(first, 0), new Committed(second, 2));
        }
    }

    @Test
    void shouldHandEachCommittedBatchToTheListenerBeforeItsProposalCompletes() {
        try (MetadataLog log = open()) {
            propose(log, List.of(new ClusterIdRecord("c")));
            final List<Committed> committed = new ArrayList<>();
            log.replay((batch, lastOffset) -> committed.add(new Committed(List.copyOf(batch), lastOffset)));
            final List<MetadataRecord> batch = List.of(new ProducerIdsRecord(1, 10), new ProducerIdsRecord(1, 20));

            final CompletableFuture<Integer> seenOnCompletion =
                    log.propose(batch).thenApply(offset -> committed.size());

            assertThat(seenOnCompletion.orTimeout(10, TimeUnit.SECONDS).join()).isEqualTo(2);
            assertThat(committed)
                    .containsExactly(new Committed(List.of(new ClusterIdRecord("c")), 0), new Committed(batch, 2));
        }
    }

    @Test
    void shouldRefuseASecondListener() {
        try (MetadataLog log = open()) {
            log.replay((batch, lastOffset) -> {});

            assertThatThrownBy(() -> log.replay((batch, lastOffset) -> {})).isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void shouldFailTheProposalButKeepTheBatchWhenTheListenerThrows() {
        try (MetadataLog log = open()) {
            log.replay((batch, lastOffset) -> {
                throw new IllegalStateException("cannot apply");
            });

            assertThatThrownBy(() -> propose(log, List.of(new ClusterIdRecord("c"))))
                    .isInstanceOf(CompletionException.class)
                    .hasRootCauseMessage("cannot apply");
            assertThat(log.lastOffset()).isEqualTo(0);
        }
        try (MetadataLog log = open()) {
            assertThat(replayAll(log)).containsExactly(new ClusterIdRecord("c"));
        }
    }

    @Test
    void shouldRejectEmptyBatchWhenProposing() {
        try (MetadataLog log = open()) {
            assertThatThrownBy(() -> log.propose(List.of())).isInstanceOf(IllegalArgumentException.class);
            assertThat(log.lastOffset()).isEqualTo(-1);
        }
    }
}
