package io.runnel.coordinator.group.classic;

import io.runnel.coordinator.runtime.Scheduler;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.SyncGroupResponseData;

/**
 * One member of a classic group: what it joined with, its assignment, and the JoinGroup or SyncGroup it is
 * waiting on. Owned by the group coordinator's thread; not thread-safe.
 */
final class ClassicMember {
    static final byte[] EMPTY_ASSIGNMENT = new byte[0];

    /** One entry of the member's protocols, in its order of preference. */
    record Protocol(String name, byte[] metadata) {}

    /** A parked request and the version its response must be valid at. */
    record Pending<T>(CompletableFuture<T> future, short version) {}

    private final String memberId;
    private final String groupInstanceId;
    private final String clientId;
    private final String clientHost;
    private final String protocolType;
    private int rebalanceTimeoutMs;
    private int sessionTimeoutMs;
    private List<Protocol> protocols;
    private byte[] assignment = EMPTY_ASSIGNMENT;
    private Pending<JoinGroupResponseData> awaitingJoin;
    private Pending<SyncGroupResponseData> awaitingSync;
    private boolean isNew;
    private Scheduler.Timeout heartbeat;

    ClassicMember(
            final String memberId,
            final String groupInstanceId,
            final String clientId,
            final String clientHost,
            final int rebalanceTimeoutMs,
            final int sessionTimeoutMs,
            final String protocolType,
            final List<Protocol> protocols) {
        this.memberId = memberId;
        this.groupInstanceId = groupInstanceId;
        this.clientId = clientId;
        this.clientHost = clientHost;
        this.rebalanceTimeoutMs = rebalanceTimeoutMs;
        this.sessionTimeoutMs = sessionTimeoutMs;
        this.protocolType = protocolType;
        this.protocols = List.copyOf(protocols);
    }

    static List<Protocol> protocolsOf(final JoinGroupRequestData.JoinGroupRequestProtocolCollection protocols) {
        return protocols.stream().map(p -> new Protocol(p.name(), p.metadata())).toList();
    }

    /** The same member under a new id (static membership), keeping what it joined with and its assignment. */
    ClassicMember withMemberId(final String newMemberId) {
        final ClassicMember member = new ClassicMember(
                newMemberId,
                groupInstanceId,
                clientId,
                clientHost,
                rebalanceTimeoutMs,
                sessionTimeoutMs,
                protocolType,
                protocols);
        member.assignment = assignment;
        return member;
    }

    String memberId() {
        return memberId;
    }

    String groupInstanceId() {
        return groupInstanceId;
    }

    boolean isStatic() {
        return groupInstanceId != null;
    }

    String clientId() {
        return clientId;
    }

    String clientHost() {
        return clientHost;
    }

    String protocolType() {
        return protocolType;
    }

    int rebalanceTimeoutMs() {
        return rebalanceTimeoutMs;
    }

    int sessionTimeoutMs() {
        return sessionTimeoutMs;
    }

    List<Protocol> protocols() {
        return protocols;
    }

    void update(final List<Protocol> newProtocols, final int newRebalanceTimeoutMs, final int newSessionTimeoutMs) {
        this.protocols = List.copyOf(newProtocols);
        this.rebalanceTimeoutMs = newRebalanceTimeoutMs;
        this.sessionTimeoutMs = newSessionTimeoutMs;
    }

    /** The metadata the member gave for {@code protocol}, or null if it does not support it. */
    byte[] metadata(final String protocol) {
        for (final Protocol p : protocols) {
            if (p.name().equals(protocol)) {
                return p.metadata();
            }
        }
        return null;
    }

    boolean supports(final String protocol) {
        return metadata(protocol) != null;
    }

    /** The member's most preferred protocol among {@code candidates}. */
    String vote(final java.util.Set<String> candidates) {
        for (final Protocol p : protocols) {
            if (candidates.contains(p.name())) {
                return p.name();
            }
        }
        throw new IllegalStateException("member " + memberId + " supports none of " + candidates);
    }

    /** Whether {@code other} is exactly what the member joined with: same names, order and metadata. */
    boolean matches(final List<Protocol> other) {
        if (other.size() != protocols.size()) {
            return false;
        }
        for (int i = 0; i < other.size(); i++) {
            if (!other.get(i).name().equals(protocols.get(i).name())
                    || !Arrays.equals(other.get(i).metadata(), protocols.get(i).metadata())) {
                return false;
            }
        }
        return true;
    }

    byte[] assignment() {
        return assignment;
    }

    void assignment(final byte[] newAssignment) {
        this.assignment = newAssignment == null ? EMPTY_ASSIGNMENT : newAssignment;
    }

    boolean isAwaitingJoin() {
        return awaitingJoin != null;
    }

    boolean isAwaitingSync() {
        return awaitingSync != null;
    }

    /**
     * Parks a JoinGroup. A JoinGroup already parked (a client retry) is answered first with
     * REBALANCE_IN_PROGRESS so no response is left hanging.
     */
    void awaitJoin(final Pending<JoinGroupResponseData> pending) {
        if (awaitingJoin != null) {
            completeJoin(new JoinGroupResponseData()
                    .setMemberId(memberId)
                    .setErrorCode(org.apache.kafka.common.protocol.Errors.REBALANCE_IN_PROGRESS.code()));
        }
        this.awaitingJoin = pending;
    }

    void awaitSync(final Pending<SyncGroupResponseData> pending) {
        if (awaitingSync != null) {
            completeSync(new SyncGroupResponseData()
                    .setErrorCode(org.apache.kafka.common.protocol.Errors.REBALANCE_IN_PROGRESS.code()));
        }
        this.awaitingSync = pending;
    }

    /** Answers the parked JoinGroup, if any; true if there was one. */
    boolean completeJoin(final JoinGroupResponseData response) {
        final Pending<JoinGroupResponseData> pending = awaitingJoin;
        if (pending == null) {
            return false;
        }
        awaitingJoin = null;
        pending.future().complete(Responses.join(response, pending.version()));
        return true;
    }

    /** Answers the parked SyncGroup, if any; true if there was one. */
    boolean completeSync(final SyncGroupResponseData response) {
        final Pending<SyncGroupResponseData> pending = awaitingSync;
        if (pending == null) {
            return false;
        }
        awaitingSync = null;
        pending.future().complete(response);
        return true;
    }

    boolean isNew() {
        return isNew;
    }

    void isNew(final boolean value) {
        this.isNew = value;
    }

    /**
     * Whether the member counts as alive when its heartbeat deadline passes: a member parked in a rebalance
     * cannot heartbeat and is kept, except a new one, which is bounded by the new-member join timeout.
     */
    boolean hasSatisfiedHeartbeat() {
        if (isNew) {
            return false;
        }
        return isAwaitingJoin() || isAwaitingSync();
    }

    void heartbeat(final Scheduler.Timeout timeout) {
        cancelHeartbeat();
        this.heartbeat = timeout;
    }

    void cancelHeartbeat() {
        if (heartbeat != null) {
            heartbeat.cancel();
            heartbeat = null;
        }
    }
}
