package io.runnel.quorum;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.utils.Utils;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;

/**
 * The voters of the metadata quorum, read from Kafka's {@value #VOTERS_CONFIG} ({@code id@host:port,...}). Each
 * voter becomes a Ratis peer whose {@link RaftPeerId} is the node id as a string, reached over gRPC at
 * {@code host:port}. Bad syntax fails with {@link ConfigException} in Kafka's words ({@code QuorumConfig}), so an
 * operator sees the message Kafka would have shown.
 */
public final class QuorumPeers {
    public static final String VOTERS_CONFIG = "controller.quorum.voters";

    private static final String ENTRY_FORM = ". Each entry should be in the form `{id}@{host}:{port}`.";
    private static final String NON_ROUTABLE_HOST = "0.0.0.0";

    /** One voter: a controller's node id and the address its quorum port listens on. */
    public record Voter(int id, String host, int port) {
        public RaftPeerId peerId() {
            return RaftPeerId.valueOf(Integer.toString(id));
        }

        public String address() {
            return Utils.formatAddress(host, port);
        }

        RaftPeer toRaftPeer() {
            return RaftPeer.newBuilder().setId(peerId()).setAddress(address()).build();
        }
    }

    private final Map<Integer, Voter> voters;

    private QuorumPeers(final Map<Integer, Voter> voters) {
        this.voters = Collections.unmodifiableMap(voters);
    }

    /**
     * Parses {@value #VOTERS_CONFIG}: comma-separated entries, blanks around commas allowed, as Kafka's list type
     * reads them.
     *
     * @throws ConfigException if the list is empty, an entry is not {@code id@host:port}, the host is not routable,
     *     or an id appears twice
     */
    public static QuorumPeers parse(final String value) {
        final String trimmed = value == null ? "" : value.trim();
        if (trimmed.isEmpty()) {
            throw new ConfigException("If using process.roles, either controller.quorum.bootstrap.servers must "
                    + "contain the set of bootstrap controllers or " + VOTERS_CONFIG
                    + " must contain a parseable set of controllers.");
        }
        final Map<Integer, Voter> voters = new LinkedHashMap<>();
        for (final String entry : trimmed.split("\\s*,\\s*", -1)) {
            final Voter voter = parseEntry(entry);
            if (voters.putIfAbsent(voter.id(), voter) != null) {
                throw new ConfigException("Invalid configuration value for " + VOTERS_CONFIG + ": voter id "
                        + voter.id() + " appears more than once" + ENTRY_FORM);
            }
        }
        return new QuorumPeers(voters);
    }

    private static Voter parseEntry(final String entry) {
        final String[] idAndAddress = entry.split("@");
        if (idAndAddress.length != 2) {
            throw new ConfigException("Invalid configuration value for " + VOTERS_CONFIG + ENTRY_FORM);
        }
        final int id;
        try {
            id = Integer.parseInt(idAndAddress[0]);
        } catch (final NumberFormatException e) {
            throw new ConfigException("Failed to parse voter ID as an integer from " + idAndAddress[0]);
        }
        final String host = Utils.getHost(idAndAddress[1]);
        if (host == null || !Utils.validHostPattern(host)) {
            throw new ConfigException("Failed to parse host name from entry " + entry + " for the configuration "
                    + VOTERS_CONFIG + ENTRY_FORM);
        }
        final Integer port = Utils.getPort(idAndAddress[1]);
        if (port == null) {
            throw new ConfigException("Failed to parse host port from entry " + entry + " for the configuration "
                    + VOTERS_CONFIG + ENTRY_FORM);
        }
        if (host.equals(NON_ROUTABLE_HOST)) {
            throw new ConfigException(String.format("Host string (%s) is not routeable", host));
        }
        return new Voter(id, host, port);
    }

    /** The voters in the order the config lists them. */
    public List<Voter> voters() {
        return List.copyOf(voters.values());
    }

    public Optional<Voter> voter(final int id) {
        return Optional.ofNullable(voters.get(id));
    }

    public int size() {
        return voters.size();
    }

    List<RaftPeer> raftPeers() {
        final List<RaftPeer> peers = new ArrayList<>(voters.size());
        for (final Voter voter : voters.values()) {
            peers.add(voter.toRaftPeer());
        }
        return peers;
    }

    /** Back in {@value #VOTERS_CONFIG} syntax. */
    @Override
    public String toString() {
        final List<String> entries = new ArrayList<>();
        for (final Voter voter : voters.values()) {
            entries.add(voter.id() + "@" + voter.address());
        }
        return String.join(",", entries);
    }
}
