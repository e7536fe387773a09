package io.runnel.network;

import io.netty.channel.DefaultFileRegion;
import java.nio.channels.FileChannel;

/**
 * A zero-copy region of a log segment file.
 *
 * <p>It extends {@link DefaultFileRegion} because Netty's epoll transport sends only that type with
 * {@code sendfile(2)}; any other region is copied through user space. Unlike its parent, releasing it does not
 * close the channel: the channel belongs to the segment, which outlives every response that reads from it (a
 * segment that retention removes stays open for {@code file.delete.delay.ms}, a minute by default).
 */
final class SegmentFileRegion extends DefaultFileRegion {
    SegmentFileRegion(final FileChannel channel, final long position, final long count) {
        super(channel, position, count);
    }

    @Override
    protected void deallocate() {
        // the segment owns the channel
    }
}
