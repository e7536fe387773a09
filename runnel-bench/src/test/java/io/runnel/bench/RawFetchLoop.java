package io.runnel.bench;

import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.requests.FetchRequest;
import org.apache.kafka.common.requests.FetchResponse;
import org.apache.kafka.common.requests.RequestHeader;
import org.apache.kafka.common.requests.ResponseHeader;

/**
 * Reads one partition with Fetch requests written straight to a socket, one at a time, and times each from the
 * first byte written to the last byte of its response read. No NetworkClient, no prefetching and no record
 * decoding sit between the clock and the broker, so a request's time is the broker's time plus one loopback
 * round trip and the copy out of the socket. Each request asks what a default KafkaConsumer asks for one
 * partition: {@code max.partition.fetch.bytes} 1 MiB, {@code fetch.max.bytes} 50 MiB, {@code fetch.min.bytes} 1,
 * and a short {@code max_wait} (the windows read are below the high watermark, so nothing waits). Sessionless
 * (every request a full fetch), the newest Fetch version kafka-clients knows, with topic ids.
 */
public final class RawFetchLoop implements AutoCloseable {
    public static final int PARTITION_MAX_BYTES = 1024 * 1024;
    private static final int RESPONSE_MAX_BYTES = 50 * 1024 * 1024;
    private static final int MAX_WAIT_MS = 10;
    private static final short VERSION = ApiKeys.FETCH.latestVersion();

    private final SocketChannel channel;
    private final ByteBuffer sizeIn = ByteBuffer.allocate(4);
    private final ByteBuffer sizeOut = ByteBuffer.allocate(4);
    private ByteBuffer responseIn = ByteBuffer.allocateDirect(2 * PARTITION_MAX_BYTES);
    private int correlationId;

    /** What one pass read: the offsets it covered, the batch bytes it received and each request's time. */
    public record Pass(long firstOffset, long nextOffset, long bytes, long elapsedNs, Percentiles latency) {
        public double mibPerS() {
            return bytes / (1024.0 * 1024.0) / (elapsedNs / 1e9);
        }
    }

    public RawFetchLoop(final String host, final int port) throws IOException {
        channel = SocketChannel.open(new InetSocketAddress(host, port));
        channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
    }

    /**
     * Fetches from {@code fromOffset} until every record below {@code untilOffset} has arrived. Only whole
     * batches count: the partial batch a broker may add at the end of a response (to fill the byte limit) is
     * fetched again by the next request, as a consumer does.
     */
    public Pass read(final TopicPartition partition, final Uuid topicId, final long fromOffset, final long untilOffset)
            throws IOException {
        long[] latencies = new long[1024];
        int requests = 0;
        long next = fromOffset;
        long bytes = 0;
        final long startNs = System.nanoTime();
        while (next < untilOffset) {
            final long sentNs = System.nanoTime();
            send(partition, topicId, next);
            final ByteBuffer response = receive();
            final long latencyNs = System.nanoTime() - sentNs;
            if (requests == latencies.length) {
                latencies = Arrays.copyOf(latencies, requests * 2);
            }
            latencies[requests++] = latencyNs;
            final FetchResponseData.PartitionData data = partitionOf(response);
            if (data.errorCode() != Errors.NONE.code()) {
                throw new IOException("fetch at offset " + next + " failed: " + Errors.forCode(data.errorCode()));
            }
            final long before = next;
            for (final RecordBatch batch : FetchResponse.recordsOrFail(data).batches()) {
                if (batch.lastOffset() >= next) {
                    next = batch.nextOffset();
                    bytes += batch.sizeInBytes();
                }
            }
            if (next == before) {
                throw new IOException(
                        "no whole batch at offset " + next + " (high watermark " + data.highWatermark() + ")");
            }
        }
        return new Pass(fromOffset, next, bytes, System.nanoTime() - startNs, Percentiles.of(latencies, requests));
    }

    private void send(final TopicPartition partition, final Uuid topicId, final long offset) throws IOException {
        final Map<TopicPartition, FetchRequest.PartitionData> fetch = new LinkedHashMap<>();
        fetch.put(
                partition, new FetchRequest.PartitionData(topicId, offset, -1L, PARTITION_MAX_BYTES, Optional.empty()));
        final FetchRequest request = FetchRequest.Builder.forConsumer(VERSION, MAX_WAIT_MS, 1, fetch)
                .setMaxBytes(RESPONSE_MAX_BYTES)
                .isolationLevel(IsolationLevel.READ_UNCOMMITTED)
                .build(VERSION);
        final ByteBuffer payload = request.serializeWithHeader(
                new RequestHeader(ApiKeys.FETCH, VERSION, "fetch-position-bench", ++correlationId));
        sizeOut.clear();
        sizeOut.putInt(payload.remaining()).flip();
        final ByteBuffer[] frame = {sizeOut, payload};
        while (payload.hasRemaining()) {
            channel.write(frame);
        }
    }

    private ByteBuffer receive() throws IOException {
        sizeIn.clear();
        readFully(sizeIn);
        final int size = sizeIn.flip().getInt();
        if (size > responseIn.capacity()) {
            responseIn = ByteBuffer.allocateDirect(size);
        }
        responseIn.clear().limit(size);
        readFully(responseIn);
        return responseIn.flip();
    }

    private void readFully(final ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            if (channel.read(buffer) < 0) {
                throw new EOFException("the broker closed the connection");
            }
        }
    }

    private FetchResponseData.PartitionData partitionOf(final ByteBuffer response) throws IOException {
        final ResponseHeader header = ResponseHeader.parse(response, ApiKeys.FETCH.responseHeaderVersion(VERSION));
        if (header.correlationId() != correlationId) {
            throw new IOException("response " + header.correlationId() + " to request " + correlationId);
        }
        final FetchResponseData data =
                FetchResponse.parse(new ByteBufferAccessor(response), VERSION).data();
        if (data.errorCode() != Errors.NONE.code()) {
            throw new IOException("fetch failed: " + Errors.forCode(data.errorCode()));
        }
        return data.responses().get(0).partitions().get(0);
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
