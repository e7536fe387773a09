package io.runnel.metadata.controller;

import io.runnel.metadata.Nullable;
import java.util.Objects;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.protocol.Errors;

/** A Kafka error code with an optional message, as a response carries it per topic or partition. */
public record ApiError(Errors error, @Nullable String message) {
    public static final ApiError NONE = new ApiError(Errors.NONE, null);

    public ApiError {
        Objects.requireNonNull(error, "error");
    }

    public static ApiError of(final Errors error, final @Nullable String message) {
        return new ApiError(error, message);
    }

    /**
     * The one mapping from exceptions to error codes: a Kafka {@link ApiException} gives its own
     * code and message (storage failures give {@code KAFKA_STORAGE_ERROR}); anything else is
     * {@code UNKNOWN_SERVER_ERROR} without a message, so internals do not leak to clients.
     * Completion and execution wrappers are unwrapped first.
     */
    public static ApiError fromThrowable(final Throwable throwable) {
        Throwable t = throwable;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        final Errors error = Errors.forException(t);
        return new ApiError(error, t instanceof ApiException ? t.getMessage() : null);
    }

    public boolean isSuccess() {
        return error == Errors.NONE;
    }

    /** The message, or the error code's default message. */
    public String messageOrDefault() {
        return message != null ? message : error.message();
    }
}
