package io.runnel.broker.config;

import java.net.InetSocketAddress;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;

/** {@code controller.quorum.voters}: {@code id@host:port,...}, read with Kafka's messages. */
final class QuorumVoters {
    private static final String FORM = ". Each entry should be in the form `{id}@{host}:{port}`.";

    private QuorumVoters() {}

    /** @return voter id to its controller endpoint (unresolved), in configuration order */
    static Map<Integer, InetSocketAddress> parse(final String value) {
        final Map<Integer, InetSocketAddress> voters = new LinkedHashMap<>();
        for (final String raw : value.split(",")) {
            final String entry = raw.trim();
            if (entry.isEmpty()) {
                continue;
            }
            final String[] idAndAddress = entry.split("@");
            if (idAndAddress.length != 2) {
                throw new ConfigException(
                        "Invalid configuration value for " + BrokerConfig.CONTROLLER_QUORUM_VOTERS + FORM);
            }
            final int id;
            try {
                id = Integer.parseInt(idAndAddress[0].trim());
            } catch (NumberFormatException e) {
                throw new ConfigException("Failed to parse voter ID as an integer from " + idAndAddress[0]);
            }
            final String address = idAndAddress[1].trim();
            final int colon = address.lastIndexOf(':');
            String host = colon < 0 ? "" : address.substring(0, colon);
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
            if (host.isEmpty()) {
                throw new ConfigException("Failed to parse host name from entry " + entry + " for the configuration "
                        + BrokerConfig.CONTROLLER_QUORUM_VOTERS + FORM);
            }
            final int port;
            try {
                port = Integer.parseInt(address.substring(colon + 1));
            } catch (NumberFormatException e) {
                throw new ConfigException("Failed to parse host port from entry " + entry + " for the configuration "
                        + BrokerConfig.CONTROLLER_QUORUM_VOTERS + FORM);
            }
            if (voters.put(id, InetSocketAddress.createUnresolved(host, port)) != null) {
                throw new ConfigException(
                        BrokerConfig.CONTROLLER_QUORUM_VOTERS, value, "voter " + id + " appears twice");
            }
        }
        return Collections.unmodifiableMap(voters);
    }
}
