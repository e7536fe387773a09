package io.runnel.storage;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * One configured log directory as DescribeLogDirs reports it.
 *
 * @param failure     the disk error that took it offline, or null while it is online
 * @param totalBytes  its file system's size, -1 when offline or unknown
 * @param usableBytes the bytes still free for this process on that file system, -1 when offline or unknown
 * @param logs        the open logs in it (empty when offline)
 */
public record LogDirDescription(
        Path path, IOException failure, long totalBytes, long usableBytes, List<PartitionLog> logs) {
    public boolean online() {
        return failure == null;
    }
}
