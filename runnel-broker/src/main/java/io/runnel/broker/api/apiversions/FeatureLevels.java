package io.runnel.broker.api.apiversions;

import java.util.List;
import org.apache.kafka.common.message.ApiVersionsResponseData.FinalizedFeatureKey;
import org.apache.kafka.common.message.ApiVersionsResponseData.FinalizedFeatureKeyCollection;
import org.apache.kafka.common.message.ApiVersionsResponseData.SupportedFeatureKey;
import org.apache.kafka.common.message.ApiVersionsResponseData.SupportedFeatureKeyCollection;

/**
 * The feature levels Runnel runs at, named as Kafka 4.4.0 names its production features, so that
 * {@code kafka-features describe} reads as it does against Kafka. Runnel has no UpdateFeatures: every level is
 * fixed by the code, so each feature's supported range is the levels this code can run and the finalized level is
 * the one it does run. A level 0 means the feature's additions are absent, as on a Kafka cluster that has not
 * enabled them.
 */
final class FeatureLevels {
    /**
     * One feature.
     *
     * @param finalized the level in force; 0 is not listed among the finalized features, as in Kafka
     */
    record Feature(String name, short minSupported, short maxSupported, short finalized) {
        static Feature fixed(final String name, final int level) {
            return new Feature(name, (short) level, (short) level, (short) level);
        }
    }

    /** 4.4-IV2, Kafka 4.4.0's latest production metadata version: Runnel serves Kafka 4.4.0's API versions. */
    static final short METADATA_VERSION_4_4_IV2 = 33;

    static final List<Feature> ALL = List.of(
            Feature.fixed("metadata.version", METADATA_VERSION_4_4_IV2),
            // KIP-853's dynamic quorum (level 1) is not served: the voters are controller.quorum.voters
            Feature.fixed("kraft.version", 0),
            // KIP-848's consumer groups (ConsumerGroupHeartbeat) are always served
            Feature.fixed("group.version", 1),
            // Transactions, eligible leader replicas (KIP-966), share groups and streams groups are not served
            Feature.fixed("transaction.version", 0),
            Feature.fixed("eligible.leader.replicas.version", 0),
            Feature.fixed("share.version", 0),
            Feature.fixed("streams.version", 0));

    /** ApiVersions v4 is the first whose clients accept a supported range starting at 0 (KAFKA-17492). */
    private static final short LEVEL_0_VERSION = 4;

    private FeatureLevels() {}

    /**
     * The supported features for a response at {@code apiVersion}. Before v4 those with a minimum of 0 are left
     * out, as Kafka does: older clients fail to parse such a range.
     */
    static SupportedFeatureKeyCollection supported(final short apiVersion) {
        final SupportedFeatureKeyCollection keys = new SupportedFeatureKeyCollection();
        for (final Feature feature : ALL) {
            if (apiVersion >= LEVEL_0_VERSION || feature.minSupported() > 0) {
                keys.add(new SupportedFeatureKey()
                        .setName(feature.name())
                        .setMinVersion(feature.minSupported())
                        .setMaxVersion(feature.maxSupported()));
            }
        }
        return keys;
    }

    /** The finalized features; a feature finalized at 0 is absent, as Kafka leaves it out. */
    static FinalizedFeatureKeyCollection finalized() {
        final FinalizedFeatureKeyCollection keys = new FinalizedFeatureKeyCollection();
        for (final Feature feature : ALL) {
            if (feature.finalized() != 0) {
                keys.add(new FinalizedFeatureKey()
                        .setName(feature.name())
                        .setMinVersionLevel(feature.finalized())
                        .setMaxVersionLevel(feature.finalized()));
            }
        }
        return keys;
    }
}
