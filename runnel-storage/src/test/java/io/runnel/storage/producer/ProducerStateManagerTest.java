package io.runnel.storage.producer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.runnel.storage.record.RecordBatchFlyweight;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProducerStateManagerTest {

    @TempDir
    Path dir;

    @Test
    void shouldAcceptSequenceZeroAfterIntegerMaxValueWhenInTheSameEpoch() {
        assertThatCode(() -> ProducerStateManager.checkSequence(1, true, (short) 0, Integer.MAX_VALUE, (short) 0, 0))
                .doesNotThrowAnyException();
        assertThatThrownBy(
                        () -> ProducerStateManager.checkSequence(1, true, (short) 0, Integer.MAX_VALUE, (short) 0, 1))
                .isInstanceOf(OutOfOrderSequenceException.class);
        assertThat(RecordBatchFlyweight.incrementSequence(Integer.MAX_VALUE - 1, 3))
                .isEqualTo(1);
    }

    @Test
    void shouldKeepOnlyTheLastFiveBatchesPerProducer() {
        final ProducerStateManager state = new ProducerStateManager(dir);
        for (int i = 0; i < 7; i++) {
            state.update(5, (short) 0, i, i, 100 + i, 100 + i, 1000 + i);
        }
        final ProducerEntry entry = state.get(5);
        assertThat(entry.batchCount()).isEqualTo(5);
        assertThat(entry.findDuplicate((short) 0, 1, 1)).isEqualTo(-1);
        assertThat(entry.findDuplicate((short) 0, 2, 2)).isEqualTo(0);
        assertThat(entry.firstOffsetAt(entry.findDuplicate((short) 0, 6, 6))).isEqualTo(106);
        assertThat(entry.findDuplicate((short) 1, 6, 6)).isEqualTo(-1);
        assertThat(entry.lastSeq()).isEqualTo(6);
    }

    @Test
    void shouldRoundTripASnapshotAndIgnoreACorruptOne() throws IOException {
        final ProducerStateManager state = new ProducerStateManager(dir);
        state.update(5, (short) 2, 0, 9, 0, 9, 1000);
        state.update(6, (short) 0, 0, 0, 10, 10, 1001);
        state.writeSnapshot(11);
        state.update(6, (short) 0, 1, 1, 11, 11, 1002);
        state.writeSnapshot(12);
        Files.write(ProducerStateManager.snapshotFile(dir, 12), new byte[] {0, 1, 2});

        final ProducerStateManager loaded = new ProducerStateManager(dir);
        assertThat(loaded.loadLatestSnapshot(100)).isEqualTo(11);
        assertThat(loaded.get(5).epoch()).isEqualTo((short) 2);
        assertThat(loaded.get(5).lastSeq()).isEqualTo(9);
        assertThat(loaded.get(6).lastOffsetAt(0)).isEqualTo(10);
        assertThat(Files.exists(ProducerStateManager.snapshotFile(dir, 12))).isFalse();
        assertThat(loaded.loadLatestSnapshot(10)).isEqualTo(-1);
        assertThat(loaded.entries()).isEmpty();
    }
}
