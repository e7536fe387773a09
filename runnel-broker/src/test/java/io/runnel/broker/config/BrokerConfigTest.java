package io.runnel.broker.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class BrokerConfigTest {
    @Test
    void shouldListenOnEveryInterfaceOfPort9092AndAdvertiseLocalhostByDefault() {
        final BrokerConfig config = BrokerConfig.defaults();
        assertThat(config.listener()).isEqualTo(new Endpoint("PLAINTEXT", "", 9092));
        assertThat(config.advertisedListener()).isEqualTo(new Endpoint("PLAINTEXT", "localhost", 9092));
        assertThat(config.logDirs())
                .containsExactly(Path.of("./data").toAbsolutePath().normalize());
        assertThat(config.nodeId()).isEqualTo(1);
        assertThat(config.numPartitions()).isEqualTo(1);
        assertThat(config.autoCreateTopics()).isTrue();
        assertThat(config.socketRequestMaxBytes()).isEqualTo(100 * 1024 * 1024);
        assertThat(config.connectionsMaxIdleMs()).isEqualTo(600_000L);
        assertThat(config.logRetentionCheckIntervalMs()).isEqualTo(300_000L);
        assertThat(config.logFlushSchedulerIntervalMs()).isEqualTo(Long.MAX_VALUE);
        assertThat(config.logFlushOffsetCheckpointIntervalMs()).isEqualTo(60_000L);
        assertThat(config.logCleanerDedupeBufferSize()).isEqualTo(128L * 1024 * 1024);
        assertThat(config.logCleanerIoBufferLoadFactor()).isEqualTo(0.9);
    }

    @Test
    void shouldReadKafkaPropertyNames() {
        final BrokerConfig config = new BrokerConfig(Map.ofEntries(
                Map.entry("listeners", "PLAINTEXT://127.0.0.1:19092,OTHER://:19093"),
                Map.entry("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,OTHER:PLAINTEXT"),
                Map.entry("advertised.listeners", "PLAINTEXT://broker.example:29092"),
                Map.entry("log.dirs", "/a, /b"),
                Map.entry("num.partitions", "6"),
                Map.entry("auto.create.topics.enable", "false"),
                Map.entry("log.retention.check.interval.ms", "1000"),
                Map.entry("log.flush.scheduler.interval.ms", "2000"),
                Map.entry("log.flush.offset.checkpoint.interval.ms", "3000"),
                Map.entry("log.cleaner.dedupe.buffer.size", "1048576"),
                Map.entry("log.cleaner.io.buffer.load.factor", "0.5"),
                Map.entry("num.recovery.threads.per.data.dir", "4"),
                Map.entry("log.cleaner.threads", "3"),
                Map.entry("log.cleaner.io.max.bytes.per.second", "1048576"),
                Map.entry("node.id", "3")));
        assertThat(config.listener()).isEqualTo(new Endpoint("PLAINTEXT", "127.0.0.1", 19092));
        assertThat(config.advertisedListener().host()).isEqualTo("broker.example");
        assertThat(config.logDirs()).containsExactly(Path.of("/a"), Path.of("/b"));
        assertThat(config.numPartitions()).isEqualTo(6);
        assertThat(config.autoCreateTopics()).isFalse();
        assertThat(config.nodeId()).isEqualTo(3);
        assertThat(config.logRetentionCheckIntervalMs()).isEqualTo(1_000L);
        assertThat(config.logFlushSchedulerIntervalMs()).isEqualTo(2_000L);
        assertThat(config.logFlushOffsetCheckpointIntervalMs()).isEqualTo(3_000L);
        assertThat(config.logCleanerDedupeBufferSize()).isEqualTo(1_048_576L);
        assertThat(config.logCleanerIoBufferLoadFactor()).isEqualTo(0.5);
        assertThat(config.numRecoveryThreadsPerDataDir()).isEqualTo(4);
        assertThat(BrokerConfig.defaults().numRecoveryThreadsPerDataDir()).isEqualTo(2);
        assertThat(config.logCleanerThreads()).isEqualTo(3);
        assertThat(BrokerConfig.defaults().logCleanerThreads()).isEqualTo(1);
        assertThat(config.logCleanerIoMaxBytesPerSecond()).isEqualTo(1_048_576.0);
        assertThat(BrokerConfig.defaults().logCleanerIoMaxBytesPerSecond()).isEqualTo(Double.MAX_VALUE);
    }

    @Test
    void shouldParseIpv6Listeners() {
        assertThat(new BrokerConfig(Map.of("listeners", "PLAINTEXT://[::1]:9092"))
                        .listener()
                        .host())
                .isEqualTo("::1");
    }

    @Test
    void shouldRejectBadValuesOfKnownNames() {
        assertThatThrownBy(() -> new BrokerConfig(Map.of("listeners", "localhost:9092")))
                .isInstanceOf(ConfigException.class);
        assertThatThrownBy(() -> new BrokerConfig(Map.of("listeners", "PLAINTEXT://:99999")))
                .isInstanceOf(ConfigException.class);
        assertThatThrownBy(() -> new BrokerConfig(Map.of("num.partitions", "0")))
                .isInstanceOf(ConfigException.class);
        assertThatThrownBy(() -> new BrokerConfig(Map.of("auto.create.topics.enable", "yes")))
                .isInstanceOf(ConfigException.class);
        assertThatThrownBy(() -> new BrokerConfig(Map.of("socket.request.max.bytes", "lots")))
                .isInstanceOf(ConfigException.class);
        assertThatThrownBy(() -> new BrokerConfig(Map.of("log.retention.check.interval.ms", "0")))
                .isInstanceOf(ConfigException.class);
        assertThatThrownBy(() -> new BrokerConfig(Map.of("log.flush.offset.checkpoint.interval.ms", "0")))
                .isInstanceOf(ConfigException.class);
        assertThatThrownBy(() -> new BrokerConfig(Map.of("log.cleaner.dedupe.buffer.size", "-1")))
                .isInstanceOf(ConfigException.class);
        assertThatThrownBy(() -> new BrokerConfig(Map.of("log.cleaner.io.buffer.load.factor", "0")))
                .isInstanceOf(ConfigException.class);
        assertThatThrownBy(() -> new BrokerConfig(Map.of("log.cleaner.io.buffer.load.factor", "half")))
                .isInstanceOf(ConfigException.class);
        assertThatThrownBy(() -> new BrokerConfig(Map.of("num.recovery.threads.per.data.dir", "0")))
                .isInstanceOf(ConfigException.class);
        assertThatThrownBy(() -> new BrokerConfig(Map.of("log.cleaner.threads", "-1")))
                .isInstanceOf(ConfigException.class);
        assertThatThrownBy(() -> new BrokerConfig(Map.of("log.cleaner.io.max.bytes.per.second", "0")))
                .isInstanceOf(ConfigException.class);
    }

    @Test
    void shouldRefuseAnEmptyLogDirWhenTheListHasOneAsKafkaDoes() {
        assertThatThrownBy(() -> new BrokerConfig(Map.of("log.dirs", "/a,,/b")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("Configuration 'log.dirs' values must not be empty.");
        assertThatThrownBy(() -> new BrokerConfig(Map.of("log.dirs", "/a,")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("Configuration 'log.dirs' values must not be empty.");
    }

    @Test
    void shouldDropADuplicateLogDir() {
        final BrokerConfig config = new BrokerConfig(Map.of("log.dirs", "/a,/b,/a, /b/"));
        assertThat(config.logDirs()).containsExactly(Path.of("/a"), Path.of("/b"));
    }
}
