package io.runnel.quorum;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.apache.kafka.common.errors.NotControllerException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.ratis.protocol.exceptions.AlreadyClosedException;
import org.apache.ratis.protocol.exceptions.LeaderNotReadyException;
import org.apache.ratis.protocol.exceptions.LeaderSteppingDownException;
import org.apache.ratis.protocol.exceptions.NotLeaderException;
import org.apache.ratis.protocol.exceptions.RaftRetryFailureException;
import org.apache.ratis.protocol.exceptions.ServerNotReadyException;
import org.apache.ratis.protocol.exceptions.StateMachineException;
import org.apache.ratis.protocol.exceptions.TimeoutIOException;
import org.apache.ratis.protocol.exceptions.TransferLeadershipException;

/**
 * The one place Ratis' failures become the Kafka errors the controller maps to error codes: anything that says
 * "not the leader (any more)" is {@link NotControllerException}, waiting too long is {@link TimeoutException}, and
 * the rest is {@link KafkaStorageException}, the {@link io.runnel.metadata.log.MetadataLog} contract's "cannot be
 * written".
 */
final class RatisErrors {
    private RatisErrors() {}

    static NotControllerException notController(final int nodeId, final String why) {
        return new NotControllerException("Node " + nodeId + " is not the active controller: " + why);
    }

    static RuntimeException toKafka(final int nodeId, final Throwable failure) {
        final Throwable cause = unwrap(failure);
        return switch (cause) {
            case NotLeaderException e -> notController(nodeId, "the quorum's leader is " + e.getSuggestedLeader());
            case LeaderNotReadyException e -> notController(nodeId, "it is not ready to lead yet");
            case LeaderSteppingDownException e -> notController(nodeId, "it is stepping down");
            case TransferLeadershipException e -> notController(nodeId, "it is handing leadership over");
            case AlreadyClosedException e -> notController(nodeId, "its quorum server is closed");
            case ServerNotReadyException e -> notController(nodeId, "its quorum server is starting");
            case TimeoutIOException e -> new TimeoutException("Metadata quorum did not answer in time", e);
            case RaftRetryFailureException e -> new TimeoutException("Metadata quorum did not answer in time", e);
            case StateMachineException e when e.getCause() instanceof RuntimeException r -> r;
            case NotControllerException e -> e;
            case TimeoutException e -> e;
            case KafkaStorageException e -> e;
            default -> new KafkaStorageException("Cannot write to the metadata quorum: " + cause, cause);
        };
    }

    private static Throwable unwrap(final Throwable failure) {
        Throwable cause = failure;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException)
                && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }
}
