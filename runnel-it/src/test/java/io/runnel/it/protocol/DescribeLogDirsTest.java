package io.runnel.it.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.runnel.it.TestBroker;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.LogDirDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.DescribeLogDirsRequestData;
import org.apache.kafka.common.message.DescribeLogDirsResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** DescribeLogDirs as Kafka answers it: a null topic list means every partition, an empty one none. */
@Timeout(60)
class DescribeLogDirsTest {
    private static final short V5 = 5;

    @TempDir
    static Path tmp;

    private static TestBroker broker;

    @BeforeAll
    static void startBroker() throws Exception {
        broker = TestBroker.start(tmp, "log.dirs", tmp.resolve("d1") + "," + tmp.resolve("d2"));
        try (WireClient client = WireClient.connect(broker.port())) {
            client.roundTrip(Requests.createTopic("three", 3, Map.of()), (short) 7);
            client.roundTrip(Requests.produce("three", null, Requests.records("a", "b"), (short) 12), (short) 12);
        }
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void shouldDescribeEveryPartitionOfEveryDirectoryWhenTopicsAreNull() throws Exception {
        final DescribeLogDirsResponseData response = describe(new DescribeLogDirsRequestData().setTopics(null));
        assertThat(response.errorCode()).isZero();
        assertThat(response.results())
                .extracting(DescribeLogDirsResponseData.DescribeLogDirsResult::logDir)
                .containsExactly(tmp.resolve("d1").toString(), tmp.resolve("d2").toString());
        assertThat(response.results()).allSatisfy(dir -> {
            assertThat(dir.errorCode()).isEqualTo(Errors.NONE.code());
            assertThat(dir.usableBytes()).isPositive().isLessThanOrEqualTo(dir.totalBytes());
            assertThat(dir.isCordoned()).as("Runnel cordons no directory").isFalse();
        });
        assertThat(response.results().stream()
                        .flatMap(d -> d.topics().stream())
                        .filter(t -> t.name().equals("three"))
                        .mapToInt(t -> t.partitions().size())
                        .sum())
                .isEqualTo(3);
        final DescribeLogDirsResponseData.DescribeLogDirsPartition first = partition(response, 0);
        assertThat(first.partitionSize()).as("two records in partition 0").isPositive();
        assertThat(first.offsetLag()).isZero();
        assertThat(first.isFutureKey()).isFalse();
        assertThat(partition(response, 1).partitionSize()).isZero();
    }

    @Test
    void shouldListTheDirectoriesWithoutPartitionsWhenTopicsAreEmpty() throws Exception {
        final DescribeLogDirsResponseData response = describe(new DescribeLogDirsRequestData());
        assertThat(response.results())
                .hasSize(2)
                .allSatisfy(dir -> assertThat(dir.topics()).isEmpty());
    }

    @Test
    void shouldLeaveOutUnknownTopicsAndPartitionsWithoutAnError() throws Exception {
        final DescribeLogDirsRequestData request = new DescribeLogDirsRequestData();
        request.topics()
                .add(new DescribeLogDirsRequestData.DescribableLogDirTopic()
                        .setTopic("missing")
                        .setPartitions(List.of(0)));
        request.topics()
                .add(new DescribeLogDirsRequestData.DescribableLogDirTopic()
                        .setTopic("three")
                        .setPartitions(List.of(2, 9)));
        final DescribeLogDirsResponseData response = describe(request);
        assertThat(response.errorCode()).isZero();
        assertThat(response.results())
                .allSatisfy(dir -> assertThat(dir.errorCode()).isZero());
        assertThat(response.results().stream().flatMap(d -> d.topics().stream()))
                .singleElement()
                .satisfies(topic -> {
                    assertThat(topic.name()).isEqualTo("three");
                    assertThat(topic.partitions())
                            .extracting(DescribeLogDirsResponseData.DescribeLogDirsPartition::partitionIndex)
                            .containsExactly(2);
                });
    }

    /** kafka-clients 4.4.0's Admin asks at v5 and reads IsCordoned. */
    @Test
    void shouldDescribeTheDirectoriesToAdminAsNotCordoned() throws Exception {
        final int node = broker.broker().config().nodeId();
        final Map<String, LogDirDescription> dirs;
        try (Admin admin = broker.admin()) {
            dirs = admin.describeLogDirs(List.of(node)).allDescriptions().get().get(node);
        }
        assertThat(dirs)
                .containsOnlyKeys(
                        tmp.resolve("d1").toString(), tmp.resolve("d2").toString());
        assertThat(dirs.values()).allSatisfy(dir -> {
            assertThat(dir.error()).isNull();
            assertThat(dir.isCordoned()).isFalse();
            assertThat(dir.totalBytes()).isPresent();
        });
        assertThat(dirs.values().stream().flatMap(d -> d.replicaInfos().keySet().stream()))
                .contains(
                        new TopicPartition("three", 0), new TopicPartition("three", 1), new TopicPartition("three", 2));
    }

    private static DescribeLogDirsResponseData describe(final DescribeLogDirsRequestData request) throws Exception {
        try (WireClient client = WireClient.connect(broker.port())) {
            return client.roundTrip(request, V5);
        }
    }

    private static DescribeLogDirsResponseData.DescribeLogDirsPartition partition(
            final DescribeLogDirsResponseData response, final int index) {
        return response.results().stream()
                .flatMap(d -> d.topics().stream())
                .filter(t -> t.name().equals("three"))
                .flatMap(t -> t.partitions().stream())
                .filter(p -> p.partitionIndex() == index)
                .findFirst()
                .orElseThrow();
    }
}
