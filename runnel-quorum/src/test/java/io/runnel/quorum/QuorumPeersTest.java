package io.runnel.quorum;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.kafka.common.config.ConfigException;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.junit.jupiter.api.Test;

class QuorumPeersTest {
    @Test
    void shouldReadEachVoterAsARatisPeerNamedByItsNodeId() {
        final QuorumPeers peers = QuorumPeers.parse("1@localhost:9093, 2@10.77.0.2:9093,3@[::1]:9094");

        assertThat(peers.voters())
                .containsExactly(
                        new QuorumPeers.Voter(1, "localhost", 9093),
                        new QuorumPeers.Voter(2, "10.77.0.2", 9093),
                        new QuorumPeers.Voter(3, "::1", 9094));
        assertThat(peers.raftPeers())
                .extracting(RaftPeer::getId, RaftPeer::getAddress)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(RaftPeerId.valueOf("1"), "localhost:9093"),
                        org.assertj.core.groups.Tuple.tuple(RaftPeerId.valueOf("2"), "10.77.0.2:9093"),
                        org.assertj.core.groups.Tuple.tuple(RaftPeerId.valueOf("3"), "[::1]:9094"));
        assertThat(peers).hasToString("1@localhost:9093,2@10.77.0.2:9093,3@[::1]:9094");
    }

    @Test
    void shouldRefuseAnEntryWithoutTheAtSignInKafkasWords() {
        assertThatThrownBy(() -> QuorumPeers.parse("localhost:9093"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("Invalid configuration value for controller.quorum.voters. Each entry should be in the"
                        + " form `{id}@{host}:{port}`.");
    }

    @Test
    void shouldRefuseAnIdThatIsNotANumber() {
        assertThatThrownBy(() -> QuorumPeers.parse("one@localhost:9093"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("Failed to parse voter ID as an integer from one");
    }

    @Test
    void shouldRefuseAMissingHostOrPort() {
        assertThatThrownBy(() -> QuorumPeers.parse("1@localhost"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("Failed to parse host name from entry 1@localhost for the configuration"
                        + " controller.quorum.voters. Each entry should be in the form `{id}@{host}:{port}`.");
        assertThatThrownBy(() -> QuorumPeers.parse("1@localhost:port"))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("Failed to parse host");
    }

    @Test
    void shouldRefuseTheWildcardHostAsKafkaDoes() {
        assertThatThrownBy(() -> QuorumPeers.parse("1@0.0.0.0:9093"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("Host string (0.0.0.0) is not routeable");
    }

    @Test
    void shouldRefuseAnEmptyListAndADuplicateId() {
        assertThatThrownBy(() -> QuorumPeers.parse(" "))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("controller.quorum.voters must contain a parseable set of controllers");
        assertThatThrownBy(() -> QuorumPeers.parse("1@a:1,1@b:2"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("voter id 1 appears more than once");
        assertThatThrownBy(() -> QuorumPeers.parse("1@a:1,"))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("Invalid configuration value for controller.quorum.voters");
    }
}
