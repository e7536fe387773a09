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
 * Callers that own mutable state (a {@code PartitionLog}, a log directory's checkpoints) pass a
 * {@link FailureListener} that reports the failure to {@code LogDirFailures}, which takes their whole log directory
 * offline, so that a half-done write is never followed by another on a failing disk.
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

    /**
     * What the owner of the files does about a disk error before it is thrown (take its log directory offline). It
     * may throw its own exception instead, when the error is no sign of a bad disk (files closed under a lock-free
     * read).
     */
    @FunctionalInterface
    public interface FailureListener {
        void onFailure(IOException cause);
    }

    private static final FailureListener NOBODY = cause -> {};

    private StorageIo() {}

    public static <T> T call(final String what, final IoCallable<T> action) {
        return call(what, action, NOBODY);
    }

    public static void run(final String what, final IoRunnable action) {
        run(what, action, NOBODY);
    }

    /** {@link #call(String, IoCallable)}, telling {@code listener} of a failure before it is thrown. */
    public static <T> T call(final String what, final IoCallable<T> action, final FailureListener listener) {
        try {
            return action.call();
        } catch (final IOException e) {
            throw failure(what, e, listener);
        } catch (final UncheckedIOException e) {
            throw failure(what, e.getCause(), listener);
        }
    }

    /** {@link #run(String, IoRunnable)}, telling {@code listener} of a failure before it is thrown. */
    public static void run(final String what, final IoRunnable action, final FailureListener listener) {
        call(
                what,
                () -> {
                    action.run();
                    return null;
                },
                listener);
    }

    /**
     * {@link #call(String, IoCallable, FailureListener)} for the append and read paths: what was being done
     * ({@code "verb subject"}, plus {@code " at offset N"} for an offset of 0 or more) is put into words only when
     * the action fails, so a call that succeeds builds no message.
     */
    public static <T> T call(
            final String verb,
            final Object subject,
            final long offset,
            final IoCallable<T> action,
            final FailureListener listener) {
        try {
            return action.call();
        } catch (final IOException e) {
            throw failure(describe(verb, subject, offset), e, listener);
        } catch (final UncheckedIOException e) {
            throw failure(describe(verb, subject, offset), e.getCause(), listener);
        }
    }

    /** {@link #call(String, Object, long, IoCallable, FailureListener)} for an action without a result. */
    public static void run(
            final String verb,
            final Object subject,
            final long offset,
            final IoRunnable action,
            final FailureListener listener) {
        try {
            action.run();
        } catch (final IOException e) {
            throw failure(describe(verb, subject, offset), e, listener);
        } catch (final UncheckedIOException e) {
            throw failure(describe(verb, subject, offset), e.getCause(), listener);
        }
    }

    private static String describe(final String verb, final Object subject, final long offset) {
        return offset < 0 ? verb + " " + subject : verb + " " + subject + " at offset " + offset;
    }

    /** A disk error met outside {@link #call} and {@link #run}: tells {@code listener}, logs it, returns the exception. */
    public static KafkaStorageException failure(
            final String what, final IOException cause, final FailureListener listener) {
        listener.onFailure(cause);
        return failure(what, cause);
    }

    public static KafkaStorageException failure(final String what, final IOException cause) {
        LOG.error("Disk error while {}", what, cause);
        return new KafkaStorageException("Disk error while " + what + ": " + cause, cause);
    }
}
