package io.runnel.coordinator.group.consumer;

/**
 * Where a consumer group member is in reconciling its assignment with its target (KIP-848).
 *
 * <pre>
 * state                  the member                                          leaves it when
 * STABLE                 owns its whole target at the assignment epoch       a new target differs
 * UNREVOKED_PARTITIONS   must give up partitions first; keeps its old epoch  its heartbeat no longer lists them
 * UNRELEASED_PARTITIONS  is at the new epoch but waits for partitions that   their owners revoke them
 *                        other members still own
 * </pre>
 */
public enum MemberState {
    STABLE((byte) 0),
    UNREVOKED_PARTITIONS((byte) 1),
    UNRELEASED_PARTITIONS((byte) 2);

    private final byte code;

    MemberState(final byte code) {
        this.code = code;
    }

    /** The code persisted in the member record. */
    public byte code() {
        return code;
    }

    public static MemberState fromCode(final byte code) {
        for (final MemberState s : values()) {
            if (s.code == code) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown member state " + code);
    }
}
