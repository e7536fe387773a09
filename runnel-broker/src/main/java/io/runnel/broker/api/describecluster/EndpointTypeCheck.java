package io.runnel.broker.api.describecluster;

import java.util.Optional;
import org.apache.kafka.clients.admin.EndpointType;
import org.apache.kafka.common.message.DescribeClusterRequestData;
import org.apache.kafka.common.message.DescribeClusterResponseData;
import org.apache.kafka.common.protocol.Errors;

/**
 * The check both listeners make before describing the cluster (KIP-919): a request asks for broker or controller
 * endpoints, and only a listener of that kind may answer. The errors and messages are KRaft's
 * ({@code AuthHelper.computeDescribeClusterResponse}); v0 has no EndpointType field to blame, so it gets
 * INVALID_REQUEST instead.
 */
final class EndpointTypeCheck {
    private EndpointTypeCheck() {}

    /** The refusal for a request this listener must not answer, or empty if it may. */
    static Optional<DescribeClusterResponseData> refusal(
            final short apiVersion, final DescribeClusterRequestData request, final EndpointType served) {
        final EndpointType wanted = EndpointType.fromId(request.endpointType());
        if (wanted == served) {
            return Optional.empty();
        }
        final boolean unknown = wanted == EndpointType.UNKNOWN;
        final Errors error = apiVersion == 0
                ? Errors.INVALID_REQUEST
                : unknown ? Errors.UNSUPPORTED_ENDPOINT_TYPE : Errors.MISMATCHED_ENDPOINT_TYPE;
        final String message = unknown
                ? "Unsupported endpoint type " + request.endpointType()
                : "The request was sent to an endpoint of type " + served + ", but we wanted an endpoint of type "
                        + wanted;
        return Optional.of(
                new DescribeClusterResponseData().setErrorCode(error.code()).setErrorMessage(message));
    }
}
