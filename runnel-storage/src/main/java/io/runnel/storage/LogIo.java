package io.runnel.storage;

import io.runnel.storage.log.StorageIo;
import java.io.IOException;
import java.nio.file.Path;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.KafkaStorageException;

/**
 * The disk actions of one {@link PartitionLog}, run through the storage module's one chokepoint {@link StorageIo}:
 * the first that fails takes the log offline, and its whole log directory with it ({@link LogDirFailures}, the one
 * place that does), so that a half-done write is never followed by another in any log of a failing disk. A log is
 * offline, too, once another log's error took its directory offline.
 *
 * <p>Thread safety: any thread, with or without the log's locks; the offline flag is volatile and only ever set.
 */
final class LogIo {

    private final TopicPartition topicPartition;
    /** Where this log reports a disk error, and learns that another log's error took its directory offline. */
    private final LogDirFailures dirFailures;

    private final Path logDir;
    /** Made once: the append and read paths pass it on every call. */
    private final StorageIo.FailureListener onFailure = this::markOffline;

    private volatile boolean offline;

    LogIo(final TopicPartition topicPartition, final Path dir, final LogDirFailures dirFailures) {
        this.topicPartition = topicPartition;
        this.dirFailures = dirFailures;
        this.logDir = dir.getParent();
    }

    <T> T call(final String what, final StorageIo.IoCallable<T> action) {
        return StorageIo.call(what, action, onFailure);
    }

    void run(final String what, final StorageIo.IoRunnable action) {
        StorageIo.run(what, action, onFailure);
    }

    /**
     * For the hot paths: "{@code verb} <this log>" (and " at offset N" for an offset of 0 or more) is put into words
     * only if the action fails.
     */
    void run(final String verb, final long offset, final StorageIo.IoRunnable action) {
        StorageIo.run(verb, topicPartition, offset, action, onFailure);
    }

    /** Takes this log offline and its whole log directory with it. */
    void markOffline(final IOException cause) {
        offline = true;
        dirFailures.report(logDir, cause);
    }

    /** A disk error met outside {@link #call} and {@link #run}: marks offline, logs, returns the exception. */
    KafkaStorageException failure(final String what, final IOException cause) {
        return StorageIo.failure(what, cause, this::markOffline);
    }

    /** True after a disk error in this log or in another log of its directory. */
    boolean isOffline() {
        return offline || dirFailures.isOffline(logDir);
    }

    /** @throws KafkaStorageException the log is offline */
    void ensureOnline() {
        if (isOffline()) {
            throw new KafkaStorageException("Log of " + topicPartition + " is offline after a disk error in "
                    + (offline ? "it" : "its log directory " + logDir));
        }
    }
}
