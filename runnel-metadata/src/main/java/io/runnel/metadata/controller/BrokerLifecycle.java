package io.runnel.metadata.controller;

import io.runnel.metadata.image.BrokerRegistration;
import io.runnel.metadata.image.MetadataImage;
import io.runnel.metadata.record.BrokerRegistrationChangeRecord;
import io.runnel.metadata.record.BrokerRegistrationChangeRecord.Fencing;
import io.runnel.metadata.record.MetadataRecord;
import io.runnel.metadata.record.RegisterBrokerRecord;
import io.runnel.metadata.record.UnregisterBrokerRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntPredicate;
import org.apache.kafka.common.errors.BrokerIdNotRegisteredException;
import org.apache.kafka.common.errors.DuplicateBrokerRegistrationException;
import org.apache.kafka.common.errors.InconsistentClusterIdException;
import org.apache.kafka.common.errors.NotControllerException;
import org.apache.kafka.common.errors.StaleBrokerEpochException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Registration, heartbeats, fencing, controlled shutdown and unregistration of brokers, as KRaft's
 * {@code ClusterControlManager} and {@code BrokerHeartbeatManager} decide them: each command reads the image and
 * returns the records to write. Owned by the controller thread.
 *
 * <p>A broker registers fenced. It is unfenced once a heartbeat reports it has applied the metadata up to its own
 * registration, and fenced again when no heartbeat arrives within the session timeout. A broker that asks to shut
 * down is let go at once if it leads nothing; otherwise it enters controlled shutdown, its leaderships move to other
 * ISR members, and it is told to shut down once it leads nothing and every active broker has seen those changes.
 */
final class BrokerLifecycle {
    private static final Logger LOG = LoggerFactory.getLogger(BrokerLifecycle.class);

    private enum State {
        FENCED,
        UNFENCED,
        CONTROLLED_SHUTDOWN,
        SHUTDOWN_NOW
    }

    private final BrokerSessions sessions;

    BrokerLifecycle(final BrokerSessions sessions) {
        this.sessions = sessions;
    }

    /** On becoming active: every registered broker counts as just heard from. */
    void activate(final MetadataImage image) {
        sessions.resetAll(image.brokers().keySet());
    }

    /**
     * @return the broker epoch
     * @throws InconsistentClusterIdException for another cluster's broker
     * @throws DuplicateBrokerRegistrationException while another process with that id still has a session
     */
    Outcome<Long> register(final MetadataImage image, final BrokerRegistrationSpec spec) {
        if (image.clusterId() == null) {
            // A controller that has just become active and not yet written the cluster id: ask again.
            throw new NotControllerException("The controller is not ready yet");
        }
        if (!spec.clusterId().equals(image.clusterId())) {
            throw new InconsistentClusterIdException(
                    "Expected cluster ID " + image.clusterId() + ", but got cluster ID " + spec.clusterId());
        }
        final int id = spec.brokerId();
        final BrokerRegistration existing = image.brokers().get(id);
        final boolean sameIncarnation =
                existing != null && existing.incarnationId().equals(spec.incarnationId());
        if (existing != null && !sameIncarnation && sessions.hasValidSession(id)) {
            throw new DuplicateBrokerRegistrationException("Another broker is registered with that broker id.");
        }
        final List<MetadataRecord> records = new ArrayList<>();
        final long epoch;
        if (sameIncarnation) {
            // A retried registration of the same process keeps its epoch and state.
            epoch = existing.epoch();
            final boolean changed = !existing.sameEndpoint(
                    new BrokerRegistration(id, spec.host(), spec.port(), spec.listenerName(), spec.rack()));
            if (changed) {
                records.add(registration(spec, epoch, existing.fenced()));
                if (existing.inControlledShutdown()) {
                    records.add(new BrokerRegistrationChangeRecord(id, epoch, Fencing.NONE, true));
                }
            }
        } else {
            if (existing != null) {
                // The previous process died without a controlled shutdown: it leads nothing from now on.
                records.addAll(LeaderMoves.awayFrom(image, id, activeExcept(image, id)));
            }
            epoch = image.lastOffset() + records.size() + 1;
            records.add(registration(spec, epoch, true));
            sessions.remove(id);
            LOG.info(
                    "Registering broker {} (incarnation {}) with epoch {}{}",
                    id,
                    spec.incarnationId(),
                    epoch,
                    existing == null ? "" : ", replacing incarnation " + existing.incarnationId());
        }
        return new Outcome<>(epoch, records);
    }

    /**
     * @throws StaleBrokerEpochException for a broker not registered, or registered with another epoch
     */
    Outcome<BrokerHeartbeatReply> heartbeat(final MetadataImage image, final BrokerHeartbeatSpec spec) {
        final int id = spec.brokerId();
        final BrokerRegistration broker = checkEpoch(image, id, spec.brokerEpoch());
        final State current = broker.fenced()
                ? State.FENCED
                : broker.inControlledShutdown() ? State.CONTROLLED_SHUTDOWN : State.UNFENCED;
        final State next = nextState(image, broker, current, spec);
        final List<MetadataRecord> records = new ArrayList<>();
        if (next != current) {
            switch (next) {
                case FENCED, SHUTDOWN_NOW -> {
                    if (current != State.FENCED) {
                        records.addAll(fence(image, broker));
                    }
                }
                case UNFENCED -> {
                    records.add(new BrokerRegistrationChangeRecord(id, broker.epoch(), Fencing.UNFENCE, false));
                    records.addAll(LeaderMoves.toward(image, id, b -> b == id || isActive(image, b)));
                    LOG.info("Unfencing broker {}: it has caught up to offset {}", id, spec.currentMetadataOffset());
                }
                case CONTROLLED_SHUTDOWN -> {
                    records.add(new BrokerRegistrationChangeRecord(id, broker.epoch(), Fencing.NONE, true));
                    records.addAll(LeaderMoves.awayFrom(image, id, activeExcept(image, id)));
                    sessions.startControlledShutdown(id, image.lastOffset() + records.size());
                    LOG.info("Broker {} is shutting down: moving its leaderships", id);
                }
            }
        }
        sessions.touch(id, spec.currentMetadataOffset());
        final boolean fenced = next == State.FENCED || next == State.SHUTDOWN_NOW;
        return new Outcome<>(
                new BrokerHeartbeatReply(
                        spec.currentMetadataOffset() >= broker.epoch(),
                        fenced,
                        next == State.CONTROLLED_SHUTDOWN,
                        next == State.SHUTDOWN_NOW),
                records);
    }

