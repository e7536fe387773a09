package io.runnel.network;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import io.runnel.protocol.ApiDispatcher;
import io.runnel.protocol.ApiHandler;
import io.runnel.protocol.RequestContext;
import io.runnel.testsupport.Frames;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ResponseHeader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The connection handler behind the frame decoder on an {@link EmbeddedChannel}: request frames in, response
 * frames out, with a real {@link ApiDispatcher} over one ApiVersions handler whose answers the test gives when it
 * chooses. Requests run on the calling thread (the pool's lane is a direct executor here); their completions hop
 * to the channel's event loop, which runs when the test runs its pending tasks.
 */
class ConnectionHandlerTest {
    private static final int MAX_FRAME_BYTES = 1024 * 1024;
    /** ConnectionHandler's bound on requests in flight before it stops reading. */
    private static final int MAX_IN_FLIGHT = 64;

    private static final short VERSION = 3;

    private final HeldApiVersions handler = new HeldApiVersions();
    private final EmbeddedChannel channel = new EmbeddedChannel(
            new FrameDecoder(MAX_FRAME_BYTES),
            new ConnectionHandler(new ApiDispatcher(List.of(handler)), Runnable::run));

    @AfterEach
    void releaseEverything() {
        channel.finishAndReleaseAll();
    }

    @Test
    void shouldAnswerAFramedRequestWithOneResponseFrameCarryingItsCorrelationId() {
        send(7);
        handler.answerNext();
        channel.runPendingTasks();

        assertThat(responses()).containsExactly(7);
        assertThat(channel.isOpen()).isTrue();
    }

    @Test
    void shouldAnswerARequestSplitAcrossReadsOnceAllOfItHasArrived() {
        final byte[] frame = frame(9);
        channel.writeInbound(Unpooled.wrappedBuffer(frame, 0, 5));
        assertThat(handler.held).as("served before the frame is whole").isEmpty();
        channel.writeInbound(Unpooled.wrappedBuffer(frame, 5, frame.length - 5));
        handler.answerNext();
        channel.runPendingTasks();

        assertThat(responses()).containsExactly(9);
    }

    @Test
    void shouldWriteResponsesInRequestOrderWhenTheyCompleteOutOfOrder() {
        send(1);
        send(2);
        send(3);
        handler.answer(1); // request 2 first: its response waits for request 1's
        channel.runPendingTasks();
        assertThat(responses()).as("2 is done, 1 is not").isEmpty();
        handler.answer(0); // request 1
        channel.runPendingTasks();
        assertThat(responses()).as("1 and 2 are done; 3 is not").containsExactly(1, 2);

        handler.answerNext();
        channel.runPendingTasks();
        assertThat(responses()).containsExactly(3);
    }

    @Test
    void shouldCloseTheChannelWhenAFrameHasAnUnreadableHeader() {
        channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {0, 0, 0, 4, 0x7f, 0x7f, 0, 0}));
        channel.runPendingTasks();

        assertThat(channel.isOpen()).isFalse();
        assertThat(handler.served).isZero();
    }

    @Test
    void shouldCloseTheChannelWhenAFrameIsLargerThanSocketRequestMaxBytes() {
        final ByteBuffer size = ByteBuffer.allocate(4).putInt(0, MAX_FRAME_BYTES + 1);
        channel.writeInbound(Unpooled.wrappedBuffer(size));
        channel.runPendingTasks();

        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void shouldAnswerTheRequestsBeforeAMalformedFrameThenCloseWithoutServingTheOnesAfterIt() {
        final byte[] garbage = {0, 0, 0, 4, 0x7f, 0x7f, 0, 0};
        final ByteBuf together = Unpooled.wrappedBuffer(frame(1), frame(2), garbage, frame(3));
        channel.writeInbound(together);
        channel.runPendingTasks();
        assertThat(handler.served).as("requests before the bad frame").isEqualTo(2);
        assertThat(channel.isOpen())
                .as("open until the requests before the bad frame are answered")
                .isTrue();
        assertThat(channel.config().isAutoRead())
                .as("reading stops at the bad frame")
                .isFalse();

        handler.answerNext();
        handler.answerNext();
        channel.runPendingTasks();

        assertThat(responses()).containsExactly(1, 2);
        assertThat(channel.isOpen()).isFalse();
        assertThat(handler.served)
                .as("the request after the bad frame is never served")
                .isEqualTo(2);
    }

    @Test
    void shouldStopReadingWhenTheBoundOfRequestsInFlightIsReachedAndResumeWhenOneIsAnswered() {
        for (int i = 0; i < MAX_IN_FLIGHT - 1; i++) {
            send(i);
        }
        assertThat(channel.config().isAutoRead())
                .as("%d in flight", MAX_IN_FLIGHT - 1)
                .isTrue();
        send(MAX_IN_FLIGHT - 1);
        assertThat(channel.config().isAutoRead())
                .as("%d in flight", MAX_IN_FLIGHT)
                .isFalse();

        handler.answerNext();
        channel.runPendingTasks();

        assertThat(responses()).containsExactly(0);
        assertThat(channel.config().isAutoRead())
                .as("%d in flight", MAX_IN_FLIGHT - 1)
                .isTrue();
        while (!handler.held.isEmpty()) {
            handler.answerNext();
        }
        channel.runPendingTasks();
        assertThat(responses()).hasSize(MAX_IN_FLIGHT - 1);
    }

    @Test
    void shouldAnswerAnApiVersionsRequestNewerThanAnyServedAtV0WithUnsupportedVersion() {
        final short tooNew = (short) (ApiKeys.API_VERSIONS.latestVersion() + 1);
        channel.writeInbound(
                Unpooled.wrappedBuffer(Frames.request(ApiKeys.API_VERSIONS, tooNew, 5, "test", new byte[0])));
        channel.runPendingTasks();

        final ByteBuffer response = ByteBuffer.wrap(outbound());
        assertThat(response.getInt()).isEqualTo(response.remaining());
        assertThat(ResponseHeader.parse(response, (short) 0).correlationId()).isEqualTo(5);
        final ApiVersionsResponseData body = new ApiVersionsResponseData(new ByteBufferAccessor(response), (short) 0);
        assertThat(body.errorCode()).isEqualTo(Errors.UNSUPPORTED_VERSION.code());
        assertThat(body.apiKeys().find(ApiKeys.API_VERSIONS.id)).isNotNull();
        assertThat(handler.served).isZero();
    }

    // ------------------------------------------------------------------------------------------ helpers

    private static byte[] frame(final int correlationId) {
        return Frames.request(
                ApiKeys.API_VERSIONS,
                VERSION,
                correlationId,
                "test",
                new ApiVersionsRequestData().setClientSoftwareName("test").setClientSoftwareVersion("1"));
    }

    private void send(final int correlationId) {
        channel.writeInbound(Unpooled.wrappedBuffer(frame(correlationId)));
    }

    /** Every byte written to the channel so far, the outbound buffers released. */
    private byte[] outbound() {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Object part;
        while ((part = channel.readOutbound()) != null) {
            final ByteBuf buf = (ByteBuf) part;
            final byte[] copy = new byte[buf.readableBytes()];
            buf.readBytes(copy);
            bytes.writeBytes(copy);
            ReferenceCountUtil.release(buf);
        }
        return bytes.toByteArray();
    }

    /** The correlation ids of the ApiVersions response frames written so far, in order; each must parse whole. */
    private List<Integer> responses() {
        final ByteBuffer wire = ByteBuffer.wrap(outbound());
        final List<Integer> ids = new ArrayList<>();
        while (wire.hasRemaining()) {
            final int size = wire.getInt();
            final ByteBuffer frame = wire.slice(wire.position(), size);
            wire.position(wire.position() + size);
            ids.add(ResponseHeader.parse(frame, ApiKeys.API_VERSIONS.responseHeaderVersion(VERSION))
                    .correlationId());
            final ApiVersionsResponseData body = new ApiVersionsResponseData(new ByteBufferAccessor(frame), VERSION);
            assertThat(body.errorCode()).isEqualTo(Errors.NONE.code());
            assertThat(frame.hasRemaining()).as("bytes after the response body").isFalse();
        }
        return ids;
    }

    /** Serves ApiVersions with a future per request that the test completes: {@link #answer} the n-th held. */
    private static final class HeldApiVersions implements ApiHandler<ApiVersionsRequestData> {
        final ArrayDeque<CompletableFuture<ApiVersionsResponseData>> held = new ArrayDeque<>();
        int served;

        @Override
        public ApiKeys apiKey() {
            return ApiKeys.API_VERSIONS;
        }

        @Override
        public CompletableFuture<ApiVersionsResponseData> handle(
                final RequestContext context, final ApiVersionsRequestData request) {
            served++;
            final CompletableFuture<ApiVersionsResponseData> answer = new CompletableFuture<>();
            held.addLast(answer);
            return answer;
        }

        /** Completes the oldest request still held. */
        void answerNext() {
            held.pollFirst().complete(new ApiVersionsResponseData());
        }

        /** Completes the {@code index}-th of the requests still held (0 the oldest), leaving the others held. */
        void answer(final int index) {
            final List<CompletableFuture<ApiVersionsResponseData>> all = new ArrayList<>(held);
            final CompletableFuture<ApiVersionsResponseData> chosen = all.get(index);
            held.remove(chosen);
            chosen.complete(new ApiVersionsResponseData());
        }
    }
}
