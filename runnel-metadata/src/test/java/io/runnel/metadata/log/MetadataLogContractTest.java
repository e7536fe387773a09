package io.runnel.metadata.log;

import io.runnel.metadata.record.ClusterIdRecord;
import io.runnel.metadata.record.MetadataRecord;
import io.runnel.metadata.record.ProducerIdsRecord;
import io.runnel.metadata.record.TopicRecord;

import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The contract every {@link MetadataLog} meets; each implementation's test extends this and says
 * how to open (and reopen) a log.
 */
abstract class MetadataLogContractTest {
    /** Opens the log under test; a second call after {@link MetadataLog#close()} reopens the same log. */
    protected abstract MetadataLog open();

    protected static List<MetadataRecord> replayAll(final MetadataLog log) {
        final List<MetadataRecord> records = new ArrayList<>();
        log.replay(records::add);
        return records;
    }

    @Test
    void shouldBeEmptyWhenNew() {
        try (MetadataLog log = open()) {
            assertThat(log.lastOffset()).isEqualTo(-1);
            assertThat(replayAll(log)).isEmpty();
        }
    }

    @Test
    void shouldReturnOffsetOfLastRecordWhenAppending() {
        try (MetadataLog log = open()) {
            assertThat(log.append(List.of(new ClusterIdRecord("c")))).isEqualTo(0);
            assertThat(log.append(List.of(new ProducerIdsRecord(1, 10), new ProducerIdsRecord(1, 20)))).isEqualTo(2);
            assertThat(log.lastOffset()).isEqualTo(2);
        }
    }

    @Test
    void shouldReplayEverythingInOrderWhenReopened() {
        final List<MetadataRecord> appended = List.of(
            new ClusterIdRecord("c"), new TopicRecord("a", Uuid.randomUuid()), new ProducerIdsRecord(1, 10));
        try (MetadataLog log = open()) {
            log.append(appended.subList(0, 1));
            log.append(appended.subList(1, 3));
            assertThat(replayAll(log)).containsExactlyElementsOf(appended);
        }
        try (MetadataLog log = open()) {
            assertThat(replayAll(log)).containsExactlyElementsOf(appended);
            assertThat(log.lastOffset()).isEqualTo(2);
            assertThat(log.append(List.of(new ProducerIdsRecord(1, 20)))).isEqualTo(3);
        }
    }

    @Test
    void shouldRejectEmptyBatchWhenAppending() {
        try (MetadataLog log = open()) {
            assertThatThrownBy(() -> log.append(List.of())).isInstanceOf(IllegalArgumentException.class);
            assertThat(log.lastOffset()).isEqualTo(-1);
        }
    }
}
