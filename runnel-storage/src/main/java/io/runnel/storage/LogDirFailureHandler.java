package io.runnel.storage;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the {@link LogManager} does once a log directory went offline (Kafka's LogDirFailureHandler): it closes the
 * files of every log in it, so that nothing of the broker holds the failed disk open and it can be unmounted or
 * replaced. The logs stay listed, offline, until the broker restarts; they already refuse work through
 * {@link LogDirFailures}.
 *
 * <p>Thread safety: {@link #onFailure} is called on the thread that met the error, which may hold a log's lock;
 * closing takes every log's lock in turn, so it runs on a thread of its own.
 */
final class LogDirFailureHandler implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LogDirFailureHandler.class);

    private final StorageThread closer = new StorageThread("runnel-log-dir-failure");
    private final LogDirs dirs;
    /** The manager's open logs, a concurrent map. */
    private final Map<TopicPartition, PartitionLog> logs;

    LogDirFailureHandler(final LogDirs dirs, final Map<TopicPartition, PartitionLog> logs) {
        this.dirs = dirs;
        this.logs = logs;
    }

    /** Told once per directory when it goes offline; takes no lock. */
    void onFailure(final Path dir, final IOException cause) {
        final List<Path> offline = dirs.offlineDirs();
        if (offline.size() == dirs.count()) {
            LOG.error(
                    "Every log directory {} is offline: every partition answers KAFKA_STORAGE_ERROR until the disks "
                            + "are repaired and the broker restarts",
                    offline);
        }
        closer.execute(() -> closeLogsIn(dir));
    }

    private void closeLogsIn(final Path dir) {
        int closedLogs = 0;
        for (final PartitionLog log : logs.values()) {
            if (log.dir().getParent().equals(dir)) {
                log.close(); // an offline log only closes its files and fails the appends waiting for a flush
                closedLogs++;
            }
        }
        LOG.info("Closed the files of the {} logs in offline log directory {}", closedLogs, dir);
    }

    /** Stops the closing thread once the closings asked for so far have run (waiting up to 30 s). */
    @Override
    public void close() {
        closer.close();
    }
}
