package io.runnel.storage.meta;

/** A node's directories do not fit its configuration or each other; the message names the directory and the fix. */
public final class MetaPropertiesException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public MetaPropertiesException(final String message) {
        super(message);
    }
}
