package io.runnel.it.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.runnel.testsupport.Clients;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cluster harness on the smallest cluster: one combined node, formatted and started as a process, serving
 * clients; killed with -9 and started again it registers anew and is unfenced; a SIGTERM stops it after its
 * controlled shutdown.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ClusterOfOneTest {
    @TempDir
    Path dir;

    @Test
    void shouldServeClientsAndComeBackAfterAKill() throws Exception {
        try (TestCluster cluster = TestCluster.combined("one", dir, 1).start()) {
            try (Admin admin = cluster.admin()) {
                assertThat(admin.describeCluster().clusterId().get(10, TimeUnit.SECONDS))
                        .isEqualTo(cluster.clusterId());
                admin.createTopics(List.of(new NewTopic("t", 2, (short) 1)))
                        .all()
                        .get(30, TimeUnit.SECONDS);
            }
            produce(cluster, 0, 10);

            cluster.node(1).kill();
            cluster.node(1).start();
            cluster.node(1).awaitUnfenced();

            produce(cluster, 10, 20);
            assertThat(consume(cluster, 20)).hasSize(20);
            final Duration exit = cluster.node(1).terminate(Duration.ofSeconds(30));
            System.out.printf("combined node exited %d ms after SIGTERM%n", exit.toMillis());
            assertThat(cluster.node(1).log()).contains("has let broker 1 shut down");
        }
    }

    private static void produce(final TestCluster cluster, final int from, final int to) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(cluster.bootstrap())) {
            for (int i = from; i < to; i++) {
                producer.send(new ProducerRecord<>("t", i % 2, null, ("v" + i).getBytes(StandardCharsets.UTF_8)))
                        .get(30, TimeUnit.SECONDS);
            }
        }
    }

    private static List<ConsumerRecord<byte[], byte[]>> consume(final TestCluster cluster, final int count) {
        final List<ConsumerRecord<byte[], byte[]>> read = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = Clients.consumer(cluster.bootstrap())) {
            final List<TopicPartition> partitions = List.of(new TopicPartition("t", 0), new TopicPartition("t", 1));
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (read.size() < count && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(read::add);
            }
        }
        return read;
    }
}
