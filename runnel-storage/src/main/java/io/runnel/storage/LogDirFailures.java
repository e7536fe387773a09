package io.runnel.storage;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which log directories are offline, after Kafka's {@code LogDirFailureChannel} (KIP-112): the first disk error
 * of any log in a directory, or of the directory's own files (checkpoints, partition creation), takes the whole
 * directory offline until the broker restarts. A disk that failed once is not trusted again: the logs in it stop
 * taking writes and reads, and nothing new is placed there.
 *
 * <p>Reporting is lock-free and may come from any thread, usually one holding a log's lock: it only records the
 * failure and tells the listener once, so a failure in one log never waits for another log's lock.
 */
public final class LogDirFailures {

    private static final Logger LOG = LoggerFactory.getLogger(LogDirFailures.class);

    private final Map<Path, IOException> offline = new ConcurrentHashMap<>();
    private final BiConsumer<Path, IOException> onFailure;

    /** @param onFailure told once per directory, on the reporting thread, right after it went offline */
    public LogDirFailures(final BiConsumer<Path, IOException> onFailure) {
        this.onFailure = Objects.requireNonNull(onFailure, "onFailure");
    }

    /** Failures that nobody needs to hear about (a log opened on its own, in tests and tools). */
    public static LogDirFailures unobserved() {
        return new LogDirFailures((dir, cause) -> {});
    }

    /**
     * Takes {@code logDir} offline because of {@code cause}; later reports for the same directory change nothing.
     *
     * @return true for the report that took it offline
     */
    public boolean report(final Path logDir, final IOException cause) {
        if (offline.putIfAbsent(logDir, cause) != null) {
            return false;
        }
        LOG.error(
                "Log directory {} is offline after a disk error; its partitions answer KAFKA_STORAGE_ERROR "
                        + "until the broker restarts",
                logDir,
                cause);
        onFailure.accept(logDir, cause);
        return true;
    }

    public boolean isOffline(final Path logDir) {
        return offline.containsKey(logDir);
    }

    /** The error that took {@code logDir} offline, or null while it is online. */
    public IOException failure(final Path logDir) {
        return offline.get(logDir);
    }
}