    /** Fences every unfenced broker whose session has timed out. */
    Outcome<List<Integer>> fenceExpired(final MetadataImage image) {
        final List<Integer> unfenced = image.brokers().values().stream()
                .filter(b -> !b.fenced())
                .map(BrokerRegistration::brokerId)
                .toList();
        final List<Integer> expired = sessions.expired(unfenced);
        MetadataImage next = image;
        final List<MetadataRecord> records = new ArrayList<>();
        for (final int id : expired) {
            LOG.info("Fencing broker {}: no heartbeat within the session timeout", id);
            final List<MetadataRecord> fencing = fence(next, next.brokers().get(id));
            for (final MetadataRecord record : fencing) {
                next = next.apply(record);
            }
            records.addAll(fencing);
        }
        return new Outcome<>(expired, records);
    }

    /**
     * @throws BrokerIdNotRegisteredException for a broker that is not registered
     */
    Outcome<Void> unregister(final MetadataImage image, final int brokerId) {
        final BrokerRegistration broker = image.brokers().get(brokerId);
        if (broker == null) {
            throw new BrokerIdNotRegisteredException("Broker ID " + brokerId + " is not currently registered");
        }
        final List<MetadataRecord> records =
                new ArrayList<>(LeaderMoves.awayFrom(image, brokerId, activeExcept(image, brokerId)));
        records.add(new UnregisterBrokerRecord(brokerId, broker.epoch()));
        sessions.remove(brokerId);
        return new Outcome<>(null, records);
    }

    private State nextState(
            final MetadataImage image,
            final BrokerRegistration broker,
            final State current,
            final BrokerHeartbeatSpec spec) {
        final int id = broker.brokerId();
        return switch (current) {
            case FENCED -> {
                if (spec.wantShutDown()) {
                    yield State.SHUTDOWN_NOW;
                }
                yield !spec.wantFence() && spec.currentMetadataOffset() >= broker.epoch()
                        ? State.UNFENCED
                        : State.FENCED;
            }
            case UNFENCED -> {
                if (spec.wantFence()) {
                    yield spec.wantShutDown() ? State.SHUTDOWN_NOW : State.FENCED;
                }
                if (spec.wantShutDown()) {
                    yield LeaderMoves.leadsAny(image, id) ? State.CONTROLLED_SHUTDOWN : State.SHUTDOWN_NOW;
                }
                yield State.UNFENCED;
            }
            case CONTROLLED_SHUTDOWN -> {
                if (LeaderMoves.leadsAny(image, id)) {
                    yield State.CONTROLLED_SHUTDOWN;
                }
                final List<Integer> active = image.brokers().values().stream()
                        .filter(BrokerRegistration::isActive)
                        .map(BrokerRegistration::brokerId)
                        .toList();
                yield sessions.controlledShutdownOffset(id) <= sessions.lowestOffset(active)
                        ? State.SHUTDOWN_NOW
                        : State.CONTROLLED_SHUTDOWN;
            }
            case SHUTDOWN_NOW -> State.SHUTDOWN_NOW;
        };
    }

    private static List<MetadataRecord> fence(final MetadataImage image, final BrokerRegistration broker) {
        final List<MetadataRecord> records = new ArrayList<>();
        records.add(new BrokerRegistrationChangeRecord(broker.brokerId(), broker.epoch(), Fencing.FENCE, false));
        records.addAll(LeaderMoves.awayFrom(image, broker.brokerId(), activeExcept(image, broker.brokerId())));
        return records;
    }

    private static BrokerRegistration checkEpoch(final MetadataImage image, final int id, final long epoch) {
        final BrokerRegistration broker = image.brokers().get(id);
        if (broker == null) {
            throw new StaleBrokerEpochException("No broker registration found for broker " + id);
        }
        if (broker.epoch() != epoch) {
            throw new StaleBrokerEpochException(
                    "Expected broker epoch " + broker.epoch() + ", but got broker epoch " + epoch);
        }
        return broker;
    }

    private static RegisterBrokerRecord registration(
            final BrokerRegistrationSpec spec, final long epoch, final boolean fenced) {
        return new RegisterBrokerRecord(
                spec.brokerId(),
                epoch,
                spec.incarnationId(),
                spec.host(),
                spec.port(),
                spec.listenerName(),
                spec.rack(),
                fenced);
    }

    private static boolean isActive(final MetadataImage image, final int brokerId) {
        final BrokerRegistration broker = image.brokers().get(brokerId);
        return broker != null && broker.isActive();
    }

    private static IntPredicate activeExcept(final MetadataImage image, final int brokerId) {
        return id -> id != brokerId && isActive(image, id);
    }
}
