package io.runnel.coordinator.group.classic;

import io.runnel.coordinator.runtime.Scheduler;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * What a classic group's rebalance waits for, apart from its members' JoinGroups: the dynamic members asked to
 * rejoin with their new id (KIP-394), each with the timer that forgets it; the members yet to SyncGroup; and the
 * deadlines of the join phase (initial delay or rebalance timeout) and of the sync phase. The rebalance phases
 * reach it through {@link ClassicGroup#waits()}; the group itself drops a member that leaves from the members yet
 * to sync. {@link ClassicGroup}
 * owns it; the timers fire on the group coordinator's thread, which owns this state; not thread-safe.
 */
final class RebalanceWaits {
    private final Map<String, Scheduler.Timeout> pendingJoinMembers = new LinkedHashMap<>();
    private final Set<String> pendingSyncMembers = new LinkedHashSet<>();
    private Scheduler.Timeout joinTimeout;
    private Scheduler.Timeout syncTimeout;
    private boolean newMemberAdded;

    boolean isPendingMember(final String memberId) {
        return pendingJoinMembers.containsKey(memberId);
    }

    void addPendingMember(final String memberId, final Scheduler.Timeout timeout) {
        pendingJoinMembers.put(memberId, timeout);
    }

    void removePendingMember(final String memberId) {
        final Scheduler.Timeout timeout = pendingJoinMembers.remove(memberId);
        if (timeout != null) {
            timeout.cancel();
        }
    }

    boolean hasPendingMembers() {
        return !pendingJoinMembers.isEmpty();
    }

    void addPendingSyncMember(final String memberId) {
        pendingSyncMembers.add(memberId);
    }

    /** True if the member was yet to sync. */
    boolean removePendingSyncMember(final String memberId) {
        return pendingSyncMembers.remove(memberId);
    }

    Set<String> pendingSyncMembers() {
        return new LinkedHashSet<>(pendingSyncMembers);
    }

    void clearPendingSyncMembers() {
        pendingSyncMembers.clear();
    }

    /** Whether a member joined during a new group's initial rebalance delay, which then waits longer. */
    boolean newMemberAdded() {
        return newMemberAdded;
    }

    void newMemberAdded(final boolean value) {
        newMemberAdded = value;
    }

    void joinTimeout(final Scheduler.Timeout timeout) {
        cancelJoinTimeout();
        joinTimeout = timeout;
    }

    void cancelJoinTimeout() {
        if (joinTimeout != null) {
            joinTimeout.cancel();
            joinTimeout = null;
        }
    }

    void syncTimeout(final Scheduler.Timeout timeout) {
        cancelSyncTimeout();
        syncTimeout = timeout;
    }

    void cancelSyncTimeout() {
        if (syncTimeout != null) {
            syncTimeout.cancel();
            syncTimeout = null;
        }
    }

    /** Cancels the deadlines and the pending members' timers (deletion, shutdown). */
    void cancelTimers() {
        cancelJoinTimeout();
        cancelSyncTimeout();
        pendingJoinMembers.values().forEach(Scheduler.Timeout::cancel);
    }
}
