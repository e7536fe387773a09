package io.runnel.broker.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.kafka.common.config.ConfigException;

/** A listener: name, host (empty means every interface) and port. */
public record Endpoint(String listenerName, String host, int port) {
    /** Parses a listener list, {@code NAME://host:port,...}; a host may be empty or an [IPv6] literal. */
    static List<Endpoint> parseList(final String key, final String value) {
        final List<Endpoint> endpoints = new ArrayList<>();
        for (final String entry : value.split(",")) {
            if (!entry.isBlank()) {
                final Endpoint endpoint = parse(key, value, entry.trim());
                if (endpoints.stream().anyMatch(e -> e.listenerName().equals(endpoint.listenerName()))) {
                    throw new ConfigException(
                            key,
                            value,
                            "Each listener must have a different name, " + endpoint.listenerName()
                                    + " appears more than once");
                }
                endpoints.add(endpoint);
            }
        }
        if (endpoints.isEmpty()) {
            throw new ConfigException(key, value, "expected NAME://host:port");
        }
        return List.copyOf(endpoints);
    }

    private static Endpoint parse(final String key, final String value, final String entry) {
        final int sep = entry.indexOf("://");
        final int colon = entry.lastIndexOf(':');
        if (sep <= 0 || colon < sep + 3) {
            throw new ConfigException(key, value, "expected NAME://host:port");
        }
        final String name = entry.substring(0, sep).toUpperCase(Locale.ROOT);
        String host = entry.substring(sep + 3, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        final int port;
        try {
            port = Integer.parseInt(entry.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new ConfigException(key, value, "expected NAME://host:port with a numeric port");
        }
        if (port < 0 || port > 65535) {
            throw new ConfigException(key, value, "expected a port in 0..65535");
        }
        return new Endpoint(name, host, port);
    }
}
