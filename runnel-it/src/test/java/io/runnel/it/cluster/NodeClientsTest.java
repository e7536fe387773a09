package io.runnel.it.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.runnel.it.TestBroker;
import io.runnel.network.client.NodeClients;
import io.runnel.network.client.NodeConnection;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.errors.DisconnectException;
import org.apache.kafka.common.errors.NetworkException;
import org.apache.kafka.common.message.CreateTopicsRequestData;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.CreateTopicsRequest;
import org.apache.kafka.common.requests.CreateTopicsResponse;
import org.apache.kafka.common.requests.MetadataRequest;
import org.apache.kafka.common.requests.MetadataResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The connections one node opens to another: Kafka's wire, the versions both know, failures as errors. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class NodeClientsTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    private final NodeClients clients = new NodeClients("test-client", 1, "runnel-test", 16 << 20);

    @AfterEach
    void close() {
        clients.close();
    }

    @Test
    void shouldSendRequestsAtTheNegotiatedVersionAndMatchEachResponseToItsRequest() throws Exception {
        try (TestBroker broker = TestBroker.start(dir)) {
            final NodeConnection connection = clients.connect(
                            new InetSocketAddress("127.0.0.1", broker.port()), TIMEOUT)
                    .get(10, TimeUnit.SECONDS);

            final CreateTopicsRequestData create = new CreateTopicsRequestData().setTimeoutMs(10_000);
            create.topics()
                    .add(new CreateTopicsRequestData.CreatableTopic()
                            .setName("wired")
                            .setNumPartitions(3)
                            .setReplicationFactor((short) 1));
            final CompletableFuture<CreateTopicsResponse> created =
                    connection.send(new CreateTopicsRequest.Builder(create));
            final CompletableFuture<MetadataResponse> metadata =
                    created.thenCompose(r -> connection.send(new MetadataRequest.Builder(new MetadataRequestData()
                            .setTopics(List.of(new MetadataRequestData.MetadataRequestTopic().setName("wired"))))));

            assertThat(created.get(10, TimeUnit.SECONDS)
                            .data()
                            .topics()
                            .find("wired")
                            .errorCode())
                    .isEqualTo(Errors.NONE.code());
            assertThat(metadata.get(10, TimeUnit.SECONDS).topicMetadata())
                    .singleElement()
                    .satisfies(topic -> assertThat(topic.partitionMetadata()).hasSize(3));
            connection.close();
        }
    }

    @Test
    void shouldFailAConnectionToANodeThatIsNotThere() {
        assertThatThrownBy(() -> clients.connect(new InetSocketAddress("127.0.0.1", TestBroker.freePort()), TIMEOUT)
                        .get(10, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(NetworkException.class)
                .hasMessageContaining("Cannot connect to");
    }

    @Test
    void shouldFailWhatIsStillWaitingAndEverythingAfterWhenTheNodeGoesAway() throws Exception {
        final NodeConnection connection;
        try (TestBroker broker = TestBroker.start(dir)) {
            connection = clients.connect(new InetSocketAddress("127.0.0.1", broker.port()), TIMEOUT)
                    .get(10, TimeUnit.SECONDS);
        }

        final CompletableFuture<MetadataResponse> after =
                connection.send(new MetadataRequest.Builder(new MetadataRequestData()));
        assertThatThrownBy(() -> after.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(DisconnectException.class);
        assertThat(connection.isOpen()).isFalse();
    }
}
