package io.runnel.coordinator.group;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.common.protocol.Errors;

/**
 * The one place where a failed {@code GroupStore} append becomes a client-facing error, as Kafka maps a failed
 * write to {@code __consumer_offsets}: clients retry COORDINATOR_NOT_AVAILABLE and NOT_COORDINATOR by finding
 * the coordinator again.
 */
public final class GroupErrors {
    private GroupErrors() {
    }

    public static Errors fromStoreFailure(final Throwable failure) {
        final Errors error = Errors.forException(unwrap(failure));
        return switch (error) {
            case UNKNOWN_TOPIC_OR_PARTITION, NOT_ENOUGH_REPLICAS, NOT_ENOUGH_REPLICAS_AFTER_APPEND,
                 REQUEST_TIMED_OUT -> Errors.COORDINATOR_NOT_AVAILABLE;
            case NOT_LEADER_OR_FOLLOWER, KAFKA_STORAGE_ERROR -> Errors.NOT_COORDINATOR;
            case MESSAGE_TOO_LARGE, RECORD_LIST_TOO_LARGE, INVALID_FETCH_SIZE -> Errors.UNKNOWN_SERVER_ERROR;
            default -> error;
        };
    }

    public static Throwable unwrap(final Throwable failure) {
        Throwable t = failure;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }
}
