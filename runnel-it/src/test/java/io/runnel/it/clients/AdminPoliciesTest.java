package io.runnel.it.clients;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.runnel.it.TestBroker;
import io.runnel.it.TestBrokerExtension;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.AlterConfigsOptions;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.CreateTopicsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.PolicyViolationException;
import org.apache.kafka.server.policy.AlterConfigPolicy;
import org.apache.kafka.server.policy.CreateTopicPolicy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * An operator's policies (create.topic.policy.class.name, alter.config.policy.class.name) refuse what they
 * forbid to kafka-clients' Admin with POLICY_VIOLATION and its own message, and let everything else through.
 */
@Timeout(60)
class AdminPoliciesTest {
    /** Topics must be named team.something. */
    public static final class TeamPrefixPolicy implements CreateTopicPolicy {
        @Override
        public void configure(final Map<String, ?> configs) {}

        @Override
        public void validate(final RequestMetadata request) {
            if (!request.topic().startsWith("team.")) {
                throw new PolicyViolationException("Topic " + request.topic() + " must start with team.");
            }
        }

        @Override
        public void close() {}
    }

    /** Nothing may be kept for less than an hour. */
    public static final class MinimumRetentionPolicy implements AlterConfigPolicy {
        @Override
        public void configure(final Map<String, ?> configs) {}

        @Override
        public void validate(final RequestMetadata request) {
            final String retention = request.configs().get("retention.ms");
            if (retention != null && Long.parseLong(retention) < 3_600_000L) {
                throw new PolicyViolationException("retention.ms " + retention + " is under an hour");
            }
        }

        @Override
        public void close() {}
    }

    @RegisterExtension
    static final TestBrokerExtension BROKER = new TestBrokerExtension(
            "create.topic.policy.class.name", TeamPrefixPolicy.class.getName(),
            "alter.config.policy.class.name", MinimumRetentionPolicy.class.getName());

    @Test
    void shouldRefuseATopicThePolicyForbidsAndCreateTheOthers() throws Exception {
        try (Admin admin = BROKER.broker().admin()) {
            final var result = admin.createTopics(
                    List.of(new NewTopic("scratch", 1, (short) 1), new NewTopic("team.orders", 1, (short) 1)));

            assertThatThrownBy(() -> result.values().get("scratch").get())
                    .hasCauseInstanceOf(PolicyViolationException.class)
                    .hasMessageContaining("Topic scratch must start with team.");
            result.values().get("team.orders").get();
            assertThat(admin.listTopics().names().get()).contains("team.orders").doesNotContain("scratch");
            assertThatThrownBy(() -> admin.createTopics(
                                    List.of(new NewTopic("dry", 1, (short) 1)),
                                    new CreateTopicsOptions().validateOnly(true))
                            .all()
                            .get())
                    .hasCauseInstanceOf(PolicyViolationException.class);
        }
    }

    @Test
    void shouldRefuseAConfigChangeThePolicyForbidsAndKeepTheValueBefore() throws Exception {
        final ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, "team.payments");
        try (Admin admin = BROKER.broker().admin()) {
            admin.createTopics(List.of(
                            new NewTopic(topic.name(), 1, (short) 1).configs(Map.of("retention.ms", "7200000"))))
                    .all()
                    .get();

            assertThatThrownBy(() -> alterRetention(admin, topic, "60000", false))
                    .hasCauseInstanceOf(PolicyViolationException.class)
                    .hasMessageContaining("retention.ms 60000 is under an hour");
            assertThatThrownBy(() -> alterRetention(admin, topic, "60000", true))
                    .hasCauseInstanceOf(PolicyViolationException.class);
            assertThat(retention(admin, topic)).isEqualTo("7200000");

            alterRetention(admin, topic, "86400000", false);
            assertThat(retention(admin, topic)).isEqualTo("86400000");
        }
    }

    @Test
    void shouldRefuseATopicCreatedWithAConfigThePolicyForbids() {
        try (Admin admin = BROKER.broker().admin()) {
            assertThatThrownBy(() -> admin.createTopics(List.of(
                                    new NewTopic("team.brief", 1, (short) 1).configs(Map.of("retention.ms", "1000"))))
                            .all()
                            .get())
                    .hasCauseInstanceOf(PolicyViolationException.class)
                    .hasMessageContaining("retention.ms 1000 is under an hour");
        }
    }

    @Test
    void shouldNotStartWithAPolicyClassThatDoesNotExist(@TempDir final Path data) {
        assertThatThrownBy(() -> TestBroker.start(data, "alter.config.policy.class.name", "com.example.Missing"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("alter.config.policy.class.name");
    }

    private static void alterRetention(
            final Admin admin, final ConfigResource topic, final String value, final boolean validateOnly)
            throws Exception {
        admin.incrementalAlterConfigs(
                        Map.of(
                                topic,
                                List.of(new AlterConfigOp(
                                        new ConfigEntry("retention.ms", value), AlterConfigOp.OpType.SET))),
                        new AlterConfigsOptions().validateOnly(validateOnly))
                .all()
                .get();
    }

    private static String retention(final Admin admin, final ConfigResource topic) throws Exception {
        return admin.describeConfigs(List.of(topic))
                .all()
                .get()
                .get(topic)
                .get("retention.ms")
                .value();
    }
}
