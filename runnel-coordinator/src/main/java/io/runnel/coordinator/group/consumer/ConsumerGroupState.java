package io.runnel.coordinator.group.consumer;

/**
 * The states of a consumer group, derived from its members and epochs (never set directly), spelled as Kafka
 * reports them in ConsumerGroupDescribe and ListGroups.
 *
 * <pre>
 * Empty        no members
 * Assigning    the group epoch moved past the epoch of the target assignment
 * Reconciling  some member has not yet reached the target assignment
 * Stable       every member owns exactly its target
 * Dead         deleted
 * </pre>
 */
public enum ConsumerGroupState {
    EMPTY("Empty"),
    ASSIGNING("Assigning"),
    RECONCILING("Reconciling"),
    STABLE("Stable"),
    DEAD("Dead");

    private final String displayName;

    ConsumerGroupState(final String displayName) {
        this.displayName = displayName;
    }

    @Override
    public String toString() {
        return displayName;
    }
}
