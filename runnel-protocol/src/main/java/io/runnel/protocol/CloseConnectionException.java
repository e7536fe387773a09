package io.runnel.protocol;

/**
 * Completes a request that has no response to send but whose failure the client must still notice: the
 * connection closes once the responses before it are written. Kafka's answer to a failed Produce with acks=0,
 * which makes the producer refresh its metadata.
 */
public final class CloseConnectionException extends RuntimeException {
    public CloseConnectionException(final String message) {
        super(message, null, false, false);
    }
}
