package io.runnel.it.clients;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy in front of a broker that, while cutting, drops every n-th response frame and closes that
 * connection: the request reached the broker, the answer never reached the client. This is the failure that
 * makes an idempotent producer retry a batch the broker already has.
 */
final class FlakyProxy implements AutoCloseable {
    private final ServerSocket server;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final AtomicInteger responses = new AtomicInteger();
    private final AtomicInteger cuts = new AtomicInteger();
    private volatile int upstreamPort;
    private volatile int cutEvery;

    FlakyProxy() throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        final Thread acceptor = new Thread(this::acceptLoop, "flaky-proxy-acceptor");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return server.getLocalPort();
    }

    void forwardTo(final int port) {
        upstreamPort = port;
    }

    /** Drop every {@code n}-th response (0 = none). */
    void cutEvery(final int n) {
        cutEvery = n;
    }

    int cuts() {
        return cuts.get();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                final Socket client = server.accept();
                final Socket upstream = new Socket(InetAddress.getLoopbackAddress(), upstreamPort);
                sockets.add(client);
                sockets.add(upstream);
                start(
                        "flaky-proxy-up",
                        () -> copy(client.getInputStream(), upstream.getOutputStream(), client, upstream));
                start("flaky-proxy-down", () -> forwardFrames(upstream, client));
            } catch (IOException e) {
                return;
            }
        }
    }

    private static void start(final String name, final IoTask task) {
        final Thread t = new Thread(
                () -> {
                    try {
                        task.run();
                    } catch (IOException ignored) {
                        // a closed socket ends the pump
                    }
                },
                name);
        t.setDaemon(true);
        t.start();
    }

    private interface IoTask {
        void run() throws IOException;
    }

    private static void copy(final InputStream in, final OutputStream out, final Socket a, final Socket b)
            throws IOException {
        try (a;
                b) {
            in.transferTo(out);
        }
    }

    private void forwardFrames(final Socket upstream, final Socket client) throws IOException {
        try (upstream;
                client) {
            final DataInputStream in = new DataInputStream(upstream.getInputStream());
            final OutputStream out = client.getOutputStream();
            while (true) {
                final int size = in.readInt();
                final byte[] frame = new byte[size];
                in.readFully(frame);
                final int n = cutEvery;
                if (n > 0 && responses.incrementAndGet() % n == 0) {
                    cuts.incrementAndGet();
                    return;
                }
                out.write(new byte[] {(byte) (size >>> 24), (byte) (size >>> 16), (byte) (size >>> 8), (byte) size});
                out.write(frame);
                out.flush();
            }
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (final Socket s : sockets) {
            s.close();
        }
    }
}
