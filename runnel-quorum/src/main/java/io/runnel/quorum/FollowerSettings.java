package io.runnel.quorum;

import java.util.Objects;

/**
 * How a broker that is not a voter follows the metadata.
 *
 * @param nodeId this broker's {@code node.id}, for names only
 * @param clusterId the cluster id from format; it names the Ratis group to read
 * @param voters {@value QuorumPeers#VOTERS_CONFIG}, where the controllers are
 * @param maxWaitMs how long a controller holds a fetch that finds nothing new (the long poll); KRaft brokers wait
 *     up to 500 ms ({@code replica.fetch.wait.max.ms})
 * @param maxBytes about how many bytes of batches one fetch brings (at least one batch)
 * @param catchUpTimeoutMs how long {@code replay} may take to catch up before it fails
 */
public record FollowerSettings(
        int nodeId, String clusterId, QuorumPeers voters, int maxWaitMs, int maxBytes, int catchUpTimeoutMs) {
    public static final int DEFAULT_MAX_WAIT_MS = 500;
    public static final int DEFAULT_MAX_BYTES = 1024 * 1024;
    public static final int DEFAULT_CATCH_UP_TIMEOUT_MS = 30_000;

    public FollowerSettings {
        Objects.requireNonNull(clusterId, "clusterId");
        Objects.requireNonNull(voters, "voters");
        if (maxWaitMs < 0 || maxBytes < 1 || catchUpTimeoutMs < 1) {
            throw new IllegalArgumentException("Invalid metadata follower settings: wait " + maxWaitMs + " ms, "
                    + maxBytes + " bytes, catch-up " + catchUpTimeoutMs + " ms");
        }
    }

    public static FollowerSettings of(final int nodeId, final String clusterId, final QuorumPeers voters) {
        return new FollowerSettings(
                nodeId, clusterId, voters, DEFAULT_MAX_WAIT_MS, DEFAULT_MAX_BYTES, DEFAULT_CATCH_UP_TIMEOUT_MS);
    }

    public FollowerSettings withMaxWaitMs(final int ms) {
        return new FollowerSettings(nodeId, clusterId, voters, ms, maxBytes, catchUpTimeoutMs);
    }

    public FollowerSettings withMaxBytes(final int bytes) {
        return new FollowerSettings(nodeId, clusterId, voters, maxWaitMs, bytes, catchUpTimeoutMs);
    }

    /** How long one fetch may take before the follower gives up on it and asks again: the wait plus 5 s. */
    int requestTimeoutMs() {
        return maxWaitMs + 5_000;
    }

    public FollowerSettings withCatchUpTimeoutMs(final int ms) {
        return new FollowerSettings(nodeId, clusterId, voters, maxWaitMs, maxBytes, ms);
    }
}
