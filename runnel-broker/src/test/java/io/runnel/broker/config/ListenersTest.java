package io.runnel.broker.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

/** Listeners, controller listeners and voters, checked against process.roles with KRaft's rules and messages. */
class ListenersTest {
    private static final String VOTERS = "1@localhost:19093,2@localhost:29093,3@localhost:39093";

    private static BrokerConfig config(final String... pairs) {
        final Map<String, String> props = new HashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            props.put(pairs[i], pairs[i + 1]);
        }
        return new BrokerConfig(props);
    }

    @Test
    void shouldSplitACombinedNodesListenersIntoTheBrokerAndTheControllerListener() {
        final Listeners listeners = config(
                        "process.roles", "broker,controller",
                        "node.id", "2",
                        "listeners", "PLAINTEXT://:29092,CONTROLLER://localhost:29093",
                        "advertised.listeners", "PLAINTEXT://node2.example:29092",
                        "controller.listener.names", "CONTROLLER",
                        "controller.quorum.voters", VOTERS)
                .listeners();

        assertThat(listeners.broker()).isEqualTo(new Endpoint("PLAINTEXT", "", 29092));
        assertThat(listeners.advertisedBroker()).isEqualTo(new Endpoint("PLAINTEXT", "node2.example", 29092));
        assertThat(listeners.controller()).isEqualTo(new Endpoint("CONTROLLER", "localhost", 29093));
        assertThat(listeners.voters())
                .containsExactly(
                        Map.entry(1, InetSocketAddress.createUnresolved("localhost", 19093)),
                        Map.entry(2, InetSocketAddress.createUnresolved("localhost", 29093)),
                        Map.entry(3, InetSocketAddress.createUnresolved("localhost", 39093)));
    }

    @Test
    void shouldGiveTheQuickStartNodeABrokerListenerAndNoQuorumSettings() {
        final Listeners listeners = BrokerConfig.defaults().listeners();

        assertThat(listeners.broker()).isEqualTo(new Endpoint("PLAINTEXT", "", 9092));
        assertThat(listeners.controller()).isNull();
        assertThat(listeners.voters()).isEmpty();
        assertThatThrownBy(() -> config("controller.quorum.voters", VOTERS))
                .hasMessageContaining("process.roles must be set too");
    }

    @Test
    void shouldRefuseAControllerThatIsNotAVoterOrHasNoControllerListener() {
        assertThatThrownBy(() -> config(
                        "process.roles", "controller",
                        "node.id", "4",
                        "listeners", "CONTROLLER://:49093",
                        "controller.listener.names", "CONTROLLER",
                        "controller.quorum.voters", VOTERS))
                .isInstanceOf(ConfigException.class)
                .hasMessage("If process.roles contains the 'controller' role, the node id 4 must be included in the set"
                        + " of voters controller.quorum.voters=[1, 2, 3]");
        assertThatThrownBy(() -> config(
                        "process.roles", "controller",
                        "node.id", "1",
                        "listeners", "PLAINTEXT://:9092",
                        "controller.listener.names", "CONTROLLER",
                        "controller.quorum.voters", VOTERS))
                .hasMessageContaining("controller.listener.names must contain at least one value appearing in the"
                        + " 'listeners' configuration when running the KRaft controller role");
        assertThatThrownBy(() -> config(
                        "process.roles", "controller",
                        "node.id", "1",
                        "listeners", "PLAINTEXT://:9092,CONTROLLER://:19093",
                        "controller.listener.names", "CONTROLLER",
                        "controller.quorum.voters", VOTERS))
                .hasMessageContaining("must only contain KRaft controller listeners");
    }

    @Test
    void shouldRefuseABrokerThatIsAVoterOrListensOnTheControllerListener() {
        assertThatThrownBy(() -> config(
                        "process.roles", "broker",
                        "node.id", "1",
                        "controller.listener.names", "CONTROLLER",
                        "controller.quorum.voters", VOTERS))
                .hasMessageContaining("contains just the 'broker' role, the node id 1 must not be included");
        assertThatThrownBy(() -> config(
                        "process.roles", "broker",
                        "node.id", "4",
                        "listeners", "PLAINTEXT://:9092,CONTROLLER://:9093",
                        "controller.listener.names", "CONTROLLER",
                        "controller.quorum.voters", VOTERS))
                .hasMessageContaining("must not contain a value appearing in the 'listeners' configuration");
        assertThatThrownBy(() -> config("process.roles", "broker", "node.id", "4", "controller.quorum.voters", VOTERS))
                .hasMessageContaining("controller.listener.names must contain at least one value");
        assertThatThrownBy(() -> config("process.roles", "broker", "node.id", "4", "controller.listener.names", "C"))
                .hasMessageContaining("controller.quorum.voters must contain a parseable set of controllers");
    }

    @Test
    void shouldReadVotersWithKafkasMessagesForBadEntries() {
        assertThatThrownBy(() -> config("process.roles", "broker", "controller.quorum.voters", "1localhost:9093"))
                .hasMessage("Invalid configuration value for controller.quorum.voters. Each entry should be in the form"
                        + " `{id}@{host}:{port}`.");
        assertThatThrownBy(() -> config("process.roles", "broker", "controller.quorum.voters", "x@localhost:9093"))
                .hasMessage("Failed to parse voter ID as an integer from x");
        assertThatThrownBy(() -> config("process.roles", "broker", "controller.quorum.voters", "1@localhost:port"))
                .hasMessageStartingWith("Failed to parse host port from entry 1@localhost:port");
    }

    @Test
    void shouldRefuseListenersWithoutASecurityProtocolOrWithOneNotServed() {
        assertThatThrownBy(() -> config("listeners", "INTERNAL://:9092"))
                .hasMessage(
                        "Listener with name INTERNAL defined in listeners not found in listener.security.protocol.map.");
        assertThatThrownBy(() -> config("listeners", "SSL://:9093"))
                .hasMessageContaining("uses security protocol SSL, but Runnel serves only PLAINTEXT so far");
        assertThat(config("listeners", "INTERNAL://:9092", "listener.security.protocol.map", "INTERNAL:PLAINTEXT")
                        .listener())
                .isEqualTo(new Endpoint("INTERNAL", "", 9092));
    }
}
