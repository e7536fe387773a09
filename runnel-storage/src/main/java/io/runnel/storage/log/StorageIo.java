package io.runnel.storage.log;

import java.io.IOException;
import java.io.UncheckedIOException;

import org.apache.kafka.common.errors.KafkaStorageException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one chokepoint for disk failures: every disk action of the storage module runs through
 * {@link #call} or {@link #run}, which turn an {@link IOException} into a {@link KafkaStorageException}
 * (error code KAFKA_STORAGE_ERROR) after logging it once with what was being done.
 * Callers that own mutable state (a {@code PartitionLog}) additionally report the failure to
 * {@code LogDirFailures}, which takes their whole log directory offline, so that a half-done write is never
 * followed by another on a failing disk.
 */
public final class StorageIo {

    private static final Logger LOG = LoggerFactory.getLogger(StorageIo.class);

    @FunctionalInterface
    public interface IoCallable<T> {
        T call() throws IOException;
    }

    @FunctionalInterface
    public interface IoRunnable {
        void run() throws IOException;
    }

    private StorageIo() {
    }

    public static <T> T call(final String what, final IoCallable<T> action) {
        try {
            return action.call();
        } catch (final IOException e) {
            throw failure(what, e);
        } catch (final UncheckedIOException e) {
            throw failure(what, e.getCause());
        }
    }

    public static void run(final String what, final IoRunnable action) {
        try {
            action.run();
        } catch (final IOException e) {
            throw failure(what, e);
        } catch (final UncheckedIOException e) {
            throw failure(what, e.getCause());
        }
    }

    public static KafkaStorageException failure(final String what, final IOException cause) {
        LOG.error("Disk error while {}", what, cause);
        return new KafkaStorageException("Disk error while " + what + ": " + cause, cause);
    }
}
