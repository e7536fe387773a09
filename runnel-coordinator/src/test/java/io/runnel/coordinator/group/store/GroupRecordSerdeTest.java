package io.runnel.coordinator.group.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.CorruptRecordException;
import org.junit.jupiter.api.Test;

class GroupRecordSerdeTest {
    static final GroupRecord.OffsetCommit COMMIT =
            new GroupRecord.OffsetCommit("g", "orders", 7, 42L, 3, "meta", 1_700_000_000_000L, -1L);
    static final GroupRecord.GroupMetadata GROUP = new GroupRecord.GroupMetadata(
            "g",
            "consumer",
            5,
            "range",
            "member-1",
            1_700_000_000_123L,
            List.of(
                    new GroupRecord.Member(
                            "member-1",
                            null,
                            "client-a",
                            "/10.0.0.1",
                            300_000,
                            45_000,
                            new byte[] {1, 2, 3},
                            new byte[] {4, 5}),
                    new GroupRecord.Member(
                            "member-2", "static-2", "", "/10.0.0.2", 60_000, 10_000, new byte[0], null)));

    static final GroupRecord.ConsumerMember MEMBER = new GroupRecord.ConsumerMember(
            "g",
            "m-1",
            "instance-1",
            "rack-a",
            "client-a",
            "/10.0.0.1",
            List.of("orders", "payments"),
            "pay.*",
            "uniform",
            300_000,
            7,
            6,
            (byte) 1,
            Map.of(new Uuid(1, 2), Set.of(0, 3)),
            Map.of(new Uuid(3, 4), Set.of(1)),
            Map.of(new Uuid(1, 2), Set.of(0, 3, 4)),
            null);

    private static GroupRecord roundTrip(final GroupRecord record) {
        final byte[] value = GroupRecordSerde.value(record);
        return GroupRecordSerde.decode(
                ByteBuffer.wrap(GroupRecordSerde.key(record)), value == null ? null : ByteBuffer.wrap(value));
    }

