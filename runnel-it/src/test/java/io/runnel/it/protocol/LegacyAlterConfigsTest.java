package io.runnel.it.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.runnel.it.TestBrokerExtension;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.message.AlterConfigsRequestData;
import org.apache.kafka.common.message.AlterConfigsResponseData;
import org.apache.kafka.common.message.DescribeConfigsRequestData;
import org.apache.kafka.common.message.DescribeConfigsResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.DescribeConfigsResponse.ConfigSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The legacy AlterConfigs (API key 33) on the wire: kafka-clients 4 no longer sends it, but older clients and
 * tools do, and Kafka 4 still serves it. It replaces every dynamic config of the resource.
 */
@Timeout(30)
class LegacyAlterConfigsTest {
    private static final short VERSION = 2;

    @RegisterExtension
    static final TestBrokerExtension BROKER = new TestBrokerExtension();

    @Test
    void shouldReplaceEveryDynamicConfigOfTheTopic() throws Exception {
        try (WireClient client = WireClient.connect(BROKER.port())) {
            ProduceValidationTest.createTopic(client, "replaced", Map.of("retention.ms", "1000"));

            final AlterConfigsResponseData response = client.roundTrip(
                    request(resource(ConfigResource.Type.TOPIC, "replaced", "max.message.bytes", "4096")), VERSION);

            assertThat(response.responses())
                    .singleElement()
                    .satisfies(
                            r -> assertThat(r.errorCode()).as(r.errorMessage()).isZero());
            final Map<String, DescribeConfigsResponseData.DescribeConfigsResourceResult> configs =
                    describe(client, "replaced");
            assertThat(configs.get("max.message.bytes").value()).isEqualTo("4096");
            assertThat(configs.get("max.message.bytes").configSource()).isEqualTo(ConfigSource.TOPIC_CONFIG.id());
            assertThat(configs.get("retention.ms").value()).isEqualTo("604800000");
            assertThat(configs.get("retention.ms").configSource()).isEqualTo(ConfigSource.DEFAULT_CONFIG.id());
        }
    }

    @Test
    void shouldAnswerEachResourceWithItsOwnError() throws Exception {
        try (WireClient client = WireClient.connect(BROKER.port())) {
            ProduceValidationTest.createTopic(client, "judged", Map.of());
            final AlterConfigsRequestData request = request(
                    resource(ConfigResource.Type.TOPIC, "judged", "segment.bytes", "12"),
                    resource(ConfigResource.Type.TOPIC, "absent", "retention.ms", "1000"),
                    resource(ConfigResource.Type.BROKER_LOGGER, "1", "root", "INFO"),
                    resource(ConfigResource.Type.TOPIC, "twice", "retention.ms", "1"),
                    resource(ConfigResource.Type.TOPIC, "twice", "retention.ms", "2"));

            final AlterConfigsResponseData response = client.roundTrip(request, VERSION);

            assertThat(response.responses())
                    .extracting(AlterConfigsResponseData.AlterConfigsResourceResponse::errorCode)
                    .containsExactly(
                            Errors.INVALID_CONFIG.code(),
                            Errors.UNKNOWN_TOPIC_OR_PARTITION.code(),
                            Errors.INVALID_REQUEST.code(),
                            Errors.INVALID_REQUEST.code(),
                            Errors.INVALID_REQUEST.code());
            assertThat(response.responses())
                    .extracting(AlterConfigsResponseData.AlterConfigsResourceResponse::resourceName)
                    .containsExactly("judged", "absent", "1", "twice", "twice");
            assertThat(describe(client, "judged").get("segment.bytes").configSource())
                    .isEqualTo(ConfigSource.DEFAULT_CONFIG.id());
        }
    }

    private static AlterConfigsRequestData.AlterConfigsResource resource(
            final ConfigResource.Type type, final String name, final String key, final String value) {
        final AlterConfigsRequestData.AlterConfigsResource resource = new AlterConfigsRequestData.AlterConfigsResource()
                .setResourceType(type.id())
                .setResourceName(name);
        resource.configs()
                .add(new AlterConfigsRequestData.AlterableConfig().setName(key).setValue(value));
        return resource;
    }

    private static AlterConfigsRequestData request(final AlterConfigsRequestData.AlterConfigsResource... resources) {
        final AlterConfigsRequestData request = new AlterConfigsRequestData();
        for (final AlterConfigsRequestData.AlterConfigsResource resource : resources) {
            request.resources().add(resource);
        }
        return request;
    }

    private static Map<String, DescribeConfigsResponseData.DescribeConfigsResourceResult> describe(
            final WireClient client, final String topic) throws Exception {
        final DescribeConfigsRequestData request = new DescribeConfigsRequestData();
        request.resources()
                .add(new DescribeConfigsRequestData.DescribeConfigsResource()
                        .setResourceType(ConfigResource.Type.TOPIC.id())
                        .setResourceName(topic)
                        .setConfigurationKeys(null));
        final DescribeConfigsResponseData response = client.roundTrip(request, (short) 4);
        final DescribeConfigsResponseData.DescribeConfigsResult result =
                response.results().get(0);
        assertThat(result.errorCode()).as(result.errorMessage()).isZero();
        final Map<String, DescribeConfigsResponseData.DescribeConfigsResourceResult> byName = new TreeMap<>();
        result.configs().forEach(c -> byName.put(c.name(), c));
        return byName;
    }
}
