package io.runnel.network;

import static org.assertj.core.api.Assertions.assertThat;

import io.runnel.protocol.ApiDispatcher;
import io.runnel.testsupport.Frames;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.requests.ResponseHeader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A controller listener serves Kafka and relays the quorum's HTTP/2 connections, on one port. */
@Timeout(30)
class Http2RelayTest {
    private static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    private ServerSocket echo;
    private Thread echoThread;
    private NetworkServer server;

    @BeforeEach
    void start() throws Exception {
        echo = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
        echoThread = new Thread(this::echoEach, "test-echo");
        echoThread.setDaemon(true);
        echoThread.start();
        server = new NetworkServer(
                "runnel",
                new InetSocketAddress("127.0.0.1", 0),
                1,
                1,
                new ApiDispatcher(List.of()),
                1 << 20,
                60_000,
                new InetSocketAddress("127.0.0.1", echo.getLocalPort()));
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
        echo.close();
        echoThread.join(5_000);
    }

    @Test
    void shouldRelayAnHttp2ConnectionByteForByteInBothDirections() throws Exception {
        final byte[] payload = new byte[200_000];
        Arrays.fill(payload, (byte) 7);
        try (Socket socket = connect()) {
            final OutputStream out = socket.getOutputStream();
            out.write(PREFACE);
            out.write(payload);
            out.flush();

            final byte[] back =
                    new DataInputStreamReader(socket.getInputStream()).read(PREFACE.length + payload.length);

            assertThat(Arrays.copyOf(back, PREFACE.length)).isEqualTo(PREFACE);
            assertThat(Arrays.copyOfRange(back, PREFACE.length, back.length)).isEqualTo(payload);
        }
    }

    @Test
    void shouldServeKafkaOnTheSamePort() throws Exception {
        try (Socket socket = connect()) {
            socket.getOutputStream()
                    .write(Frames.request(
                            ApiKeys.API_VERSIONS,
                            (short) (ApiKeys.API_VERSIONS.latestVersion() + 1),
                            9,
                            "test",
                            new byte[0]));
            final DataInputStream in = new DataInputStream(socket.getInputStream());
            final byte[] frame = new byte[in.readInt()];
            in.readFully(frame);

            assertThat(ResponseHeader.parse(ByteBuffer.wrap(frame), (short) 0).correlationId())
                    .isEqualTo(9);
        }
    }

    @Test
    void shouldCloseTheRelayedConnectionWhenTheQuorumServerIsNotThere() throws Exception {
        echo.close();
        try (Socket socket = connect()) {
            socket.getOutputStream().write(PREFACE);

            assertThat(socket.getInputStream().read()).isEqualTo(-1);
        }
    }

    private Socket connect() throws IOException {
        final Socket socket = new Socket();
        socket.connect(server.boundAddress(), 5_000);
        socket.setSoTimeout(10_000);
        return socket;
    }

    private void echoEach() {
        while (!echo.isClosed()) {
            try {
                final Socket s = echo.accept();
                final Thread t = new Thread(
                        () -> {
                            try (s) {
                                s.getInputStream().transferTo(s.getOutputStream());
                            } catch (IOException e) {
                                // the test closed it
                            }
                        },
                        "test-echo-conn");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private record DataInputStreamReader(InputStream in) {
        byte[] read(final int n) throws IOException {
            final byte[] bytes = new byte[n];
            new DataInputStream(in).readFully(bytes);
            return bytes;
        }
    }
}
