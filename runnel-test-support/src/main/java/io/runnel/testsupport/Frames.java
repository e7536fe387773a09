package io.runnel.testsupport;

import java.nio.ByteBuffer;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.ObjectSerializationCache;
import org.apache.kafka.common.requests.RequestHeader;

/** Kafka request frames as a client writes them: a 4-byte size, the request header, the body. */
public final class Frames {
    private Frames() {}

    /** The size-prefixed bytes of a request, as a well-behaved client would write them. */
    public static byte[] request(
            final ApiKeys key,
            final short version,
            final int correlationId,
            final String clientId,
            final ApiMessage body) {
        final RequestHeader header = new RequestHeader(key, version, clientId, correlationId);
        final ObjectSerializationCache cache = new ObjectSerializationCache();
        final int size = header.data().size(cache, header.headerVersion()) + body.size(cache, version);
        final ByteBuffer buffer = ByteBuffer.allocate(4 + size);
        buffer.putInt(size);
        final ByteBufferAccessor accessor = new ByteBufferAccessor(buffer);
        header.data().write(accessor, cache, header.headerVersion());
        body.write(accessor, cache, version);
        if (buffer.hasRemaining()) {
            throw new AssertionError("request " + key + " v" + version + " does not fill its frame exactly");
        }
        return buffer.array();
    }

    /** A size-prefixed request whose body is given as bytes, for versions kafka-clients cannot write. */
    public static byte[] request(
            final ApiKeys key, final short version, final int correlationId, final String clientId, final byte[] body) {
        final RequestHeader header = new RequestHeader(key, version, clientId, correlationId);
        final ObjectSerializationCache cache = new ObjectSerializationCache();
        final int size = header.data().size(cache, header.headerVersion()) + body.length;
        final ByteBuffer buffer = ByteBuffer.allocate(4 + size);
        buffer.putInt(size);
        header.data().write(new ByteBufferAccessor(buffer), cache, header.headerVersion());
        buffer.put(body);
        return buffer.array();
    }
}
