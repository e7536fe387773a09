package io.runnel.coordinator.group.classic;

import java.util.EnumSet;
import java.util.Set;

/**
 * The states of a classic group, spelled as Kafka reports them in DescribeGroups and ListGroups.
 *
 * <pre>
 * state                previous states allowed                      what moves the group on
 * Empty                PreparingRebalance                           the join phase completes with no member
 * PreparingRebalance   Empty, CompletingRebalance, Stable           a member joins, leaves, changes metadata or
 *                                                                   times out; a pending sync expires
 * CompletingRebalance  PreparingRebalance                           the join phase completes with members
 * Stable               CompletingRebalance                          the leader's assignment is stored
 * Dead                 any                                          the group is deleted or expires
 * </pre>
 *
 * A loaded group starts in Stable (members) or Empty (none) without a transition.
 */
public enum ClassicGroupState {
    EMPTY("Empty"),
    PREPARING_REBALANCE("PreparingRebalance"),
    COMPLETING_REBALANCE("CompletingRebalance"),
    STABLE("Stable"),
    DEAD("Dead");

    private final String displayName;

    ClassicGroupState(final String displayName) {
        this.displayName = displayName;
    }

    /** The states this one may be entered from. */
    Set<ClassicGroupState> validPreviousStates() {
        return switch (this) {
            case EMPTY -> EnumSet.of(PREPARING_REBALANCE);
            case PREPARING_REBALANCE -> EnumSet.of(EMPTY, COMPLETING_REBALANCE, STABLE);
            case COMPLETING_REBALANCE -> EnumSet.of(PREPARING_REBALANCE);
            case STABLE -> EnumSet.of(COMPLETING_REBALANCE);
            case DEAD -> EnumSet.allOf(ClassicGroupState.class);
        };
    }

    /** Kafka's spelling, e.g. {@code "PreparingRebalance"}. */
    @Override
    public String toString() {
        return displayName;
    }

    /** The state with Kafka's spelling {@code name}, ignoring case; null when there is none. */
    public static ClassicGroupState parse(final String name) {
        for (final ClassicGroupState state : values()) {
            if (state.displayName.equalsIgnoreCase(name)) {
                return state;
            }
        }
        return null;
    }
}
