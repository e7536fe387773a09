package io.runnel.quorum;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;

/**
 * What the state machine answers for an applied batch, carried back to the proposer in Ratis' reply: the Runnel
 * offset of the batch's last record, and whether the commit listener failed on it (the batch stays committed
 * either way). Big-endian: {@code lastOffset:int64 failed:int8 message:utf8*} (the failure's message, if failed).
 */
record ApplyReply(long lastOffset, @Nullable String failure) {
    Message toMessage() {
        final byte[] message = failure == null ? new byte[0] : failure.getBytes(StandardCharsets.UTF_8);
        final ByteBuffer buffer = ByteBuffer.allocate(9 + message.length);
        buffer.putLong(lastOffset).put((byte) (failure == null ? 0 : 1)).put(message);
        return Message.valueOf(ByteString.copyFrom(buffer.array()));
    }

    static ApplyReply from(final Message message) {
        final ByteBuffer buffer = message.getContent().asReadOnlyByteBuffer();
        final long lastOffset = buffer.getLong();
        final boolean failed = buffer.get() != 0;
        final byte[] text = new byte[buffer.remaining()];
        buffer.get(text);
        return new ApplyReply(lastOffset, failed ? new String(text, StandardCharsets.UTF_8) : null);
    }
}
