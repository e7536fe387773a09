package io.runnel.metadata.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.CompletionException;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.BrokerIdNotRegisteredException;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;

/** The broker lifecycle commands through the controller: written to the log, answered in Kafka's errors. */
class BrokerCommandsControllerTest extends ControllerTestBase {
    private BrokerRegistrationSpec spec(final int id) {
        return new BrokerRegistrationSpec(
                id, controller.image().clusterId(), Uuid.randomUuid(), "host" + id, 9092, "PLAINTEXT", "rack-" + id);
    }

    @Test
    void shouldRegisterHeartbeatAndUnregisterABrokerThroughTheLog() {
        final long epoch = controller.registerBroker(spec(2)).join();
        assertThat(controller.image().brokers().get(2).fenced()).isTrue();
        assertThat(controller.image().brokers().get(2).rack()).isEqualTo("rack-2");

        final BrokerHeartbeatReply reply = controller
                .brokerHeartbeat(
                        new BrokerHeartbeatSpec(2, epoch, controller.image().lastOffset(), false, false))
                .join();
        assertThat(reply.isFenced()).isFalse();
        assertThat(restart().image().brokers().get(2).isActive()).as("durable").isTrue();

        controller.unregisterBroker(2).join();
        assertThat(controller.image().brokers()).doesNotContainKey(2);
    }

    @Test
    void shouldFailWithKafkasErrorsWhatTheLifecycleRefuses() {
        assertThatThrownBy(() -> controller.unregisterBroker(9).join())
                .isInstanceOf(CompletionException.class)
                .hasCauseInstanceOf(BrokerIdNotRegisteredException.class);
        final Throwable stale = controller
                .brokerHeartbeat(new BrokerHeartbeatSpec(9, 1, 0, false, false))
                .handle((r, e) -> e)
                .join();
        assertThat(ApiError.fromThrowable(stale).error()).isEqualTo(Errors.STALE_BROKER_EPOCH);
    }
}
