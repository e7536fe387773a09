package io.runnel.broker.api.initproducerid;

import io.runnel.metadata.controller.Controller;
import io.runnel.protocol.ApiHandler;
import io.runnel.protocol.RequestContext;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.message.InitProducerIdResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;

/**
 * InitProducerId for idempotent producers: a fresh producer id at epoch 0. Ids come from blocks the controller
 * reserves durably, so an id is never handed out twice, even across restarts. Transactional ids need the
 * transaction coordinator of a later issue and are refused.
 */
public final class InitProducerIdHandler implements ApiHandler<InitProducerIdRequestData> {
    private static final int BLOCK_SIZE = 1000;

    private final Controller controller;
    private long next;
    private long blockEnd;

    public InitProducerIdHandler(final Controller controller) {
        this.controller = controller;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.INIT_PRODUCER_ID;
    }

    @Override
    public CompletableFuture<InitProducerIdResponseData> handle(
            final RequestContext context, final InitProducerIdRequestData request) {
        if (request.transactionalId() != null) {
            return CompletableFuture.completedFuture(new InitProducerIdResponseData()
                    .setErrorCode(Errors.COORDINATOR_NOT_AVAILABLE.code())
                    .setProducerId(-1)
                    .setProducerEpoch((short) -1));
        }
        return nextProducerId()
                .thenApply(
                        id -> new InitProducerIdResponseData().setProducerId(id).setProducerEpoch((short) 0));
    }

    private synchronized CompletableFuture<Long> nextProducerId() {
        if (next < blockEnd) {
            return CompletableFuture.completedFuture(next++);
        }
        return controller.allocateProducerIds(BLOCK_SIZE).thenApply(this::takeFromNewBlock);
    }

    private synchronized long takeFromNewBlock(final long first) {
        if (next >= blockEnd) {
            next = first;
            blockEnd = first + BLOCK_SIZE;
        }
        return next++;
    }
}
