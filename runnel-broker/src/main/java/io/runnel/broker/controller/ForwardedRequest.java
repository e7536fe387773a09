package io.runnel.broker.controller;

import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.MessageUtil;
import org.apache.kafka.common.requests.AbstractRequest;

/** A client's request, as it arrived, sent on to the active controller at the version the client used. */
public final class ForwardedRequest extends AbstractRequest.Builder<AbstractRequest> {
    private final ApiMessage data;

    public ForwardedRequest(final ApiKeys api, final short version, final ApiMessage data) {
        super(api, version, version);
        this.data = data;
    }

    @Override
    public AbstractRequest build(final short version) {
        return AbstractRequest.parseRequest(apiKey(), version, MessageUtil.toByteBufferAccessor(data, version)).request;
    }
}
