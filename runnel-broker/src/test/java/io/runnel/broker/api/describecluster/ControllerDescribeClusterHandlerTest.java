package io.runnel.broker.api.describecluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.runnel.protocol.RequestContext;
import java.net.InetSocketAddress;
import java.util.Map;
import org.apache.kafka.common.message.DescribeClusterRequestData;
import org.apache.kafka.common.message.DescribeClusterResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.RequestHeader;
import org.junit.jupiter.api.Test;

/**
 * DescribeCluster on a controller listener (KIP-919, {@code --bootstrap-controller}): the voters at their controller
 * listeners and the quorum leader as the controller; a request for broker endpoints is refused in KRaft's words.
 */
class ControllerDescribeClusterHandlerTest {
    private static final byte BROKERS = 1;
    private static final byte CONTROLLERS = 2;
    private static final String CLUSTER_ID = "MkU3OEVBNTcwNTJENDM2Qg";
    private static final Map<Integer, InetSocketAddress> VOTERS = Map.of(
            3, InetSocketAddress.createUnresolved("c3.example", 9093),
            1, InetSocketAddress.createUnresolved("c1.example", 9093),
            2, InetSocketAddress.createUnresolved("c2.example", 9094));

    @Test
    void shouldListTheVotersAtTheirControllerListenersWithTheLeaderAsController() throws Exception {
        final DescribeClusterResponseData response = describe(2, CONTROLLERS, (short) 2);

        assertThat(response.errorCode()).isZero();
        assertThat(response.clusterId()).isEqualTo(CLUSTER_ID);
        assertThat(response.endpointType()).isEqualTo(CONTROLLERS);
        assertThat(response.controllerId()).isEqualTo(2);
        assertThat(response.brokers())
                .extracting(b -> b.brokerId() + "@" + b.host() + ":" + b.port())
                .containsExactly("1@c1.example:9093", "2@c2.example:9094", "3@c3.example:9093");
    }

    @Test
    void shouldReportNoControllerWhileTheQuorumHasNoLeader() throws Exception {
        assertThat(describe(-1, CONTROLLERS, (short) 1).controllerId()).isEqualTo(-1);
    }

    @Test
    void shouldAnswerMismatchedEndpointTypeWhenAskedForBrokers() throws Exception {
        final DescribeClusterResponseData response = describe(2, BROKERS, (short) 1);

        assertThat(response.errorCode()).isEqualTo(Errors.MISMATCHED_ENDPOINT_TYPE.code());
        assertThat(response.errorMessage())
                .isEqualTo("The request was sent to an endpoint of type CONTROLLER, but we wanted an endpoint of type"
                        + " BROKER");
        assertThat(response.brokers()).isEmpty();
    }

    @Test
    void shouldAnswerInvalidRequestAtV0WhichCanOnlyAskForBrokers() throws Exception {
        assertThat(describe(2, BROKERS, (short) 0).errorCode()).isEqualTo(Errors.INVALID_REQUEST.code());
    }

    @Test
    void shouldAnswerUnsupportedEndpointTypeForAnUnknownType() throws Exception {
        final DescribeClusterResponseData response = describe(2, (byte) 7, (short) 1);

        assertThat(response.errorCode()).isEqualTo(Errors.UNSUPPORTED_ENDPOINT_TYPE.code());
        assertThat(response.errorMessage()).isEqualTo("Unsupported endpoint type 7");
    }

    private static DescribeClusterResponseData describe(final int leader, final byte endpointType, final short version)
            throws Exception {
        return new ControllerDescribeClusterHandler(CLUSTER_ID, VOTERS, () -> leader)
                .handle(
                        new RequestContext(
                                new RequestHeader(ApiKeys.DESCRIBE_CLUSTER, version, "describe-cluster-test", 1),
                                new InetSocketAddress("127.0.0.1", 50_000)),
                        new DescribeClusterRequestData().setEndpointType(endpointType))
                .get();
    }
}
