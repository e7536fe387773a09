package io.runnel.broker.api;

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
}