    private static ByteBuffer buffer(final int... bytes) {
        final byte[] out = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            out[i] = (byte) bytes[i];
        }
        return ByteBuffer.wrap(out);
    }

    @Test
    void shouldRoundTripEveryRecordType() {
        final List<GroupRecord> records = List.of(
                COMMIT,
                new GroupRecord.OffsetCommit("g", "orders", 0, 0L, -1, null, 0L, 1_800_000_000_000L),
                new GroupRecord.OffsetCommit(
                        "", "t", Integer.MAX_VALUE, Long.MAX_VALUE, Integer.MIN_VALUE, "", Long.MIN_VALUE, -1L),
                new GroupRecord.OffsetCommit("gröüp-✓", "tópic", 1, 9L, 0, "métadonnée 🚀", 1L, 2L),
                new GroupRecord.OffsetTombstone("g", "orders", 7),
                GROUP,
                new GroupRecord.GroupMetadata("g", "consumer", 6, null, null, 0L, List.of()),
                new GroupRecord.GroupMetadata(
                        "g",
                        null,
                        0,
                        "",
                        "",
                        -1L,
                        List.of(new GroupRecord.Member(null, null, null, null, 0, 0, null, null))),
                new GroupRecord.GroupTombstone("g"),
                new GroupRecord.ConsumerGroupMetadata("g", 12, 11),
                new GroupRecord.ConsumerGroupTombstone("g"),
                MEMBER,
                new GroupRecord.ConsumerMember(
                        "g", "m-2", null, null, null, null, null, null, null, -1, 0, 0, (byte) 0, Map.of(), Map.of(),
                        Map.of(), null),
                new GroupRecord.ConsumerMember(
                        "g",
                        "classic-1",
                        null,
                        null,
                        "rdkafka",
                        "/10.0.0.3",
                        List.of("orders"),
                        null,
                        null,
                        60_000,
                        3,
                        2,
                        (byte) 2,
                        Map.of(new Uuid(1, 2), Set.of(1)),
                        Map.of(),
                        Map.of(new Uuid(1, 2), Set.of(1, 2)),
                        new GroupRecord.ClassicMemberMetadata(
                                10_000,
                                List.of(
                                        new GroupRecord.ClassicProtocol("range", new byte[] {0, 1, 2}),
                                        new GroupRecord.ClassicProtocol("roundrobin", new byte[0])))),
                new GroupRecord.ConsumerMemberTombstone("g", "m-1"));
        for (final GroupRecord record : records) {
            assertThat(roundTrip(record))
                    .as("%s", record)
                    .usingRecursiveComparison()
                    .isEqualTo(record);
        }
    }

    @Test
    void shouldGiveTombstonesTheKeyOfTheRecordTheyDeleteAndNoValue() {
        assertThat(GroupRecordSerde.key(new GroupRecord.OffsetTombstone("g", "orders", 7)))
                .isEqualTo(GroupRecordSerde.key(COMMIT));
        assertThat(GroupRecordSerde.key(new GroupRecord.GroupTombstone("g"))).isEqualTo(GroupRecordSerde.key(GROUP));
        assertThat(GroupRecordSerde.value(new GroupRecord.OffsetTombstone("g", "orders", 7)))
                .isNull();
        assertThat(GroupRecordSerde.value(new GroupRecord.GroupTombstone("g"))).isNull();
        assertThat(GroupRecordSerde.key(COMMIT))
                .as("offset and group keys never collide")
                .isNotEqualTo(GroupRecordSerde.key(GROUP));
    }

    @Test
    void shouldWriteTheDocumentedLayout() {
        assertThat(GroupRecordSerde.key(COMMIT))
                .containsExactly(0, 1, 0, 1, 'g', 0, 6, 'o', 'r', 'd', 'e', 'r', 's', 0, 0, 0, 7);
        assertThat(GroupRecordSerde.key(GROUP)).containsExactly(0, 2, 0, 1, 'g');
        final ByteBuffer value = ByteBuffer.wrap(
                GroupRecordSerde.value(new GroupRecord.OffsetCommit("g", "t", 0, 42L, 3, null, 1000L, -1L)));
        assertThat(value.getShort()).isEqualTo(GroupRecordSerde.VALUE_VERSION);
        assertThat(value.getLong()).isEqualTo(42L);
        assertThat(value.getInt()).isEqualTo(3);
        assertThat(value.getShort()).as("null metadata").isEqualTo((short) -1);
        assertThat(value.getLong()).isEqualTo(1000L);
        assertThat(value.getLong()).isEqualTo(-1L);
        assertThat(value.hasRemaining()).isFalse();
    }

    @Test
    void shouldNotMoveTheInputBuffers() {
        final ByteBuffer key = ByteBuffer.wrap(GroupRecordSerde.key(COMMIT));
        final ByteBuffer value = ByteBuffer.wrap(GroupRecordSerde.value(COMMIT));
        GroupRecordSerde.decode(key, value);
        assertThat(key.position()).isZero();
        assertThat(value.position()).isZero();
    }

    @Test
    void shouldKeepConsumerGroupAndMemberKeysApartFromClassicOnes() {
        assertThat(GroupRecordSerde.key(new GroupRecord.ConsumerGroupTombstone("g")))
                .isEqualTo(GroupRecordSerde.key(new GroupRecord.ConsumerGroupMetadata("g", 1, 1)))
                .isNotEqualTo(GroupRecordSerde.key(GROUP));
        assertThat(GroupRecordSerde.key(new GroupRecord.ConsumerMemberTombstone("g", "m-1")))
                .isEqualTo(GroupRecordSerde.key(MEMBER));
        assertThat(GroupRecordSerde.value(new GroupRecord.ConsumerMemberTombstone("g", "m-1")))
                .isNull();
    }

    @Test
    void shouldRejectEveryTruncationOfAConsumerMember() {
        final byte[] key = GroupRecordSerde.key(MEMBER);
        final byte[] value = GroupRecordSerde.value(MEMBER);
        for (int length = 0; length < value.length; length++) {
            final ByteBuffer truncated = ByteBuffer.wrap(Arrays.copyOf(value, length));
            assertThatThrownBy(() -> GroupRecordSerde.decode(ByteBuffer.wrap(key), truncated))
                    .as("value cut to %d bytes", length)
                    .isInstanceOf(CorruptRecordException.class);
        }
        // a byte past the target starts the classic member tail, which then is cut short
        final byte[] longer = Arrays.copyOf(value, value.length + 1);
        assertThatThrownBy(() -> GroupRecordSerde.decode(ByteBuffer.wrap(key), ByteBuffer.wrap(longer)))
                .isInstanceOf(CorruptRecordException.class)
                .hasMessageContaining("truncated");
    }

    @Test
    void shouldRejectAMissingOrUnknownKey() {
        assertThatThrownBy(() -> GroupRecordSerde.decode(null, null))
                .isInstanceOf(CorruptRecordException.class)
                .hasMessageContaining("no key");
        assertThatThrownBy(() -> GroupRecordSerde.decode(buffer(), null))
                .isInstanceOf(CorruptRecordException.class)
                .hasMessageContaining("truncated");
        for (final int type : new int[] {0, 5, 0xff}) {
            assertThatThrownBy(() -> GroupRecordSerde.decode(buffer(0, type, 0, 1, 'g'), null))
                    .isInstanceOf(CorruptRecordException.class)
                    .hasMessageContaining("Unknown group record key type " + type);
        }
        assertThatThrownBy(() -> GroupRecordSerde.decode(buffer(0xff, 0xff, 0, 1, 'g'), null))
                .isInstanceOf(CorruptRecordException.class)
                .hasMessageContaining("key type -1");
    }

    @Test
    void shouldRejectEveryTruncationOfEveryKeyAndValue() {
        for (final GroupRecord record : List.of(COMMIT, GROUP)) {
            final byte[] key = GroupRecordSerde.key(record);
            final byte[] value = GroupRecordSerde.value(record);
            for (int length = 0; length < key.length; length++) {
                final ByteBuffer truncated = ByteBuffer.wrap(Arrays.copyOf(key, length));
                assertThatThrownBy(() -> GroupRecordSerde.decode(truncated, ByteBuffer.wrap(value)))
                        .as("key of %s cut to %d bytes", record, length)
                        .isInstanceOf(CorruptRecordException.class);
            }
            for (int length = 0; length < value.length; length++) {
                final ByteBuffer truncated = ByteBuffer.wrap(Arrays.copyOf(value, length));
                assertThatThrownBy(() -> GroupRecordSerde.decode(ByteBuffer.wrap(key), truncated))
                        .as("value of %s cut to %d bytes", record, length)
                        .isInstanceOf(CorruptRecordException.class);
            }
        }
        assertThatThrownBy(() -> GroupRecordSerde.decode(buffer(0, 1, 0, 5, 'g'), null))
                .isInstanceOf(CorruptRecordException.class)
                .hasMessage("Group record key is truncated: group needs 5 bytes, 1 left");
    }

    @Test
    void shouldRejectTrailingBytes() {
        for (final GroupRecord record : List.of(COMMIT, GROUP)) {
            final byte[] key = GroupRecordSerde.key(record);
            final byte[] value = GroupRecordSerde.value(record);
            assertThatThrownBy(() -> GroupRecordSerde.decode(
                            ByteBuffer.wrap(Arrays.copyOf(key, key.length + 1)), ByteBuffer.wrap(value)))
                    .isInstanceOf(CorruptRecordException.class)
                    .hasMessageContaining("1 unexpected trailing bytes");
            assertThatThrownBy(() -> GroupRecordSerde.decode(
                            ByteBuffer.wrap(key), ByteBuffer.wrap(Arrays.copyOf(value, value.length + 3))))
                    .isInstanceOf(CorruptRecordException.class)
                    .hasMessageContaining("3 unexpected trailing bytes");
        }
    }

    @Test
    void shouldRejectUnknownValueVersions() {
        for (final short version : new short[] {0, 2, -1}) {
            final byte[] offsetValue = GroupRecordSerde.value(COMMIT);
            ByteBuffer.wrap(offsetValue).putShort(version);
            assertThatThrownBy(() -> GroupRecordSerde.decode(
                            ByteBuffer.wrap(GroupRecordSerde.key(COMMIT)), ByteBuffer.wrap(offsetValue)))
                    .isInstanceOf(CorruptRecordException.class)
                    .hasMessage("Unknown offset commit value version " + version);
            final byte[] groupValue = GroupRecordSerde.value(GROUP);
            ByteBuffer.wrap(groupValue).putShort(version);
            assertThatThrownBy(() -> GroupRecordSerde.decode(
                            ByteBuffer.wrap(GroupRecordSerde.key(GROUP)), ByteBuffer.wrap(groupValue)))
                    .isInstanceOf(CorruptRecordException.class)
                    .hasMessage("Unknown group metadata value version " + version);
        }
    }

    @Test
    void shouldRejectAValueOfTheOtherKeyType() {
        assertThatThrownBy(() -> GroupRecordSerde.decode(
                        ByteBuffer.wrap(GroupRecordSerde.key(COMMIT)), ByteBuffer.wrap(GroupRecordSerde.value(GROUP))))
                .isInstanceOf(CorruptRecordException.class);
        assertThatThrownBy(() -> GroupRecordSerde.decode(
                        ByteBuffer.wrap(GroupRecordSerde.key(GROUP)), ByteBuffer.wrap(GroupRecordSerde.value(COMMIT))))
                .isInstanceOf(CorruptRecordException.class);
    }

    @Test
    void shouldRejectBadLengthsCountsAndUtf8() {
        assertThatThrownBy(() -> GroupRecordSerde.decode(buffer(0, 2, 0xff, 0xfe), null))
                .isInstanceOf(CorruptRecordException.class)
                .hasMessageContaining("invalid group length -2");
        assertThatThrownBy(() -> GroupRecordSerde.decode(buffer(0, 2, 0xff, 0xff), null))
                .isInstanceOf(CorruptRecordException.class)
                .hasMessageContaining("null group");
        assertThatThrownBy(() -> GroupRecordSerde.decode(buffer(0, 2, 0, 2, 0xc3, 0x28), null))
                .isInstanceOf(CorruptRecordException.class)
                .hasMessageContaining("not UTF-8");

        final GroupRecord.GroupMetadata empty =
                new GroupRecord.GroupMetadata("g", "consumer", 1, null, null, 0L, List.of());
        final byte[] value = GroupRecordSerde.value(empty);
        final ByteBuffer key = ByteBuffer.wrap(GroupRecordSerde.key(empty));
        for (final int count : new int[] {-1, 1, Integer.MAX_VALUE}) {
            ByteBuffer.wrap(value).putInt(value.length - 4, count);
            assertThatThrownBy(() -> GroupRecordSerde.decode(key, ByteBuffer.wrap(value)))
                    .isInstanceOf(CorruptRecordException.class)
                    .hasMessageContaining("declares " + count + " members");
        }
        final byte[] withMember = GroupRecordSerde.value(GROUP);
        // the last field is member-2's assignment length: -1 (null); -5 is no length
        ByteBuffer.wrap(withMember).putInt(withMember.length - 4, -5);
        assertThatThrownBy(() -> GroupRecordSerde.decode(
                        ByteBuffer.wrap(GroupRecordSerde.key(GROUP)), ByteBuffer.wrap(withMember)))
                .isInstanceOf(CorruptRecordException.class)
                .hasMessageContaining("invalid assignment length -5");
    }

    @Test
    void shouldRefuseToEncodeNullKeyFieldsAndOverlongStrings() {
        assertThatThrownBy(() -> GroupRecordSerde.key(new GroupRecord.OffsetTombstone(null, "t", 0)))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("groupId");
        assertThatThrownBy(() -> GroupRecordSerde.key(new GroupRecord.OffsetTombstone("g", null, 0)))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("topic");
        final String overlong = "x".repeat(Short.MAX_VALUE + 1);
        assertThatThrownBy(() ->
                        GroupRecordSerde.value(new GroupRecord.OffsetCommit("g", "t", 0, 1L, -1, overlong, 0L, -1L)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("metadata is 32768 bytes");
        final String longest = "x".repeat(Short.MAX_VALUE);
        final GroupRecord.OffsetCommit fits = new GroupRecord.OffsetCommit("g", "t", 0, 1L, -1, longest, 0L, -1L);
        assertThat(roundTrip(fits)).isEqualTo(fits);
    }
}
