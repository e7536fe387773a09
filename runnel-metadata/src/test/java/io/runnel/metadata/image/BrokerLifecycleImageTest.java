package io.runnel.metadata.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.runnel.metadata.record.BrokerRegistrationChangeRecord;
import io.runnel.metadata.record.BrokerRegistrationChangeRecord.Fencing;
import io.runnel.metadata.record.RegisterBrokerRecord;
import io.runnel.metadata.record.UnregisterBrokerRecord;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.Test;

/** A broker's registration, fencing, controlled shutdown and unregistration, as the image applies them. */
class BrokerLifecycleImageTest {
    private static final Uuid INCARNATION = Uuid.randomUuid();

    private static MetadataImage registered() {
        return MetadataImage.EMPTY.apply(
                new RegisterBrokerRecord(4, 0L, INCARNATION, "h", 9092, "PLAINTEXT", "r1", true));
    }

    @Test
    void shouldRegisterABrokerFencedWithItsEpochAndIncarnation() {
        final BrokerRegistration broker = registered().brokers().get(4);

        assertThat(broker.epoch()).isZero();
        assertThat(broker.incarnationId()).isEqualTo(INCARNATION);
        assertThat(broker.fenced()).isTrue();
        assertThat(broker.isActive()).isFalse();
    }

    @Test
    void shouldUnfenceFenceAndMarkControlledShutdownThroughChangeRecords() {
        final MetadataImage unfenced =
                registered().apply(new BrokerRegistrationChangeRecord(4, 0L, Fencing.UNFENCE, false));
        assertThat(unfenced.brokers().get(4).isActive()).isTrue();

        final MetadataImage shuttingDown =
                unfenced.apply(new BrokerRegistrationChangeRecord(4, 0L, Fencing.NONE, true));
        assertThat(shuttingDown.brokers().get(4).fenced()).isFalse();
        assertThat(shuttingDown.brokers().get(4).inControlledShutdown()).isTrue();
        assertThat(shuttingDown.brokers().get(4).isActive()).isFalse();

        final MetadataImage fenced =
                shuttingDown.apply(new BrokerRegistrationChangeRecord(4, 0L, Fencing.FENCE, false));
        assertThat(fenced.brokers().get(4).fenced()).isTrue();
        assertThat(fenced.lastOffset()).isEqualTo(3);
    }

    @Test
    void shouldGiveARegistrationWithoutEpochItsOffset() {
        final MetadataImage image = registered().apply(new RegisterBrokerRecord(5, "h5", 9092, "PLAINTEXT", null));

        assertThat(image.brokers().get(5).epoch()).isEqualTo(1);
    }

    @Test
    void shouldRemoveAnUnregisteredBrokerAndRefuseChangesOfAnotherEpochOrUnknownBroker() {
        assertThat(registered().apply(new UnregisterBrokerRecord(4, 0L)).brokers())
                .isEmpty();
        assertThatThrownBy(() -> registered().apply(new BrokerRegistrationChangeRecord(4, 7L, Fencing.FENCE, false)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("Broker 4 has epoch 0, not 7");
        assertThatThrownBy(() -> registered().apply(new UnregisterBrokerRecord(9, 0L)))
                .hasMessage("Broker 9 is not registered");
    }
}
