package io.runnel.network;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

class FrameDecoderTest {
    private final EmbeddedChannel channel = new EmbeddedChannel(new FrameDecoder(1024));

    @Test
    void shouldEmitAFrameOnlyOnceAllOfItHasArrived() {
        channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {0, 0, 0, 5, 1, 2}));
        assertThat(channel.inboundMessages()).isEmpty();
        channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {3, 4, 5, 0, 0}));
        final ByteBuf frame = channel.readInbound();
        assertThat(frame.readableBytes()).isEqualTo(5);
        assertThat(frame.getByte(0)).isEqualTo((byte) 1);
        frame.release();
        assertThat(channel.inboundMessages()).isEmpty();
        channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {0, 1, 9}));
        final ByteBuf second = channel.readInbound();
        assertThat(second.readableBytes()).isEqualTo(1);
        second.release();
        assertThat(channel.isOpen()).isTrue();
        channel.finishAndReleaseAll();
    }

    @Test
    void shouldSplitSeveralFramesArrivingTogether() {
        channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {0, 0, 0, 1, 7, 0, 0, 0, 2, 8, 9, 0, 0, 0, 0}));
        for (final int size : new int[] {1, 2, 0}) {
            final ByteBuf frame = channel.readInbound();
            assertThat(frame.readableBytes()).isEqualTo(size);
            frame.release();
        }
        channel.finishAndReleaseAll();
    }

    @Test
    void shouldReportAFrameLargerThanTheLimitAndDropEverythingAfterIt() {
        channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {0, 0, 0, 1, 7, 0, 0, 4, 1, 0, 0, 0, 1, 8}));
        final ByteBuf good = channel.readInbound();
        assertThat(good.readableBytes()).isEqualTo(1);
        good.release();
        assertThat((FrameDecoder.BadFrameSize) channel.readInbound())
                .isEqualTo(new FrameDecoder.BadFrameSize(1025, 1024));
        assertThat(channel.inboundMessages()).isEmpty();
        channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {0, 0, 0, 1, 9}));
        assertThat(channel.inboundMessages())
                .as("nothing is decoded after a bad size")
                .isEmpty();
        channel.finishAndReleaseAll();
    }

    @Test
    void shouldReportANegativeSize() {
        channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {(byte) 0xff, 0, 0, 0, 1, 2, 3}));
        assertThat((FrameDecoder.BadFrameSize) channel.readInbound())
                .extracting(FrameDecoder.BadFrameSize::size)
                .isEqualTo(0xff000000);
        assertThat(channel.inboundMessages()).isEmpty();
        channel.finishAndReleaseAll();
    }
}
