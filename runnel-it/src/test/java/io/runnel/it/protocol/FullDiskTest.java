package io.runnel.it.protocol;

import static io.runnel.it.protocol.LogDirFailureTest.assertStorageErrorEverywhere;
import static io.runnel.it.protocol.LogDirFailureTest.consumeAll;
import static io.runnel.it.protocol.LogDirFailureTest.createTopic;
import static io.runnel.it.protocol.LogDirFailureTest.partitionsIn;
import static org.assertj.core.api.Assertions.assertThat;

import io.runnel.it.TestBroker;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.LogDirDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real full disk: the second log directory is a 2 MiB tmpfs, filled by producing until the kernel answers
 * ENOSPC. Needs the right to mount (root on Linux); skipped where mounting is not permitted.
 */
@Timeout(120)
class FullDiskTest {
    private static final int RECORD = 16 * 1024;
    /** Far more than the 2 MiB the disk holds, so the loop ends by the disk filling up or the test fails. */
    private static final int MAX_RECORDS = 1_000;

    @TempDir
    Path tmp;

    private Path small;
    private boolean mounted;

    @BeforeEach
    void mountSmallDisk() throws Exception {
        small = Files.createDirectories(tmp.resolve("small"));
        final Process mount = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", small.toString())
                .redirectErrorStream(true)
                .start();
        final String output = new String(mount.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        final boolean ended = mount.waitFor(30, TimeUnit.SECONDS);
        Assumptions.assumeTrue(
                ended && mount.exitValue() == 0, () -> "mounting a tmpfs is not permitted here: " + output.strip());
        mounted = true;
    }

    @AfterEach
    void unmount() throws Exception {
        if (!mounted) {
            return;
        }
        // the broker is closed by now; a lazy unmount still detaches if a mapping outlives it
        if (run("umount", small.toString()) != 0) {
            assertThat(run("umount", "-l", small.toString()))
                    .as("unmounting %s", small)
                    .isZero();
        }
    }

    private static int run(final String... command) throws IOException, InterruptedException {
        final Process process =
                new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getInputStream().readAllBytes();
        return process.waitFor(30, TimeUnit.SECONDS) ? process.exitValue() : -1;
    }

    @Test
    void shouldAnswerKafkaStorageErrorForTheFullDirectoryAndKeepServingTheOther() throws Exception {
        final Path big = tmp.resolve("big");
        try (TestBroker broker = TestBroker.start(tmp, "log.dirs", big + "," + small);
                Admin admin = broker.admin();
                KafkaProducer<byte[], byte[]> producer = broker.producer(
                        ProducerConfig.RETRIES_CONFIG,
                        0,
                        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                        false,
                        ProducerConfig.LINGER_MS_CONFIG,
                        0)) {
            createTopic(admin, "roomy");
            createTopic(admin, "cramped");
            final int node = broker.broker().config().nodeId();
            assertThat(partitionsIn(admin, node, small)).containsExactly(new TopicPartition("cramped", 0));

            Throwable failure = null;
            int written = 0;
            while (failure == null && written < MAX_RECORDS) {
                try {
                    producer.send(new ProducerRecord<>("cramped", new byte[RECORD]))
                            .get(30, TimeUnit.SECONDS);
                    written++;
                } catch (final ExecutionException e) {
                    failure = e.getCause();
                }
            }
            assertThat(failure)
                    .as("after %d records of %d bytes", written, RECORD)
                    .isInstanceOf(KafkaStorageException.class);
            assertThat((long) written * RECORD).isLessThan(2L * 1024 * 1024);

            final Map<String, LogDirDescription> dirs = admin.describeLogDirs(List.of(node))
                    .allDescriptions()
                    .get(30, TimeUnit.SECONDS)
                    .get(node);
            assertThat(dirs.get(small.toString()).error()).isInstanceOf(KafkaStorageException.class);
            assertThat(dirs.get(big.toString()).error()).isNull();
            assertThat(dirs.get(big.toString()).totalBytes()).isPresent();

            try (WireClient client = WireClient.connect(broker.port())) {
                assertStorageErrorEverywhere(client, "cramped");
            }
            producer.send(new ProducerRecord<>("roomy", "still here".getBytes()))
                    .get(30, TimeUnit.SECONDS);
            assertThat(consumeAll(broker, new TopicPartition("roomy", 0), 1)).hasSize(1);
            WireClient.assertBrokerServes(broker.port());
        }
    }
}
