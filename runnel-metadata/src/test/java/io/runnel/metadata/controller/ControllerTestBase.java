package io.runnel.metadata.controller;

import static org.assertj.core.api.Assertions.assertThat;

import io.runnel.metadata.image.BrokerRegistration;
import io.runnel.metadata.log.LocalMetadataLog;
import io.runnel.metadata.log.MetadataLog;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * A controller on a {@link LocalMetadataLog} in a temporary directory, restarted on the same log
 * when a test needs it; the tests of the controller and of each command extend it.
 */
abstract class ControllerTestBase {
    static final BrokerRegistration SELF = new BrokerRegistration(1, "localhost", 9092, "PLAINTEXT", null);

    @TempDir
    Path dir;

    final List<AutoCloseable> toClose = new ArrayList<>();
    MetadataController controller;

    @BeforeEach
    void setUp() {
        controller = startController(SELF, Map.of());
    }

    @AfterEach
    void tearDown() {
        closeAll();
    }

    void closeAll() {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            try {
                toClose.get(i).close();
            } catch (final Exception e) {
                throw new AssertionError(e);
            }
        }
        toClose.clear();
    }

    /** Opens the log in {@link #dir} and starts a controller on it; both are closed after the test. */
    MetadataController startController(final BrokerRegistration self, final Map<String, String> brokerProperties) {
        final MetadataLog log = LocalMetadataLog.open(dir);
        toClose.add(log);
        final MetadataController started = new MetadataController(log, self, 3, (short) 1, brokerProperties);
        toClose.add(started);
        started.start().join();
        return started;
    }

    /** Stops the controller and its log, then starts a new one on the same log as {@code self}. */
    MetadataController restartAs(final BrokerRegistration self, final Map<String, String> brokerProperties) {
        closeAll();
        controller = startController(self, brokerProperties);
        return controller;
    }

    MetadataController restart() {
        return restartAs(SELF, Map.of());
    }

    /** Registers another broker (by starting a controller as it once), then comes back as broker 1. */
    void registerBroker(final int id) {
        restartAs(new BrokerRegistration(id, "host" + id, 9092, "PLAINTEXT", null), Map.of());
        restart();
    }

    CreateTopicResult create(final CreateTopicSpec spec) {
        final List<CreateTopicResult> results =
                controller.createTopics(List.of(spec), false).join();
        assertThat(results).hasSize(1);
        return results.get(0);
    }

    static void assertError(final ApiError error, final Errors expected) {
        assertThat(error.error()).as(error.messageOrDefault()).isEqualTo(expected);
    }
}
