package io.runnel.coordinator.group.consumer;

import java.util.Locale;

/**
 * {@code group.consumer.migration.policy}: which way a group with members may change protocol (Kafka's online
 * migration). An empty group always takes the protocol of the member that joins it.
 */
public enum MigrationPolicy {
    /** Both ways: the default. */
    BIDIRECTIONAL,
    /** A classic group becomes a consumer group when a consumer-protocol member joins it. */
    UPGRADE,
    /** A consumer group becomes a classic group when its last consumer-protocol member leaves. */
    DOWNGRADE,
    DISABLED;

    boolean allowsUpgrade() {
        return this == BIDIRECTIONAL || this == UPGRADE;
    }

    boolean allowsDowngrade() {
        return this == BIDIRECTIONAL || this == DOWNGRADE;
    }

    /** @throws IllegalArgumentException for a name Kafka does not know */
    static MigrationPolicy parse(final String name) {
        try {
            return valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (final IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    ConsumerGroupConfig.MIGRATION_POLICY + ": unknown policy " + name
                            + " (bidirectional, upgrade, downgrade or disabled)",
                    e);
        }
    }
}
