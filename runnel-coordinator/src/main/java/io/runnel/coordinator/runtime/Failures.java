package io.runnel.coordinator.runtime;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** Getting at the failure a future's wrapping hides. */
public final class Failures {
    private Failures() {}

    /** The cause under any {@link CompletionException} and {@link ExecutionException} layers. */
    public static Throwable unwrap(final Throwable failure) {
        Throwable t = failure;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }
}
