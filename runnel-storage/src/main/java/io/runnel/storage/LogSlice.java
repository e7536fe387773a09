package io.runnel.storage;

import java.nio.channels.FileChannel;

/**
 * A run of whole record batches inside one segment file, for zero-copy transfer to a socket.
 * The channel belongs to the log and stays open while the log is open: never close it.
 *
 * @param channel     the segment's log file, or null for an empty slice
 * @param position    file position of the first batch
 * @param sizeInBytes number of bytes, always a sum of whole batches
 */
public record LogSlice(FileChannel channel, long position, int sizeInBytes) {

    private static final LogSlice EMPTY = new LogSlice(null, 0, 0);

    public static LogSlice empty() {
        return EMPTY;
    }

    public boolean isEmpty() {
        return sizeInBytes == 0;
    }
}
