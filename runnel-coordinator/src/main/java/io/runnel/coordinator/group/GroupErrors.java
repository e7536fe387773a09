package io.runnel.coordinator.group;

import io.runnel.coordinator.runtime.Failures;
import org.apache.kafka.common.protocol.Errors;

/**
 * The one place where a failed {@code GroupStore} append becomes a client-facing error, as Kafka maps a failed
 * write to {@code __consumer_offsets}: clients retry COORDINATOR_NOT_AVAILABLE and NOT_COORDINATOR by finding
 * the coordinator again.
 */
public final class GroupErrors {
    private GroupErrors() {}

    public static Errors fromStoreFailure(final Throwable failure) {
        final Errors error = Errors.forException(Failures.unwrap(failure));
        return switch (error) {
            case UNKNOWN_TOPIC_OR_PARTITION, NOT_ENOUGH_REPLICAS, NOT_ENOUGH_REPLICAS_AFTER_APPEND, REQUEST_TIMED_OUT ->
                Errors.COORDINATOR_NOT_AVAILABLE;
            case NOT_LEADER_OR_FOLLOWER, KAFKA_STORAGE_ERROR -> Errors.NOT_COORDINATOR;
            case MESSAGE_TOO_LARGE, RECORD_LIST_TOO_LARGE, INVALID_FETCH_SIZE -> Errors.UNKNOWN_SERVER_ERROR;
            default -> error;
        };
    }
}
