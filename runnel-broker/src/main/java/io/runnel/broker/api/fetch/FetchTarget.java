package io.runnel.broker.api.fetch;

/**
 * One partition of a fetch: where to read from, how much, and (in a fetch session) what the client was last
 * told about it, so an incremental response can leave out partitions with nothing new.
 */
final class FetchTarget {
    final FetchKey key;
    long fetchOffset;
    int maxBytes;
    int currentLeaderEpoch;
    long sentHighWatermark = -1;
    long sentLogStartOffset = -1;

    FetchTarget(final FetchKey key, final long fetchOffset, final int maxBytes, final int currentLeaderEpoch) {
        this.key = key;
        this.fetchOffset = fetchOffset;
        this.maxBytes = maxBytes;
        this.currentLeaderEpoch = currentLeaderEpoch;
    }
}
