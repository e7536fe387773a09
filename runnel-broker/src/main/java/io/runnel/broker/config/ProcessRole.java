package io.runnel.broker.config;

import io.runnel.metadata.config.ListValues;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.apache.kafka.common.config.ConfigException;

/** A role of a node in {@code process.roles}: KRaft's broker and controller; a node with both is combined. */
public enum ProcessRole {
    BROKER,
    CONTROLLER;

    /**
     * Parses {@code process.roles} as Kafka does.
     *
     * @return the roles; empty when the value is empty
     * @throws ConfigException for an unknown role, with Kafka's message (a repeated one is dropped with a warning,
     *     as Kafka 4.2+ reads every list)
     */
    static Set<ProcessRole> parse(final String value) {
        final List<String> names = ListValues.parse(BrokerConfig.PROCESS_ROLES, value);
        final Set<ProcessRole> roles = EnumSet.noneOf(ProcessRole.class);
        for (final String name : names) {
            final ProcessRole role = switch (name) {
                case "broker" -> BROKER;
                case "controller" -> CONTROLLER;
                default ->
                    throw new ConfigException(
                            "Unknown process role '" + name + "' (only 'broker' and 'controller' are allowed roles)");
            };
            roles.add(role);
        }
        return roles;
    }
}
