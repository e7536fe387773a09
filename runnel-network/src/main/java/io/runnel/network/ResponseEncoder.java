package io.runnel.network;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.runnel.protocol.FileSliceRecords;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.ResponseHeaderData;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.ObjectSerializationCache;
import org.apache.kafka.common.protocol.Writable;
import org.apache.kafka.common.record.internal.BaseRecords;
import org.apache.kafka.common.record.internal.MemoryRecords;

/**
 * Serialises one response (size prefix, header, body) into the objects Netty writes to the socket.
 *
 * <p>The message classes of kafka-clients write themselves through {@link Writable}; this writer puts every
 * field into one pooled buffer except record sets held in segment files, which become
 * {@link SegmentFileRegion}s between slices of that buffer. A fetch response therefore costs one small buffer
 * for its framing, whatever the size of the records it carries.
 *
 * <p>Not thread-safe; one instance serves one response.
 */
final class ResponseEncoder implements Writable {
    private final ByteBuf buf;
    private final List<Object> parts = new ArrayList<>(2);
    private int sliceStart;

    private ResponseEncoder(final ByteBuf buf) {
        this.buf = buf;
    }

    /** The parts to write, in order; the caller owns (and must write or release) each of them. */
    static List<Object> encode(
            final ByteBufAllocator alloc,
            final int correlationId,
            final short headerVersion,
            final ApiMessage body,
            final short version) {
        final ObjectSerializationCache cache = new ObjectSerializationCache();
        final ResponseHeaderData header = new ResponseHeaderData().setCorrelationId(correlationId);
        final int size = header.size(cache, headerVersion) + body.size(cache, version);
        final ByteBuf buf = alloc.directBuffer(Math.min(4 + size, 16 * 1024));
        final ResponseEncoder encoder = new ResponseEncoder(buf);
        try {
            buf.writeInt(size);
            header.write(encoder, cache, headerVersion);
            body.write(encoder, cache, version);
        } catch (RuntimeException e) {
            encoder.releaseParts();
            buf.release();
            throw e;
        }
        return encoder.finish();
    }

    private List<Object> finish() {
        if (parts.isEmpty()) {
            parts.add(buf);
            return parts;
        }
        if (buf.writerIndex() > sliceStart) {
            parts.add(buf.retainedSlice(sliceStart, buf.writerIndex() - sliceStart));
        }
        buf.release();
        return parts;
    }

    private void releaseParts() {
        for (final Object part : parts) {
            io.netty.util.ReferenceCountUtil.release(part);
        }
    }

    @Override
    public void writeRecords(final BaseRecords records) {
        if (records instanceof FileSliceRecords file) {
            if (buf.writerIndex() > sliceStart) {
                parts.add(buf.retainedSlice(sliceStart, buf.writerIndex() - sliceStart));
            }
            parts.add(new SegmentFileRegion(file.channel(), file.position(), file.sizeInBytes()));
            sliceStart = buf.writerIndex();
        } else if (records instanceof MemoryRecords memory) {
            writeByteBuffer(memory.buffer());
        } else {
            throw new IllegalArgumentException(
                    "Cannot write records of type " + records.getClass().getName());
        }
    }

    @Override
    public void writeByte(final byte val) {
        buf.writeByte(val);
    }

    @Override
    public void writeShort(final short val) {
        buf.writeShort(val);
    }

    @Override
    public void writeInt(final int val) {
        buf.writeInt(val);
    }

    @Override
    public void writeLong(final long val) {
        buf.writeLong(val);
    }

    @Override
    public void writeDouble(final double val) {
        buf.writeDouble(val);
    }

    @Override
    public void writeByteArray(final byte[] arr) {
        buf.writeBytes(arr);
    }

    @Override
    public void writeByteBuffer(final ByteBuffer src) {
        buf.writeBytes(src.duplicate());
    }

    @Override
    public void writeUuid(final Uuid uuid) {
        buf.writeLong(uuid.getMostSignificantBits());
        buf.writeLong(uuid.getLeastSignificantBits());
    }

    @Override
    public void writeUnsignedVarint(final int value) {
        int v = value;
        while ((v & 0xffffff80) != 0) {
            buf.writeByte((v & 0x7f) | 0x80);
            v >>>= 7;
        }
        buf.writeByte(v);
    }

    @Override
    public void writeVarint(final int value) {
        writeUnsignedVarint((value << 1) ^ (value >> 31));
    }

    @Override
    public void writeVarlong(final long value) {
        long v = (value << 1) ^ (value >> 63);
        while ((v & 0xffffffffffffff80L) != 0L) {
            buf.writeByte(((int) v & 0x7f) | 0x80);
            v >>>= 7;
        }
        buf.writeByte((int) v);
    }
}
