package io.runnel.broker.api.apiversions;

import static org.assertj.core.api.Assertions.assertThat;

import io.runnel.protocol.RequestContext;
import java.net.InetSocketAddress;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.requests.RequestHeader;
import org.junit.jupiter.api.Test;

/**
 * The features ApiVersions advertises, in the shape Kafka 4.4.0 gives them: every production feature Kafka names,
 * at the level Runnel runs, finalized at that level with the metadata image's offset as epoch.
 */
class FeatureLevelsTest {
    private static final long IMAGE_OFFSET = 57;

    @Test
    void shouldAdvertiseEveryFeatureAtTheLevelRunnelRunsFromV4() throws Exception {
        final ApiVersionsResponseData response = apiVersions((short) 4);

        assertThat(response.supportedFeatures())
                .extracting(f -> f.name() + "=" + f.minVersion() + ".." + f.maxVersion())
                .containsExactlyInAnyOrder(
                        "metadata.version=33..33",
                        "kraft.version=0..0",
                        "group.version=1..1",
                        "transaction.version=0..0",
                        "eligible.leader.replicas.version=0..0",
                        "share.version=0..0",
                        "streams.version=0..0");
    }

    @Test
    void shouldFinalizeOnlyTheFeaturesAboveLevel0WithTheImageOffsetAsEpoch() throws Exception {
        final ApiVersionsResponseData response = apiVersions((short) 4);

        assertThat(response.finalizedFeatures())
                .extracting(f -> f.name() + "=" + f.minVersionLevel() + ".." + f.maxVersionLevel())
                .containsExactlyInAnyOrder("metadata.version=33..33", "group.version=1..1");
        assertThat(response.finalizedFeaturesEpoch()).isEqualTo(IMAGE_OFFSET);
    }

    /** KAFKA-17492: clients older than ApiVersions v4 cannot parse a supported range that starts at 0. */
    @Test
    void shouldLeaveOutFeaturesSupportedFromLevel0BeforeV4() throws Exception {
        assertThat(apiVersions((short) 3).supportedFeatures())
                .extracting(ApiVersionsResponseData.SupportedFeatureKey::name)
                .containsExactlyInAnyOrder("metadata.version", "group.version");
    }

    private static ApiVersionsResponseData apiVersions(final short version) throws Exception {
        return new ApiVersionsHandler(
                        ApiVersionsResponseData.ApiVersionCollection::new, "cluster", 1, () -> IMAGE_OFFSET)
                .handle(
                        new RequestContext(
                                new RequestHeader(ApiKeys.API_VERSIONS, version, "feature-levels-test", 1),
                                new InetSocketAddress("127.0.0.1", 50_000)),
                        new ApiVersionsRequestData()
                                .setClientSoftwareName("feature-levels-test")
                                .setClientSoftwareVersion("1.0"))
                .get();
    }
}
