package io.runnel.metadata.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.runnel.metadata.image.MetadataImage;
import io.runnel.metadata.image.PartitionImage;
import io.runnel.metadata.record.ClusterIdRecord;
import io.runnel.metadata.record.MetadataRecord;
import io.runnel.metadata.record.PartitionRecord;
import io.runnel.metadata.record.TopicRecord;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.BrokerIdNotRegisteredException;
import org.apache.kafka.common.errors.DuplicateBrokerRegistrationException;
import org.apache.kafka.common.errors.InconsistentClusterIdException;
import org.apache.kafka.common.errors.StaleBrokerEpochException;
import org.junit.jupiter.api.Test;

/** Brokers' registration, heartbeats, fencing and controlled shutdown, decided as KRaft's controller decides them. */
class BrokerLifecycleTest {
    private static final String CLUSTER = "MkU3OEVBNTcwNTJENDM2Qg";
    private static final long SESSION_MS = 9_000;
    private static final Uuid TOPIC = Uuid.randomUuid();

    private final AtomicLong nanos = new AtomicLong();
    private final BrokerLifecycle lifecycle = new BrokerLifecycle(new BrokerSessions(SESSION_MS, nanos::get));
    private MetadataImage image = MetadataImage.EMPTY.apply(new ClusterIdRecord(CLUSTER));

    private <T> T run(final Outcome<T> outcome) {
        for (final MetadataRecord record : outcome.records()) {
            image = image.apply(record);
        }
        return outcome.result();
    }

    private long register(final int id, final Uuid incarnation) {
        return run(lifecycle.register(
                image, new BrokerRegistrationSpec(id, CLUSTER, incarnation, "host" + id, 9092, "PLAINTEXT", null)));
    }

    private BrokerHeartbeatReply heartbeat(final int id, final boolean wantShutDown) {
        return run(lifecycle.heartbeat(
                image,
                new BrokerHeartbeatSpec(id, image.brokers().get(id).epoch(), image.lastOffset(), false, wantShutDown)));
    }

    /** Brokers 1..n registered and unfenced, then a topic whose partition p has replicas {@code replicas[p]}. */
    private void cluster(final int brokers, final List<List<Integer>> replicas) {
        for (int id = 1; id <= brokers; id++) {
            register(id, Uuid.randomUuid());
            heartbeat(id, false);
        }
        image = image.apply(new TopicRecord("t", TOPIC));
        for (int p = 0; p < replicas.size(); p++) {
            image = image.apply(new PartitionRecord(
                    TOPIC, p, replicas.get(p), replicas.get(p), replicas.get(p).get(0), 0, 0));
        }
    }

    private PartitionImage partition(final int p) {
        return image.topic(TOPIC).partitions().get(p);
    }

    private void advanceMs(final long ms) {
        nanos.addAndGet(TimeUnit.MILLISECONDS.toNanos(ms));
    }

    @Test
    void shouldRegisterFencedWithTheOffsetOfItsRegistrationAsEpochAndUnfenceOnceCaughtUp() {
        final long epoch = register(1, Uuid.randomUuid());

        assertThat(epoch).isEqualTo(image.lastOffset());
        assertThat(image.brokers().get(1).fenced()).isTrue();
        final BrokerHeartbeatReply behind =
                run(lifecycle.heartbeat(image, new BrokerHeartbeatSpec(1, epoch, epoch - 1, false, false)));
        assertThat(behind).isEqualTo(new BrokerHeartbeatReply(false, true, false, false));

        final BrokerHeartbeatReply caughtUp = heartbeat(1, false);

        assertThat(caughtUp).isEqualTo(new BrokerHeartbeatReply(true, false, false, false));
        assertThat(image.brokers().get(1).isActive()).isTrue();
    }

    @Test
    void shouldRefuseASecondProcessWithTheSameIdWhileTheFirstHasASession() {
        register(1, Uuid.randomUuid());
        heartbeat(1, false);

        assertThatThrownBy(() -> register(1, Uuid.randomUuid()))
                .isInstanceOf(DuplicateBrokerRegistrationException.class)
                .hasMessage("Another broker is registered with that broker id.");

        advanceMs(SESSION_MS);
        final long newEpoch = register(1, Uuid.randomUuid());
        assertThat(newEpoch).isGreaterThan(0);
        assertThat(image.brokers().get(1).fenced()).isTrue();
    }

    @Test
    void shouldKeepTheEpochWhenTheSameProcessRegistersAgain() {
        final Uuid incarnation = Uuid.randomUuid();
        final long epoch = register(1, incarnation);
        final long offset = image.lastOffset();

        assertThat(register(1, incarnation)).isEqualTo(epoch);
        assertThat(image.lastOffset()).as("nothing written").isEqualTo(offset);
    }

