package io.runnel.coordinator.runtime;

import io.runnel.metadata.Nullable;
import java.nio.ByteBuffer;

/**
 * How a coordinator's records become the key and value of a Kafka record in its internal topic, and back. The
 * format is Kafka's own for that topic, so tools that read it (and a cluster moving between Kafka and Runnel) agree.
 *
 * @param <R> the coordinator's record type
 */
public interface CoordinatorRecordSerde<R> {
    /** What the record is about: the key {@link CoordinatorStore#append} places it by (a group id). */
    String coordinatorKey(R record);

    /** What a {@link #coordinatorKey} names, for messages ("group"). */
    String keyKind();

    byte[] key(R record);

    /** The value; {@code null} is a tombstone. */
    byte @Nullable [] value(R record);

    /**
     * @throws org.apache.kafka.common.errors.CorruptRecordException if the bytes are not a record of this format
     */
    R decode(@Nullable ByteBuffer key, @Nullable ByteBuffer value);
}
