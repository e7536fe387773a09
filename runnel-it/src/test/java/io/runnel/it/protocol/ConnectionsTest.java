package io.runnel.it.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.runnel.it.TestBroker;
import io.runnel.testsupport.Await;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Connection lifecycle: idle connections are closed, and many connections are served at once without leaks. */
@Timeout(60)
class ConnectionsTest {
    /** KIP-511: from v3 the client names its software, or gets INVALID_REQUEST. */
    private static final ApiVersionsRequestData API_VERSIONS =
            new ApiVersionsRequestData().setClientSoftwareName("runnel-test").setClientSoftwareVersion("1.0");

    @TempDir
    Path dir;

    @Test
    void shouldCloseAConnectionIdleForLongerThanConnectionsMaxIdleMs() throws Exception {
        try (TestBroker broker = TestBroker.start(dir, "connections.max.idle.ms", "300");
                WireClient idle = WireClient.connect(broker.port());
                WireClient busy = WireClient.connect(broker.port())) {
            assertThat(idle.<ApiVersionsResponseData>roundTrip(API_VERSIONS, (short) 3)
                            .errorCode())
                    .isZero();
            // the busy connection keeps talking, so only the idle one is closed
            for (int i = 0; i < 8; i++) {
                Thread.sleep(100); // deliberate: time passes, 800 ms in all, past the idle limit
                busy.roundTrip(API_VERSIONS, (short) 3);
            }
            assertThat(idle.closedByPeer()).isTrue();
            assertThat(busy.<ApiVersionsResponseData>roundTrip(API_VERSIONS, (short) 3)
                            .errorCode())
                    .isZero();
        }
    }

    @Test
    void shouldServeManyConcurrentConnectionsAndReleaseThemAll() throws Exception {
        try (TestBroker broker = TestBroker.start(dir)) {
            final long fdsBefore = WireClient.openFileDescriptors();
            final int connections = 200;
            final ExecutorService pool = Executors.newFixedThreadPool(16);
            try {
                final List<WireClient> clients = new ArrayList<>();
                for (int i = 0; i < connections; i++) {
                    clients.add(WireClient.connect(broker.port()));
                }
                final List<Future<Integer>> results = new ArrayList<>();
                for (final WireClient client : clients) {
                    results.add(pool.submit(() -> {
                        // pipelined: three requests out before the first answer is read
                        final int a = client.send(API_VERSIONS, (short) 3);
                        final int m = client.send(new MetadataRequestData().setTopics(null), (short) 12);
                        final int b = client.send(new ApiVersionsRequestData(), (short) 0);
                        final ApiVersionsResponseData first = client.receive(ApiKeys.API_VERSIONS, (short) 3, a);
                        final MetadataResponseData metadata = client.receive(ApiKeys.METADATA, (short) 12, m);
                        final ApiVersionsResponseData last = client.receive(ApiKeys.API_VERSIONS, (short) 0, b);
                        assertThat(metadata.brokers()).hasSize(1);
                        return first.errorCode() + last.errorCode();
                    }));
                }
                for (final Future<Integer> result : results) {
                    assertThat(result.get()).isEqualTo(Errors.NONE.code());
                }
                for (final WireClient client : clients) {
                    client.close();
                }
            } finally {
                pool.shutdownNow();
            }
            // the broker closes its side too: its descriptors return to where they were
            Await.until(
                    Duration.ofSeconds(5),
                    () -> WireClient.openFileDescriptors() <= fdsBefore + 5,
                    "the broker's descriptors return to where they were");
            final long fdsAfter = WireClient.openFileDescriptors();
            assertThat(fdsAfter).isLessThanOrEqualTo(fdsBefore + 5);
        }
    }
}
