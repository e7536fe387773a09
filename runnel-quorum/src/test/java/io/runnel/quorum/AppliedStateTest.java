package io.runnel.quorum;

import static org.assertj.core.api.Assertions.assertThat;

import io.runnel.metadata.record.MetadataRecord;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.apache.ratis.server.storage.FileInfo;
import org.apache.ratis.statemachine.impl.SingleFileSnapshotInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a controller answers a broker's fetch with, from the batches and snapshots it keeps. */
class AppliedStateTest {
    private static final int ANY_SIZE = Integer.MAX_VALUE;

    @TempDir
    Path dir;

    private final AppliedState state = new AppliedState();

    private static FetchRequest from(final long offset) {
        return new FetchRequest(offset, 0, ANY_SIZE);
    }

    /** Writes the state so far as a snapshot (its records: every batch's, which rebuild it just as well). */
    private void snapshot(final List<MetadataRecord> records) throws IOException {
        final long index = 1000 + state.lastOffset();
        final Path file = dir.resolve("snapshot.1_" + index);
        new SnapshotFile(state.lastOffset(), 1, index, records).writeTo(file);
        state.snapshotTaken(new SingleFileSnapshotInfo(new FileInfo(file, null), 1, index));
    }

    @Test
    void shouldAnswerTheBatchesAfterTheBrokersOffset() throws IOException {
        for (int k = 0; k < 3; k++) {
            state.apply(Batches.batch(k));
        }

        assertThat(state.answer(from(1))).isEqualTo(new FetchResponse(5, null, Batches.expected(1, 3)));
        assertThat(state.answer(from(-1))).isEqualTo(new FetchResponse(5, null, Batches.expected(0, 3)));
        assertThat(state.answer(from(5))).as("caught up: nothing yet").isNull();
        assertThat(state.answer(from(9))).as("ahead of this node: nothing yet").isNull();
    }

    @Test
    void shouldAnswerAtLeastOneBatchButNoMoreThanTheBytesAsked() throws IOException {
        for (int k = 0; k < 3; k++) {
            state.apply(Batches.batch(k));
        }

        assertThat(state.answer(new FetchRequest(-1, 0, 1)).batches()).isEqualTo(Batches.expected(0, 1));
    }

    @Test
    void shouldKeepBatchesBackToThePreviousSnapshotAndAnswerOlderOffsetsWithTheNewest() throws IOException {
        state.apply(Batches.batch(0));
        state.apply(Batches.batch(1));
        snapshot(Batches.batch(0)); // at offset 3
        state.apply(Batches.batch(2));
        snapshot(Batches.batch(1)); // at offset 5: the tail now starts at 3
        state.apply(Batches.batch(3));

        assertThat(state.answer(from(3)))
                .as("within the tail")
                .isEqualTo(new FetchResponse(7, null, Batches.expected(2, 4)));
        final FetchResponse older = state.answer(from(1));
        assertThat(older.snapshot()).isEqualTo(new CommittedBatch(Batches.batch(1), 5));
        assertThat(older.batches()).isEqualTo(Batches.expected(3, 4));
        assertThat(state.answer(from(4)).snapshot()).as("not a batch boundary").isNotNull();
        assertThat(state.batchesAfterSnapshot()).isEqualTo(Batches.expected(3, 4));
    }

    @Test
    void shouldStartOverFromALoadedSnapshot() throws IOException {
        final Path file = dir.resolve("snapshot.2_50");
        new SnapshotFile(41, 2, 50, Batches.batch(7)).writeTo(file);

        state.loaded(new SingleFileSnapshotInfo(new FileInfo(file, null), 2, 50), 41);
        final CommittedBatch next = state.apply(Batches.batch(8));

        assertThat(next.lastOffset()).isEqualTo(43);
        assertThat(state.answer(from(41))).isEqualTo(new FetchResponse(43, null, List.of(next)));
        assertThat(state.answer(from(3)).snapshot()).isEqualTo(new CommittedBatch(Batches.batch(7), 41));
    }

    @Test
    void shouldCarryRequestsAndResponsesAsRatisMessages() {
        final FetchResponse response =
                new FetchResponse(9, new CommittedBatch(Batches.batch(0), 1), Batches.expected(1, 3));

        assertThat(FetchResponse.from(response.toMessage())).isEqualTo(response);
        assertThat(FetchResponse.from(FetchResponse.empty(4).toMessage())).isEqualTo(FetchResponse.empty(4));
        assertThat(FetchRequest.from(new FetchRequest(7, 500, 1024).toMessage()))
                .isEqualTo(new FetchRequest(7, 500, 1024));
    }
}
