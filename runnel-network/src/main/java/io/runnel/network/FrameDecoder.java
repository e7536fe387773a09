package io.runnel.network;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/**
 * Splits the inbound byte stream into Kafka request frames: a 4-byte big-endian size, then that many bytes.
 *
 * <p>A negative size, or one above {@code socket.request.max.bytes}, ends the stream before any of the frame is
 * buffered (Kafka closes such connections: the size can only come from garbage or a hostile peer). The decoder
 * then discards everything else the peer sends and passes a {@link BadFrameSize} down the pipeline, so the
 * connection handler can answer the requests before it and then close. A frame is emitted only once it is
 * complete, as a retained slice the next handler must release.
 */
final class FrameDecoder extends ByteToMessageDecoder {
    private static final int SIZE_FIELD_LENGTH = 4;

    /** Emitted in place of a frame whose size is out of range; nothing follows it. */
    record BadFrameSize(int size, int maxFrameBytes) {}

    private final int maxFrameBytes;
    private boolean discarding;

    FrameDecoder(final int maxFrameBytes) {
        this.maxFrameBytes = maxFrameBytes;
    }

    @Override
    protected void decode(final ChannelHandlerContext ctx, final ByteBuf in, final List<Object> out) {
        if (discarding) {
            in.skipBytes(in.readableBytes());
            return;
        }
        while (in.readableBytes() >= SIZE_FIELD_LENGTH) {
            final int start = in.readerIndex();
            final int size = in.getInt(start);
            if (size < 0 || size > maxFrameBytes) {
                discarding = true;
                in.skipBytes(in.readableBytes());
                out.add(new BadFrameSize(size, maxFrameBytes));
                return;
            }
            if (in.readableBytes() < SIZE_FIELD_LENGTH + size) {
                return;
            }
            in.skipBytes(SIZE_FIELD_LENGTH);
            out.add(in.readRetainedSlice(size));
        }
    }
}
