package io.runnel.metadata.controller;

import io.runnel.metadata.image.MetadataImage;
import io.runnel.metadata.loader.MetadataLoader;
import io.runnel.metadata.log.MetadataLog;
import io.runnel.metadata.record.MetadataRecord;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * How the controller writes: checks a command's records by applying them to a copy of the image, proposes them as one
 * batch and waits until the log has committed and applied them. The wait is what keeps one proposal in flight.
 * Controller thread only.
 */
final class Proposals {
    private final MetadataLog log;
    private final MetadataLoader loader;

    Proposals(final MetadataLog log, final MetadataLoader loader) {
        this.log = log;
        this.loader = loader;
    }

    void commit(final List<? extends MetadataRecord> records) {
        if (records.isEmpty()) {
            return;
        }
        MetadataImage expected = loader.image();
        for (final MetadataRecord record : records) {
            expected = expected.apply(record);
        }
        final long lastOffset = awaitCommitted(log.propose(List.copyOf(records)));
        if (lastOffset != expected.lastOffset()) {
            throw new IllegalStateException(
                    "Metadata log assigned offset " + lastOffset + " but the image expected " + expected.lastOffset());
        }
    }

    private static long awaitCommitted(final CompletableFuture<Long> proposal) {
        try {
            return proposal.get();
        } catch (final ExecutionException e) {
            // the log's own exception, as a synchronous append threw it, so callers map it the same way
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw new IllegalStateException("Metadata log proposal failed", e.getCause());
        } catch (final InterruptedException e) {
            // close() gave up waiting; whether the batch commits is now the log's business
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while the metadata log committed a batch", e);
        }
    }
}
