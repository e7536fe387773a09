package io.runnel.network;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.ReferenceCountUtil;
import io.runnel.protocol.FileSliceRecords;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.requests.ResponseHeader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResponseEncoderTest {
    @TempDir
    Path dir;

    @Test
    void shouldSendFileHeldRecordsAsFileRegionsBetweenSlicesOfOneBuffer() throws IOException {
        final MemoryRecords batch = MemoryRecords.withRecords(Compression.NONE, new SimpleRecord("v".getBytes()));
        final Path file = dir.resolve("segment.log");
        Files.write(file, new byte[100]);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            channel.write(batch.buffer().duplicate(), 10);
            final int size = batch.sizeInBytes();
            final FetchResponseData response = new FetchResponseData().setSessionId(7);
            response.responses()
                    .add(new FetchResponseData.FetchableTopicResponse()
                            .setTopic("t")
                            .setPartitions(List.of(
                                    new FetchResponseData.PartitionData()
                                            .setPartitionIndex(0)
                                            .setHighWatermark(1)
                                            .setRecords(new FileSliceRecords(channel, 10, size)),
                                    new FetchResponseData.PartitionData()
                                            .setPartitionIndex(1)
                                            .setHighWatermark(0)
                                            .setRecords(MemoryRecords.EMPTY))));
            final short version = 12;
            final List<Object> parts = ResponseEncoder.encode(
                    PooledByteBufAllocator.DEFAULT,
                    42,
                    ApiKeys.FETCH.responseHeaderVersion(version),
                    response,
                    version);

            assertThat(parts).hasSize(3);
            assertThat(parts.get(0)).isInstanceOf(ByteBuf.class);
            assertThat(parts.get(1)).isInstanceOfSatisfying(SegmentFileRegion.class, region -> {
                assertThat(region.position()).isEqualTo(10);
                assertThat(region.count()).isEqualTo(size);
            });
            assertThat(parts.get(2)).isInstanceOf(ByteBuf.class);

            // Joined back together, the parts are exactly what kafka-clients reads as this response.
            final ByteBuffer wire = ByteBuffer.allocate(4096);
            for (final Object part : parts) {
                if (part instanceof ByteBuf buf) {
                    buf.getBytes(
                            buf.readerIndex(),
                            wire.duplicate().position(wire.position()).limit(wire.position() + buf.readableBytes()));
                    wire.position(wire.position() + buf.readableBytes());
                } else {
                    final ByteBuffer slice = wire.duplicate().limit(wire.position() + size);
                    channel.read(slice, 10);
                    wire.position(wire.position() + size);
                }
                ReferenceCountUtil.release(part);
            }
            wire.flip();
            assertThat(wire.getInt()).isEqualTo(wire.remaining());
            assertThat(ResponseHeader.parse(wire, ApiKeys.FETCH.responseHeaderVersion(version))
                            .correlationId())
                    .isEqualTo(42);
            final FetchResponseData decoded = new FetchResponseData(new ByteBufferAccessor(wire), version);
            assertThat(decoded.sessionId()).isEqualTo(7);
            final MemoryRecords records = (MemoryRecords)
                    decoded.responses().get(0).partitions().get(0).records();
            assertThat(records.records().iterator().next().value()).isEqualTo(ByteBuffer.wrap("v".getBytes()));
            assertThat(decoded.responses().get(0).partitions().get(1).records().sizeInBytes())
                    .isZero();
        }
    }

    @Test
    void shouldUseOneBufferWhenNoRecordsComeFromFiles() {
        final FetchResponseData response = new FetchResponseData().setErrorCode((short) 70);
        final List<Object> parts = ResponseEncoder.encode(
                PooledByteBufAllocator.DEFAULT, 1, ApiKeys.FETCH.responseHeaderVersion((short) 4), response, (short) 4);
        assertThat(parts).singleElement().isInstanceOf(ByteBuf.class);
        parts.forEach(ReferenceCountUtil::release);
    }
}
