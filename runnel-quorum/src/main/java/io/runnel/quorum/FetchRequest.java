package io.runnel.quorum;

import io.runnel.metadata.record.MetadataCorruptionException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;

/**
 * A broker's read-only query to the controllers: "the batches after {@code fromOffset}, waiting up to {@code
 * maxWaitMs} for one, about {@code maxBytes} at most". Big-endian: {@code version:int8 fromOffset:int64
 * maxWaitMs:int32 maxBytes:int32}.
 *
 * @param fromOffset the offset of the last record the broker applied (-1 for none); a batch boundary
 */
record FetchRequest(long fromOffset, int maxWaitMs, int maxBytes) {
    static final byte VERSION = 0;

    FetchRequest {
        if (fromOffset < -1 || maxWaitMs < 0 || maxBytes < 1) {
            throw new IllegalArgumentException("Invalid metadata fetch: from " + fromOffset + ", wait " + maxWaitMs
                    + " ms, " + maxBytes + " bytes");
        }
    }

    Message toMessage() {
        final ByteBuffer buffer = ByteBuffer.allocate(17);
        buffer.put(VERSION).putLong(fromOffset).putInt(maxWaitMs).putInt(maxBytes);
        return Message.valueOf(ByteString.copyFrom(buffer.array()));
    }

    /** @throws MetadataCorruptionException if the message is not a fetch request */
    static FetchRequest from(final Message message) {
        final ByteBuffer buffer = message.getContent().asReadOnlyByteBuffer();
        try {
            final byte version = buffer.get();
            if (version != VERSION) {
                throw new MetadataCorruptionException("Unknown metadata fetch version " + version);
            }
            return new FetchRequest(buffer.getLong(), buffer.getInt(), buffer.getInt());
        } catch (final BufferUnderflowException | IllegalArgumentException e) {
            throw new MetadataCorruptionException("Invalid metadata fetch request", e);
        }
    }
}
