package io.runnel.it.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.runnel.it.RunnelJvm;
import io.runnel.storage.meta.MetaProperties;
import io.runnel.testsupport.Ports;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
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

/** A node's identity across processes: formatting, the quick start formatting itself, and refusals that say why. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class NodeIdentityProcessTest {
    private static final String TOPIC = "kept";

    @TempDir
    Path dir;

    @Test
    void shouldTakeOverADataDirectoryWrittenWithoutMetaPropertiesKeepingItsClusterTopicsAndRecords() throws Exception {
        final String clusterId;
        try (BrokerProcess broker = BrokerProcess.start("takeover", dir)) {
            try (Admin admin = broker.admin()) {
                clusterId = admin.describeCluster().clusterId().get(30, TimeUnit.SECONDS);
                admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1)))
                        .all()
                        .get(30, TimeUnit.SECONDS);
            }
            try (KafkaProducer<byte[], byte[]> producer = broker.producer()) {
                for (int i = 0; i < 10; i++) {
                    producer.send(new ProducerRecord<>(TOPIC, ("v" + i).getBytes(StandardCharsets.UTF_8)));
                }
                producer.flush();
            }
            assertThat(MetaProperties.read(dir).orElseThrow().clusterId())
                    .as("the quick start formats itself")
                    .isEqualTo(clusterId);
            broker.terminate(Duration.ofSeconds(10));
            // what the Runnel of before meta.properties left behind
            Files.delete(dir.resolve(MetaProperties.FILE_NAME));

            broker.start();

            try (Admin admin = broker.admin()) {
                assertThat(admin.describeCluster().clusterId().get(30, TimeUnit.SECONDS))
                        .isEqualTo(clusterId);
            }
            assertThat(MetaProperties.read(dir).orElseThrow().clusterId()).isEqualTo(clusterId);
            try (KafkaConsumer<byte[], byte[]> consumer = broker.consumer()) {
                final TopicPartition tp = new TopicPartition(TOPIC, 0);
                consumer.assign(List.of(tp));
                consumer.seekToBeginning(List.of(tp));
                final List<ConsumerRecord<byte[], byte[]>> read = new ArrayList<>();
                final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (read.size() < 10 && System.nanoTime() < deadline) {
                    consumer.poll(Duration.ofMillis(200)).forEach(read::add);
                }
                assertThat(read).hasSize(10);
            }
        }
    }

    @Test
    void shouldRefuseToStartANodeWithRolesUntilFormattedAndThenServeTheFormattedCluster() throws Exception {
        final int controllerPort = Ports.free();
        final String[] combined = {
            "process.roles",
            "broker,controller",
            "listeners",
            "PLAINTEXT://127.0.0.1:" + BrokerProcess.PORT + ",CONTROLLER://127.0.0.1:" + controllerPort,
            "controller.listener.names",
            "CONTROLLER",
            "controller.quorum.voters",
            "1@127.0.0.1:" + controllerPort
        };
        assertThatThrownBy(
                        () -> BrokerProcess.start("unformatted", dir, combined).close())
                .hasMessageContaining("broker exited with 1")
                .hasMessageContaining("No `meta.properties` found in " + dir)
                .hasMessageContaining("bin/runnel format");

        final String clusterId = "MkU3OEVBNTcwNTJENDM2Qg";
        final Path config = Files.writeString(
                dir.resolve("server.properties"),
                "process.roles=broker,controller\ncontroller.listener.names=CONTROLLER\nlisteners=PLAINTEXT://:9092,"
                        + "CONTROLLER://:" + controllerPort + "\ncontroller.quorum.voters=1@127.0.0.1:" + controllerPort
                        + "\nlog.dirs=" + dir + "\n");
        final Process format = new ProcessBuilder(RunnelJvm.command(
                        List.of(), List.of("format", "--cluster-id", clusterId, "--config", config.toString())))
                .redirectErrorStream(true)
                .start();
        assertThat(format.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(new String(format.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
                .contains("Formatting " + dir);
        assertThat(format.exitValue()).isZero();

        try (BrokerProcess broker = BrokerProcess.start("formatted", dir, combined);
                Admin admin = broker.admin()) {
            assertThat(admin.describeCluster().clusterId().get(30, TimeUnit.SECONDS))
                    .isEqualTo(clusterId);
        }
    }

    @Test
    void shouldRefuseToStartWithAnotherNodeIdThanItsDirectoriesWereFormattedFor() throws Exception {
        try (BrokerProcess broker = BrokerProcess.start("node-1", dir)) {
            broker.terminate(Duration.ofSeconds(10));
        }

        assertThatThrownBy(
                        () -> BrokerProcess.start("node-2", dir, "node.id", "2").close())
                .hasMessageContaining("Stored node id 1 doesn't match previous node id 2 in " + dir);
    }
}
