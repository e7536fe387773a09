package io.runnel.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.runnel.broker.Broker;
import io.runnel.broker.config.BrokerConfig;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keeps the fetch-position and cold-reader benchmarks honest against a real in-process Runnel: what they time is
 * a fill that reaches the size asked for, fetch passes that receive every record of their window exactly once,
 * and a producer whose every record was acknowledged.
 */
class FetchPositionBenchmarkTest {
    private static final String TOPIC = "fetch-position-test";

    @TempDir
    Path dataDir;

    private Broker broker;

    @BeforeEach
    void startBroker() throws Exception {
        final int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        final String listener = "PLAINTEXT://127.0.0.1:" + port;
        broker = Broker.start(new BrokerConfig(
                Map.of("listeners", listener, "advertised.listeners", listener, "log.dirs", dataDir.toString())));
    }

    @AfterEach
    void stopBroker() {
        broker.close();
    }

    private String bootstrap() {
        return "127.0.0.1:" + broker.port();
    }

    @Test
    void shouldFillOnlyWhatIsMissing() throws Exception {
        try (TopicFiller filler = new TopicFiller(bootstrap(), TOPIC)) {
            filler.createIfMissing();
            assertThat(filler.fillTo(1000)).isEqualTo(1000);
            assertThat(filler.fillTo(1500)).isEqualTo(500);
            assertThat(filler.fillTo(1500)).isZero();
            assertThat(filler.endOffset()).isEqualTo(1500);
        }
    }

    @Test
    void shouldReadEveryRecordOfTheHeadAndTheTailWindowOnce() throws Exception {
        final Uuid topicId;
        try (TopicFiller filler = new TopicFiller(bootstrap(), TOPIC)) {
            topicId = filler.createIfMissing();
            filler.fillTo(4096); // 4 MiB: each window of 1,024 records takes more than one 1 MiB request
        }
        final TopicPartition partition = new TopicPartition(TOPIC, 0);
        try (RawFetchLoop fetcher = new RawFetchLoop("127.0.0.1", broker.port())) {
            final RawFetchLoop.Pass head = fetcher.read(partition, topicId, 0, 1024);
            final RawFetchLoop.Pass tail = fetcher.read(partition, topicId, 4096 - 1024, 4096);

            assertThat(head.firstOffset()).isZero();
            assertThat(head.nextOffset()).isGreaterThanOrEqualTo(1024);
            assertThat(tail.nextOffset()).isEqualTo(4096);
            for (final RawFetchLoop.Pass pass : new RawFetchLoop.Pass[] {head, tail}) {
                final long records = pass.nextOffset() - pass.firstOffset();
                assertThat(pass.bytes()).isGreaterThan(records * TopicFiller.RECORD_BYTES);
                assertThat(pass.latency().count()).isGreaterThan(1);
            }
        }
    }

    @Test
    void shouldHaveEveryPacedRecordAcknowledged() {
        try (TopicFiller topic = new TopicFiller(bootstrap(), "paced-test");
                PacedProducer producer = new PacedProducer(bootstrap(), "paced-test", 500)) {
            topic.createIfMissing();
            final Percentiles latency = producer.run(1);
            assertThat(latency.count()).isEqualTo(500);
            assertThat(topic.endOffset()).isEqualTo(500);
        } catch (final Exception e) {
            throw new AssertionError(e);
        }
    }
}
