package io.runnel.metadata.record;

/**
 * One change to the cluster metadata. The cluster state is the result of applying every record
 * of the metadata log, in order, to {@link io.runnel.metadata.image.MetadataImage#EMPTY}.
 *
 * <p>Records are immutable values; {@link MetadataRecordSerde} gives their binary form. Adding a
 * record type means adding a permitted record here, a type id in the serde and a case in
 * {@code MetadataImage.apply}; the compiler finds the switches that need it.
 */
public sealed interface MetadataRecord
        permits ClusterIdRecord,
                RegisterBrokerRecord,
                TopicRecord,
                PartitionRecord,
                ConfigRecord,
                RemoveTopicRecord,
                ProducerIdsRecord,
                BrokerRegistrationChangeRecord,
                UnregisterBrokerRecord,
                VotersRecord {}
