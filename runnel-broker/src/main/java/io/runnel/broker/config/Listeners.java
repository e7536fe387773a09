package io.runnel.broker.config;

import io.runnel.metadata.Nullable;
import io.runnel.metadata.config.ListValues;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.common.config.ConfigException;

/**
 * Where a node listens and how the quorum is reached: {@code listeners}, {@code advertised.listeners},
 * {@code controller.listener.names}, {@code listener.security.protocol.map} and {@code controller.quorum.voters},
 * checked against {@code process.roles} with KRaft's rules and messages.
 *
 * @param broker the listener clients use; null on a controller-only node
 * @param advertisedBroker what clients are told of it; null on a controller-only node
 * @param controller the listener controllers serve (brokers register there, tools bootstrap there); null on a
 *     broker-only node and on the quick-start node
 * @param controllerListenerNames {@code controller.listener.names}
 * @param voters {@code controller.quorum.voters}: voter id to its controller endpoint; empty on the quick-start
 *     node, whose quorum is itself
 */
public record Listeners(
        @Nullable Endpoint broker,
        @Nullable Endpoint advertisedBroker,
        @Nullable Endpoint controller,
        List<String> controllerListenerNames,
        Map<Integer, InetSocketAddress> voters) {
    static final String DEFAULT_LISTENERS = "PLAINTEXT://:9092";
    private static final Set<String> SERVED_PROTOCOLS = Set.of("PLAINTEXT");

    static Listeners from(final Map<String, String> props, final int nodeId, final Set<ProcessRole> roles) {
        final List<Endpoint> listeners = Endpoint.parseList(
                BrokerConfig.LISTENERS, props.getOrDefault(BrokerConfig.LISTENERS, DEFAULT_LISTENERS));
        final List<String> controllerNames = ListValues.parse(
                        BrokerConfig.CONTROLLER_LISTENER_NAMES,
                        props.getOrDefault(BrokerConfig.CONTROLLER_LISTENER_NAMES, ""))
                .stream()
                .map(name -> name.toUpperCase(Locale.ROOT))
                .toList();
        final Map<Integer, InetSocketAddress> voters =
                QuorumVoters.parse(props.getOrDefault(BrokerConfig.CONTROLLER_QUORUM_VOTERS, ""));
        checkSecurityProtocols(props, listeners, controllerNames);

        final List<Endpoint> brokerListeners = listeners.stream()
                .filter(l -> !controllerNames.contains(l.listenerName()))
                .toList();
        final Endpoint controller = listeners.stream()
                .filter(l -> controllerNames.contains(l.listenerName()))
                .findFirst()
                .orElse(null);
        final boolean isBroker = roles.isEmpty() || roles.contains(ProcessRole.BROKER);
        final boolean isController = roles.contains(ProcessRole.CONTROLLER);
        if (roles.isEmpty() && !voters.isEmpty()) {
            throw new ConfigException("If " + BrokerConfig.CONTROLLER_QUORUM_VOTERS + " is set, "
                    + BrokerConfig.PROCESS_ROLES + " must be set too (broker, controller, or both)");
        }
        if (!roles.isEmpty()) {
            if (voters.isEmpty()) {
                throw new ConfigException("If using " + BrokerConfig.PROCESS_ROLES + ", "
                        + BrokerConfig.CONTROLLER_QUORUM_VOTERS + " must contain a parseable set of controllers.");
            }
            if (controllerNames.isEmpty()) {
                throw new ConfigException(
                        BrokerConfig.CONTROLLER_LISTENER_NAMES + " must contain at least one value when running KRaft");
            }
        }
        if (isController) {
            require(
                    voters.containsKey(nodeId),
                    "If " + BrokerConfig.PROCESS_ROLES
                            + " contains the 'controller' role, the node id " + nodeId
                            + " must be included in the set of voters "
                            + BrokerConfig.CONTROLLER_QUORUM_VOTERS + "=" + voters.keySet());
            require(
                    controller != null,
                    BrokerConfig.CONTROLLER_LISTENER_NAMES
                            + " must contain at least one value appearing in the '" + BrokerConfig.LISTENERS
                            + "' configuration when running the KRaft controller role");
            require(
                    listeners.stream()
                            .map(Endpoint::listenerName)
                            .collect(Collectors.toSet())
                            .containsAll(controllerNames),
                    BrokerConfig.CONTROLLER_LISTENER_NAMES
                            + " must only contain values appearing in the '" + BrokerConfig.LISTENERS
                            + "' configuration when running the KRaft controller role");
        } else if (roles.contains(ProcessRole.BROKER)) {
            require(
                    !voters.containsKey(nodeId),
                    "If " + BrokerConfig.PROCESS_ROLES
                            + " contains just the 'broker' role, the node id " + nodeId
                            + " must not be included in the set of voters " + BrokerConfig.CONTROLLER_QUORUM_VOTERS
                            + "="
                            + voters.keySet());
            require(
                    controller == null,
                    BrokerConfig.CONTROLLER_LISTENER_NAMES + " must not contain a value appearing in" + " the '"
                            + BrokerConfig.LISTENERS + "' configuration when running KRaft with just the broker role");
        }
        if (isBroker) {
            require(
                    !brokerListeners.isEmpty(),
                    "There must be at least one broker listener."
                            + (roles.isEmpty()
                                    ? ""
                                    : " Perhaps all listeners appear in " + BrokerConfig.CONTROLLER_LISTENER_NAMES
                                            + "?"));
        } else {
            require(
                    brokerListeners.isEmpty(),
                    "The " + BrokerConfig.LISTENERS + " config must only contain KRaft"
                            + " controller listeners from " + BrokerConfig.CONTROLLER_LISTENER_NAMES + " when "
                            + BrokerConfig.PROCESS_ROLES + "=controller");
        }
        final Endpoint broker = isBroker ? brokerListeners.get(0) : null;
        return new Listeners(
                broker, broker == null ? null : advertised(props, broker), controller, controllerNames, voters);
    }

    /** The advertised endpoint of {@code listener}: its entry in {@code advertised.listeners}, else itself. */
    private static Endpoint advertised(final Map<String, String> props, final Endpoint listener) {
        final String value = props.get(BrokerConfig.ADVERTISED_LISTENERS);
        Endpoint adv = listener;
        if (value != null) {
            final List<Endpoint> advertised = Endpoint.parseList(BrokerConfig.ADVERTISED_LISTENERS, value);
            adv = advertised.stream()
                    .filter(a -> a.listenerName().equals(listener.listenerName()))
                    .findFirst()
                    .orElse(advertised.size() == 1 ? advertised.get(0) : listener);
        }
        // An empty host binds every interface; clients are told "localhost", the quick-start address.
        return adv.host().isEmpty() || adv.host().equals("0.0.0.0")
                ? new Endpoint(adv.listenerName(), "localhost", adv.port() == 0 ? listener.port() : adv.port())
                : adv;
    }

    private static void checkSecurityProtocols(
            final Map<String, String> props, final List<Endpoint> listeners, final List<String> controllerNames) {
        final String value = props.get(BrokerConfig.LISTENER_SECURITY_PROTOCOL_MAP);
        final Map<String, String> map = new HashMap<>();
        if (value == null) {
            // Kafka's default map; KRaft maps the controller listeners to PLAINTEXT when no map is given.
            for (final String protocol : List.of("PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL")) {
                map.put(protocol, protocol);
            }
            controllerNames.forEach(name -> map.putIfAbsent(name, "PLAINTEXT"));
        } else {
            for (final String entry : ListValues.parse(BrokerConfig.LISTENER_SECURITY_PROTOCOL_MAP, value)) {
                final int colon = entry.indexOf(':');
                if (colon <= 0) {
                    throw new ConfigException(
                            BrokerConfig.LISTENER_SECURITY_PROTOCOL_MAP,
                            value,
                            "expected LISTENER_NAME:SECURITY_PROTOCOL entries");
                }
                map.put(
                        entry.substring(0, colon).trim().toUpperCase(Locale.ROOT),
                        entry.substring(colon + 1).trim().toUpperCase(Locale.ROOT));
            }
        }
        for (final Endpoint listener : listeners) {
            final String protocol = map.get(listener.listenerName());
            if (protocol == null) {
                throw new ConfigException(
                        "Listener with name " + listener.listenerName() + " defined in " + BrokerConfig.LISTENERS
                                + " not found in " + BrokerConfig.LISTENER_SECURITY_PROTOCOL_MAP + ".");
            }
            if (!SERVED_PROTOCOLS.contains(protocol)) {
                throw new ConfigException("Listener " + listener.listenerName() + " uses security protocol " + protocol
                        + ", but Runnel serves only PLAINTEXT so far");
            }
        }
    }

    private static void require(final boolean condition, final String message) {
        if (!condition) {
            throw new ConfigException(message);
        }
    }
}
