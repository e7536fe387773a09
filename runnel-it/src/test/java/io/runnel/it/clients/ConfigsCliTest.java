package io.runnel.it.clients;

import static org.assertj.core.api.Assertions.assertThat;

import io.runnel.it.KafkaTool;
import io.runnel.it.TestBrokerExtension;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Apache Kafka 4.4.0's own {@code kafka-configs} tool ({@code ConfigCommand}), run as a separate process against
 * Runnel: {@code --describe --all} of the broker lists what Runnel honours with its value and where it comes from.
 */
@Timeout(120)
class ConfigsCliTest {
    @RegisterExtension
    static final TestBrokerExtension BROKER = new TestBrokerExtension("num.partitions", "3");

    @Test
    void shouldListEveryBrokerConfigWithItsValueAndSourceWhenAskedForAll() throws Exception {
        final List<String> lines = tool("--describe", "--all", "--entity-type", "brokers", "--entity-name", "1");

        assertThat(lines).anyMatch(line -> line.startsWith("All configs for broker 1 are:"));
        assertThat(config(lines, "num.partitions"))
                .as("set when the broker started")
                .contains("num.partitions=3")
                .contains("STATIC_BROKER_CONFIG:num.partitions=3")
                .contains("DEFAULT_CONFIG:num.partitions=1");
        assertThat(config(lines, "auto.create.topics.enable"))
                .as("left at its default")
                .contains("auto.create.topics.enable=true")
                .contains("DEFAULT_CONFIG:auto.create.topics.enable=true");
        assertThat(config(lines, "max.decompressed.message.bytes"))
                .contains("max.decompressed.message.bytes=2147483639");
    }

    /** The tool's line for {@code name} (it prints {@code name=value sensitive=... synonyms={...}}). */
    private static String config(final List<String> lines, final String name) {
        return lines.stream()
                .map(String::strip)
                .filter(line -> line.startsWith(name + "="))
                .findFirst()
                .orElseThrow(() -> new AssertionError(name + " is not listed:\n" + String.join("\n", lines)));
    }

    private static List<String> tool(final String... args) throws Exception {
        return KafkaTool.run("ConfigCommand", BROKER.broker().bootstrap(), args);
    }
}
