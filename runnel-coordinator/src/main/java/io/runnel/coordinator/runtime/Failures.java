package io.runnel.coordinator.runtime;

import io.netty.buffer.ByteBuf;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** Getting at the failure a future's wrapping hides. */
public final class Failures {
    private Failures() {
    }

    /** Scratch: a coordinator class that sees Netty, to show the rule failing. */
    public static int scratch(final ByteBuf buf) {
        return buf.readableBytes();
    }

    /** The cause under any {@link CompletionException} and {@link ExecutionException} layers. */
    public static Throwable unwrap(final Throwable failure) {
        Throwable t = failure;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }
}
