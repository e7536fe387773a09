package io.runnel.metadata.record;

/** Bytes that should hold metadata records do not: unknown type or version, truncation, garbage. */
public final class MetadataCorruptionException extends RuntimeException {
    public MetadataCorruptionException(final String message) {
        super(message);
    }

    public MetadataCorruptionException(final String message, final Throwable cause) {
        super(message, cause);
    }
}
