package io.runnel.protocol;

import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;

/**
 * Serves one Kafka API. One implementation per API key, in a package named for the API.
 *
 * <p>Handlers run on a request handler thread ("runnel-io-N"), one request of a connection at a time and in the
 * order they arrived. A handler may wait for the disk there, but not for other requests: work that waits for
 * something to happen (long-poll fetch, acks) returns an incomplete future that an event or timer completes later. A handler may throw or complete exceptionally with
 * a kafka-clients {@code ApiException}; {@link ApiDispatcher} turns that into the API's error response. A
 * future completed with {@code null} means "send no response" (Produce with acks=0).
 *
 * @param <Q> the request message type
 */
public interface ApiHandler<Q extends ApiMessage> {
    ApiKeys apiKey();

    /** The lowest version this handler serves; the default is everything kafka-clients can parse. */
    default short minVersion() {
        return apiKey().oldestVersion();
    }

    /** The lowest version ApiVersions advertises; the served minimum unless a client needs to be told less. */
    default short advertisedMinVersion() {
        return minVersion();
    }

    /** The highest version this handler serves; the default is kafka-clients' latest stable version. */
    default short maxVersion() {
        return apiKey().latestVersion(false);
    }

    CompletableFuture<? extends ApiMessage> handle(RequestContext context, Q request);
}
