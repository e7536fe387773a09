package io.runnel.metadata.config;

import java.util.Objects;

/** A broker property that sets the default of a topic config, e.g. {@code log.retention.hours}. */
public record BrokerSynonym(String name, SynonymUnit unit) {
    public BrokerSynonym {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(unit, "unit");
    }

    public static BrokerSynonym same(final String name) {
        return new BrokerSynonym(name, SynonymUnit.SAME);
    }
}