    @Test
    void shouldRefuseAnotherClustersBrokerAndHeartbeatsOfStaleEpochs() {
        assertThatThrownBy(() -> run(lifecycle.register(
                        image, new BrokerRegistrationSpec(1, "other", Uuid.randomUuid(), "h", 1, "PLAINTEXT", null))))
                .isInstanceOf(InconsistentClusterIdException.class)
                .hasMessage("Expected cluster ID " + CLUSTER + ", but got cluster ID other");
        final long epoch = register(1, Uuid.randomUuid());

        assertThatThrownBy(
                        () -> run(lifecycle.heartbeat(image, new BrokerHeartbeatSpec(1, epoch - 1, 0, false, false))))
                .isInstanceOf(StaleBrokerEpochException.class)
                .hasMessage("Expected broker epoch " + epoch + ", but got broker epoch " + (epoch - 1));
        assertThatThrownBy(() -> run(lifecycle.heartbeat(image, new BrokerHeartbeatSpec(7, 1, 0, false, false))))
                .isInstanceOf(StaleBrokerEpochException.class)
                .hasMessage("No broker registration found for broker 7");
    }

    @Test
    void shouldFenceABrokerWithoutHeartbeatsAndMoveItsLeadershipsToTheNextIsrMember() {
        cluster(3, List.of(List.of(1, 2), List.of(2, 3), List.of(1)));
        advanceMs(SESSION_MS / 2);
        heartbeat(2, false);
        heartbeat(3, false);
        advanceMs(SESSION_MS / 2 + 1);

        assertThat(run(lifecycle.fenceExpired(image))).containsExactly(1);

        assertThat(image.brokers().get(1).fenced()).isTrue();
        assertThat(partition(0)).isEqualTo(new PartitionImage(List.of(1, 2), List.of(2), 2, 1, 1));
        assertThat(partition(1)).as("untouched").isEqualTo(new PartitionImage(List.of(2, 3), List.of(2, 3), 2, 0, 0));
        assertThat(partition(2))
                .as("the last ISR member stays, leaderless")
                .isEqualTo(new PartitionImage(List.of(1), List.of(1), -1, 1, 1));
    }

    @Test
    void shouldNeverFenceEveryBrokerWhenAControllerBecomesActive() {
        cluster(2, List.of(List.of(1)));
        advanceMs(10 * SESSION_MS);

        lifecycle.activate(image);

        assertThat(run(lifecycle.fenceExpired(image))).isEmpty();
    }

    @Test
    void shouldGiveAnUnfencedBrokerBackTheLeaderlessPartitionsWhoseIsrItIsIn() {
        cluster(2, List.of(List.of(1)));
        advanceMs(SESSION_MS + 1);
        heartbeat(2, false);
        run(lifecycle.fenceExpired(image));
        assertThat(partition(0).leader()).isEqualTo(-1);

        heartbeat(1, false);

        assertThat(partition(0)).isEqualTo(new PartitionImage(List.of(1), List.of(1), 1, 2, 2));
    }

    @Test
    void shouldShutDownAtOnceABrokerThatLeadsNothing() {
        cluster(2, List.of(List.of(1)));

        final BrokerHeartbeatReply reply = heartbeat(2, true);

        assertThat(reply.shouldShutDown()).isTrue();
        assertThat(image.brokers().get(2).fenced()).isTrue();
    }

    @Test
    void shouldMoveLeadershipsOffABrokerInControlledShutdownBeforeLettingItGo() {
        cluster(2, List.of(List.of(1, 2), List.of(1)));

        final BrokerHeartbeatReply first = heartbeat(1, true);

        assertThat(first).isEqualTo(new BrokerHeartbeatReply(true, false, true, false));
        assertThat(image.brokers().get(1).inControlledShutdown()).isTrue();
        assertThat(partition(0)).isEqualTo(new PartitionImage(List.of(1, 2), List.of(2), 2, 1, 1));
        assertThat(partition(1).leader()).isEqualTo(-1);

        heartbeat(2, false);
        final BrokerHeartbeatReply second = heartbeat(1, true);

        assertThat(second.shouldShutDown()).isTrue();
        assertThat(image.brokers().get(1).fenced()).isTrue();
    }

    @Test
    void shouldWaitForEveryActiveBrokerToSeeTheShutdownChangesBeforeLettingTheBrokerGo() {
        cluster(2, List.of(List.of(1, 2)));
        heartbeat(1, true);

        final BrokerHeartbeatReply early = heartbeat(1, true);

        assertThat(early.shouldShutDown())
                .as("broker 2 has not reported the new offset yet")
                .isFalse();
    }

    @Test
    void shouldRemoveAnUnregisteredBrokerFromIsrsAndRefuseAnUnknownOne() {
        cluster(2, List.of(List.of(1, 2)));

        run(lifecycle.unregister(image, 1));

        assertThat(image.brokers()).containsOnlyKeys(2);
        assertThat(partition(0)).isEqualTo(new PartitionImage(List.of(1, 2), List.of(2), 2, 1, 1));
        assertThatThrownBy(() -> run(lifecycle.unregister(image, 1)))
                .isInstanceOf(BrokerIdNotRegisteredException.class)
                .hasMessage("Broker ID 1 is not currently registered");
    }
}
