package io.runnel.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The operating system's page cache, for benchmarks that must read from disk (a cold consumer) or must not have
 * write-back running under them. Dropping needs root (it writes {@code /proc/sys/vm/drop_caches}).
 */
public final class PageCache {
    private static final Path DROP_CACHES = Path.of("/proc/sys/vm/drop_caches");

    private PageCache() {}

    /** Writes every dirty page to disk, so that write-back of the data just produced does not run during a read. */
    public static void sync() throws IOException, InterruptedException {
        final Process sync = new ProcessBuilder("sync").inheritIO().start();
        if (sync.waitFor() != 0) {
            throw new IOException("sync failed with " + sync.exitValue());
        }
    }

    /** Syncs, then drops clean pages, dentries and inodes ({@code echo 3}): the next read of a log goes to disk. */
    public static void drop() throws IOException, InterruptedException {
        sync();
        try {
            Files.writeString(DROP_CACHES, "3");
        } catch (final IOException e) {
            throw new IOException("cannot drop the page cache (this needs root): " + e, e);
        }
    }
}
