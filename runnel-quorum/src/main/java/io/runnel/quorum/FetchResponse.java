package io.runnel.quorum;

import io.runnel.metadata.record.MetadataCorruptionException;
import io.runnel.metadata.record.MetadataRecord;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;

/**
 * A controller's answer to a {@link FetchRequest}: the committed batches after the requested offset, preceded by
 * the whole state as a snapshot when the request was older than the batches the controller still keeps. Empty
 * (no snapshot, no batches) when nothing newer was committed while the request waited. Big-endian:
 *
 * <pre>
 * response := version:int8 lastOffset:int64 hasSnapshot:int8 [snapshotOffset:int64 records]
 *             count:int32 (batchLastOffset:int64 records)*count
 * </pre>
 *
 * {@code lastOffset} is the last offset the answering controller has applied; {@code records} is
 * {@link RecordsCodec}'s form.
 *
 * @param snapshot the state up to its offset, or null
 * @param batches the batches after the request's offset (or after the snapshot), in offset order
 */
record FetchResponse(long lastOffset, @Nullable CommittedBatch snapshot, List<CommittedBatch> batches) {
    static final byte VERSION = 0;

    FetchResponse {
        batches = List.copyOf(batches);
    }

    static FetchResponse empty(final long lastOffset) {
        return new FetchResponse(lastOffset, null, List.of());
    }

    boolean isEmpty() {
        return snapshot == null && batches.isEmpty();
    }

    Message toMessage() {
        int size = 1 + 8 + 1 + 4;
        if (snapshot != null) {
            size += 8 + RecordsCodec.sizeOf(snapshot.records());
        }
        for (final CommittedBatch batch : batches) {
            size += 8 + RecordsCodec.sizeOf(batch.records());
        }
        final ByteBuffer buffer = ByteBuffer.allocate(size);
        buffer.put(VERSION).putLong(lastOffset).put((byte) (snapshot == null ? 0 : 1));
        if (snapshot != null) {
            buffer.putLong(snapshot.lastOffset());
            RecordsCodec.write(snapshot.records(), buffer);
        }
        buffer.putInt(batches.size());
        for (final CommittedBatch batch : batches) {
            buffer.putLong(batch.lastOffset());
            RecordsCodec.write(batch.records(), buffer);
        }
        return Message.valueOf(ByteString.copyFrom(buffer.array()));
    }

    /** @throws MetadataCorruptionException if the message is not a fetch response */
    static FetchResponse from(final Message message) {
        final ByteBuffer buffer = message.getContent().asReadOnlyByteBuffer();
        try {
            final byte version = buffer.get();
            if (version != VERSION) {
                throw new MetadataCorruptionException("Unknown metadata fetch response version " + version);
            }
            final long lastOffset = buffer.getLong();
            CommittedBatch snapshot = null;
            if (buffer.get() != 0) {
                final long snapshotOffset = buffer.getLong();
                snapshot = new CommittedBatch(RecordsCodec.read(buffer), snapshotOffset);
            }
            final int count = buffer.getInt();
            if (count < 0 || count > buffer.remaining() / 12) {
                throw new MetadataCorruptionException("Invalid batch count " + count);
            }
            final List<CommittedBatch> batches = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                final long batchLastOffset = buffer.getLong();
                final List<MetadataRecord> records = RecordsCodec.read(buffer);
                batches.add(new CommittedBatch(records, batchLastOffset));
            }
            if (buffer.hasRemaining()) {
                throw new MetadataCorruptionException(
                        buffer.remaining() + " byte(s) after the metadata fetch response");
            }
            return new FetchResponse(lastOffset, snapshot, batches);
        } catch (final BufferUnderflowException e) {
            throw new MetadataCorruptionException("Truncated metadata fetch response", e);
        }
    }
}
