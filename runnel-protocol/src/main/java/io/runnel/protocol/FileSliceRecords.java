package io.runnel.protocol;

import java.io.IOException;
import java.nio.channels.FileChannel;
import org.apache.kafka.common.network.TransferableChannel;
import org.apache.kafka.common.record.internal.BaseRecords;
import org.apache.kafka.common.record.internal.RecordsSend;

/**
 * Record batches that stay in a segment file until they reach the socket.
 *
 * <p>A fetch handler puts one of these into a response message where kafka-clients expects records; the network
 * layer's response encoder sees it while writing the message and emits a file region of {@link #channel()} in its
 * place, so the bytes go from page cache to socket without being read by the JVM.
 */
public final class FileSliceRecords implements BaseRecords {
    private final FileChannel channel;
    private final long position;
    private final int sizeInBytes;

    public FileSliceRecords(final FileChannel channel, final long position, final int sizeInBytes) {
        this.channel = channel;
        this.position = position;
        this.sizeInBytes = sizeInBytes;
    }

    @Override
    public int sizeInBytes() {
        return sizeInBytes;
    }

    /** The segment's channel; it belongs to the segment, so whoever sends from it must not close it. */
    public FileChannel channel() {
        return channel;
    }

    /** Where the bytes start in {@link #channel()}. */
    public long position() {
        return position;
    }

    /** The same bytes as a kafka-clients send, for callers outside Netty. */
    @Override
    public RecordsSend<FileSliceRecords> toSend() {
        return new RecordsSend<>(this, sizeInBytes) {
            @Override
            protected int writeTo(final TransferableChannel out, final int previouslyWritten, final int remaining)
                    throws IOException {
                return (int) out.transferFrom(channel, position + previouslyWritten, remaining);
            }
        };
    }
}
