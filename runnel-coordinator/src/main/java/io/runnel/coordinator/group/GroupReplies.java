package io.runnel.coordinator.group;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** How the coordinator's operations turn into answers: failures into the API's error response, parts into one. */
final class GroupReplies {
    private static final Logger LOG = LoggerFactory.getLogger(GroupCoordinator.class);

    private GroupReplies() {}

    /** Completes {@code response} with the merge of {@code parts} once every part is answered. */
    static <P, R> void whenAll(
            final List<CompletableFuture<P>> parts,
            final CompletableFuture<R> response,
            final Function<List<P>, R> merge) {
        CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new)).whenComplete((ignored, failure) -> {
            if (failure != null) {
                response.completeExceptionally(failure);
                return;
            }
            final List<P> answered = new ArrayList<>(parts.size());
            parts.forEach(part -> answered.add(part.join()));
            response.complete(merge.apply(answered));
        });
    }

    /** Anything the operation throws is mapped with {@code Errors.forException} to the API's error response. */
    static <R> void run(
            final Consumer<CompletableFuture<R>> operation,
            final CompletableFuture<R> response,
            final BiFunction<Errors, String, R> errorResponse) {
        try {
            operation.accept(response);
        } catch (final RuntimeException e) {
            final Errors error = Errors.forException(e);
            if (error == Errors.UNKNOWN_SERVER_ERROR) {
                LOG.error("Group coordinator failed a request", e);
            }
            response.complete(errorResponse.apply(error, e instanceof ApiException ? e.getMessage() : null));
        }
    }
}
