package io.runnel.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;

/** Ports for brokers a test starts. */
public final class Ports {
    private Ports() {}

    /** A port nobody listens on right now (a broker that takes it keeps it across its restarts). */
    public static int free() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
