package io.runnel.broker.api.allocateproducerids;

import io.runnel.metadata.controller.Controller;
import io.runnel.protocol.ApiHandler;
import io.runnel.protocol.RequestContext;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.AllocateProducerIdsRequestData;
import org.apache.kafka.common.message.AllocateProducerIdsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;

/**
 * AllocateProducerIds, on a controller listener: a broker reserves the next block of producer ids (KIP-730), which
 * it hands out in InitProducerId answers.
 */
public final class AllocateProducerIdsHandler implements ApiHandler<AllocateProducerIdsRequestData> {
    /** Kafka's block size. */
    public static final int BLOCK_SIZE = 1000;

    private final Controller controller;

    public AllocateProducerIdsHandler(final Controller controller) {
        this.controller = controller;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.ALLOCATE_PRODUCER_IDS;
    }

    @Override
    public CompletableFuture<AllocateProducerIdsResponseData> handle(
            final RequestContext context, final AllocateProducerIdsRequestData request) {
        return controller
                .allocateProducerIds(BLOCK_SIZE)
                .thenApply(first -> new AllocateProducerIdsResponseData()
                        .setProducerIdStart(first)
                        .setProducerIdLen(BLOCK_SIZE));
    }
}
