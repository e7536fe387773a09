package io.runnel.quorum;

/**
 * Told when this node becomes the quorum's ready leader and when it stops being leader, so the controller runs only
 * on the leader. Both are called on the log's leadership thread, one at a time, in the order they happened; each
 * {@link #onResigned} follows the {@link #onBecameLeader} of the same term.
 */
public interface LeadershipListener {
    /**
     * This node leads {@code term} and its state holds every batch committed before it: the leader's first entry
     * of the term is applied, and so is everything committed when it was. Proposals are accepted from now on.
     */
    void onBecameLeader(long term);

    /**
     * This node no longer leads {@code term} (another leader, a step-down, or the log closing). Proposals pending
     * at this moment have failed with {@link org.apache.kafka.common.errors.NotControllerException}.
     */
    void onResigned(long term);
}
