package io.runnel.broker.network;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Splits the inbound byte stream into Kafka request frames: a 4-byte big-endian size, then that many bytes.
 *
 * <p>A negative size, or one above {@code socket.request.max.bytes}, closes the connection before any of the
 * frame is buffered (Kafka does the same: such a size can only come from garbage or a hostile peer). A frame
 * is emitted only once it is complete, as a retained slice the next handler must release.
 */
final class FrameDecoder extends ByteToMessageDecoder {
    private static final Logger LOG = LoggerFactory.getLogger(FrameDecoder.class);
    private static final int SIZE_FIELD_LENGTH = 4;

    private final int maxFrameBytes;

    FrameDecoder(final int maxFrameBytes) {
        this.maxFrameBytes = maxFrameBytes;
    }

    @Override
    protected void decode(final ChannelHandlerContext ctx, final ByteBuf in, final List<Object> out) {
        while (in.readableBytes() >= SIZE_FIELD_LENGTH) {
            final int start = in.readerIndex();
            final int size = in.getInt(start);
            if (size < 0 || size > maxFrameBytes) {
                LOG.warn("Closing connection from {}: request size {} is outside 0..{} (socket.request.max.bytes)",
                        ctx.channel().remoteAddress(), size, maxFrameBytes);
                in.skipBytes(in.readableBytes());
                ctx.close();
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
