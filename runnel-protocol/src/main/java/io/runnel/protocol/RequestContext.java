package io.runnel.protocol;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import org.apache.kafka.common.requests.RequestHeader;

/** What a handler knows about the request it serves besides the request body. */
public record RequestContext(RequestHeader header, SocketAddress clientAddress) {
    public short apiVersion() {
        return header.apiVersion();
    }

    public String clientId() {
        return header.clientId();
    }

    /** The client's address as Kafka reports it in group descriptions: with a leading slash. */
    public String clientHost() {
        return clientAddress instanceof InetSocketAddress address
                ? "/" + address.getAddress().getHostAddress()
                : String.valueOf(clientAddress);
    }
}
