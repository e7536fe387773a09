package io.runnel.quorum;

import static org.assertj.core.api.Assertions.assertThat;

import io.runnel.metadata.log.MetadataLog;
import io.runnel.metadata.record.MetadataRecord;
import io.runnel.metadata.record.ProducerIdsRecord;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Batches that fit any image in order: batch {@code k} holds two producer id blocks, records 2k and 2k + 1. */
final class Batches {
    private Batches() {}

    static List<MetadataRecord> batch(final int k) {
        return List.of(new ProducerIdsRecord(1, 10L * k + 1), new ProducerIdsRecord(1, 10L * k + 2));
    }

    static long lastOffsetOf(final int k) {
        return 2L * k + 1;
    }

    /** Proposes batches {@code from} until {@code to} (exclusive) one after the other, checking each offset. */
    static void proposeAll(final MetadataLog log, final int from, final int to) {
        for (int k = from; k < to; k++) {
            assertThat(log.propose(batch(k)).orTimeout(10, TimeUnit.SECONDS).join())
                    .as("offset of batch %d", k)
                    .isEqualTo(lastOffsetOf(k));
        }
    }

    /**
     * Proposes batches {@code from} until {@code to} (exclusive) without waiting in between, as a busy controller
     * could, then checks each one's offset: offsets follow the order of the proposals.
     */
    static void proposePipelined(final MetadataLog log, final int from, final int to) {
        final List<java.util.concurrent.CompletableFuture<Long>> proposals = new java.util.ArrayList<>();
        for (int k = from; k < to; k++) {
            proposals.add(log.propose(batch(k)));
        }
        for (int k = from; k < to; k++) {
            assertThat(proposals.get(k - from).orTimeout(20, TimeUnit.SECONDS).join())
                    .as("offset of batch %d", k)
                    .isEqualTo(lastOffsetOf(k));
        }
    }

    static List<CommittedBatch> expected(final int from, final int to) {
        return java.util.stream.IntStream.range(from, to)
                .mapToObj(k -> new CommittedBatch(batch(k), lastOffsetOf(k)))
                .toList();
    }
}
