package io.runnel.metadata.record;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class MetadataRecordSerdeTest {
    static Stream<MetadataRecord> everyRecordType() {
        final Uuid id = Uuid.randomUuid();
        return Stream.of(
                new ClusterIdRecord("MkU3OEVBNTcwNTJENDM2Qk"),
                new RegisterBrokerRecord(1, "localhost", 9092, "PLAINTEXT", "rack-a"),
                new RegisterBrokerRecord(2, "h\u00f6st-\u6f22", 9093, "SSL", null),
                new TopicRecord("orders", id),
                new PartitionRecord(id, 3, List.of(1, 2, 3), List.of(1, 3), 1, 7, 9),
                new PartitionRecord(id, 0, List.of(), List.of(), -1, 0, 0),
                new ConfigRecord(ConfigResourceType.TOPIC, "orders", "retention.ms", "1000"),
                new ConfigRecord(ConfigResourceType.BROKER, "", "log.retention.hours", null),
                new RemoveTopicRecord(id),
                new ProducerIdsRecord(1, 1000L),
                new RegisterBrokerRecord(3, 42L, Uuid.randomUuid(), "b3", 9094, "PLAINTEXT", "rack-c", true),
                new BrokerRegistrationChangeRecord(3, 42L, BrokerRegistrationChangeRecord.Fencing.UNFENCE, false),
                new BrokerRegistrationChangeRecord(3, 42L, BrokerRegistrationChangeRecord.Fencing.NONE, true),
                new UnregisterBrokerRecord(3, 42L),
                new VotersRecord("1@localhost:9093,2@localhost:19093"));
    }

    @Test
    void shouldReadVersionZeroBrokerRegistrationsAsUnfencedWithTheirOffsetForEpoch() {
        final RegisterBrokerRecord v1 = new RegisterBrokerRecord(1, "localhost", 9092, "PLAINTEXT", "rack-a");
        // version 0, as Runnel wrote it before broker epochs: type, version, id, host, port, listener, rack
        final ByteBuffer v0 = ByteBuffer.allocate(64);
        v0.put(MetadataRecordSerde.REGISTER_BROKER_TYPE)
                .put(MetadataRecordSerde.VERSION_0)
                .putInt(1);
        for (final Object field : List.of("localhost", 9092, "PLAINTEXT", "rack-a")) {
            if (field instanceof String str) {
                v0.putShort((short) str.length()).put(str.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            } else {
                v0.putInt((Integer) field);
            }
        }
        v0.flip();

        assertThat(MetadataRecordSerde.deserialize(v0)).isEqualTo(v1);
        assertThat(v1.brokerEpoch()).isEqualTo(-1);
        assertThat(v1.fenced()).isFalse();
    }

    @ParameterizedTest
    @MethodSource("everyRecordType")
    void shouldRoundTripWhenRecordIsSerialized(final MetadataRecord record) {
        final byte[] bytes = MetadataRecordSerde.serialize(record);

        assertThat(bytes).hasSize(MetadataRecordSerde.sizeOf(record));
        assertThat(MetadataRecordSerde.deserialize(bytes)).isEqualTo(record);
    }

    @ParameterizedTest
    @MethodSource("everyRecordType")
    void shouldRejectEveryTruncationWhenDecoding(final MetadataRecord record) {
        final byte[] bytes = MetadataRecordSerde.serialize(record);
        for (int length = 0; length < bytes.length; length++) {
            final byte[] truncated = Arrays.copyOf(bytes, length);
            assertThatThrownBy(() -> MetadataRecordSerde.deserialize(truncated))
                    .as("truncated to %d of %d bytes", length, bytes.length)
                    .isInstanceOf(MetadataCorruptionException.class);
        }
    }

    @ParameterizedTest
    @MethodSource("everyRecordType")
    void shouldRejectTrailingBytesWhenDecodingOneRecord(final MetadataRecord record) {
        final byte[] bytes =
                Arrays.copyOf(MetadataRecordSerde.serialize(record), MetadataRecordSerde.sizeOf(record) + 1);

        assertThatThrownBy(() -> MetadataRecordSerde.deserialize(bytes))
                .isInstanceOf(MetadataCorruptionException.class)
                .hasMessageContaining("left over");
    }

    @Test
    void shouldRejectUnknownTypeWhenDecoding() {
        assertThatThrownBy(() -> MetadataRecordSerde.deserialize(new byte[] {99, 0, 0, 0}))
                .isInstanceOf(MetadataCorruptionException.class)
                .hasMessageContaining("Unknown metadata record type 99");
    }

    @Test
    void shouldRejectUnknownVersionWhenDecoding() {
        final byte[] bytes = MetadataRecordSerde.serialize(new ProducerIdsRecord(1, 5));
        bytes[1] = 1;
        final byte[] broker = MetadataRecordSerde.serialize(new UnregisterBrokerRecord(1, 5));
        broker[1] = 2;
        assertThatThrownBy(() -> MetadataRecordSerde.deserialize(broker)).hasMessageContaining("Unknown version 2");

        assertThatThrownBy(() -> MetadataRecordSerde.deserialize(bytes))
                .isInstanceOf(MetadataCorruptionException.class)
                .hasMessageContaining("Unknown version 1");
    }

    @Test
    void shouldRejectNullInNonNullableStringWhenDecoding() {
        final ByteBuffer buffer = ByteBuffer.allocate(4)
                .put(MetadataRecordSerde.CLUSTER_ID_TYPE)
                .put((byte) 0)
                .putShort((short) -1);

        assertThatThrownBy(() -> MetadataRecordSerde.deserialize(buffer.array()))
                .isInstanceOf(MetadataCorruptionException.class)
                .hasMessageContaining("Null string");
    }

    @Test
    void shouldRejectNegativeListLengthWhenDecoding() {
        final ByteBuffer buffer = ByteBuffer.allocate(2 + 16 + 4 + 4)
                .put(MetadataRecordSerde.PARTITION_TYPE)
                .put((byte) 0)
                .putLong(1)
                .putLong(2)
                .putInt(0)
                .putInt(-5);

        assertThatThrownBy(() -> MetadataRecordSerde.deserialize(buffer.array()))
                .isInstanceOf(MetadataCorruptionException.class)
                .hasMessageContaining("Invalid int list length -5");
    }

    @Test
    void shouldRejectInvalidUtf8WhenDecoding() {
        final ByteBuffer buffer = ByteBuffer.allocate(6)
                .put(MetadataRecordSerde.CLUSTER_ID_TYPE)
                .put((byte) 0)
                .putShort((short) 2)
                .put((byte) 0xC3)
                .put((byte) 0x28);

        assertThatThrownBy(() -> MetadataRecordSerde.deserialize(buffer.array()))
                .isInstanceOf(MetadataCorruptionException.class)
                .hasMessageContaining("UTF-8");
    }

    @Test
    void shouldRejectUnknownConfigResourceTypeWhenDecoding() {
        final byte[] bytes = MetadataRecordSerde.serialize(new ConfigRecord(ConfigResourceType.TOPIC, "t", "n", "v"));
        bytes[2] = 42;

        assertThatThrownBy(() -> MetadataRecordSerde.deserialize(bytes))
                .isInstanceOf(MetadataCorruptionException.class)
                .hasMessageContaining("Unknown config resource type id 42");
    }

    @Test
    void shouldRejectRandomGarbageWithoutOtherExceptions() {
        final java.util.Random random = new java.util.Random(42);
        for (int i = 0; i < 10_000; i++) {
            final byte[] garbage = new byte[random.nextInt(40)];
            random.nextBytes(garbage);
            if (garbage.length > 0) {
                garbage[0] = (byte) (1 + random.nextInt(7));
            }
            if (garbage.length > 1) {
                garbage[1] = 0;
            }
            try {
                MetadataRecordSerde.deserialize(garbage);
            } catch (final MetadataCorruptionException expected) {
                // the only failure allowed
            }
        }
    }
}
