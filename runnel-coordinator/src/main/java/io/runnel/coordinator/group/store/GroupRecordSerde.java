package io.runnel.coordinator.group.store;

import io.runnel.metadata.Nullable;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.kafka.common.errors.CorruptRecordException;

/**
 * Runnel's own binary format of a {@link GroupRecord} as the key and value of one Kafka record in
 * {@code __consumer_offsets}. Not Kafka's format: the topic is only ever read by the broker that wrote it.
 *
 * <p>Records that replace each other share a key, so that (once compaction exists, issue #5) the latest record
 * per key is what survives: {@link GroupRecord.OffsetCommit} and {@link GroupRecord.OffsetTombstone} share the
 * offset commit key, {@link GroupRecord.GroupMetadata} and {@link GroupRecord.GroupTombstone} the group
 * metadata key. A tombstone is a record with that key and no value (null, not empty).
 *
 * <p>All integers are big-endian. A {@code string} is an int16 length {@code n} followed by {@code n} bytes of
 * UTF-8 (so at most 32767 bytes); a {@code nullable string} uses length -1 for null. {@code nullable bytes} is an
 * int32 length followed by that many bytes, -1 for null.
 * <pre>
 * key:
 *   int16  type                  1 = offset commit, 2 = group metadata, 3 = consumer group, 4 = consumer member
 *   type 1:  string group, string topic, int32 partition
 *   type 2, 3:  string group
 *   type 4:  string group, string member
 *
 * value of an offset commit key (absent for an OffsetTombstone):
 *   int16  version               1
 *   int64  offset
 *   int32  leaderEpoch           -1 when unknown
 *   nullable string metadata
 *   int64  commitTimestampMs
 *   int64  expireTimestampMs     -1 when not set
 *
 * value of a consumer group key (type 3; absent for a ConsumerGroupTombstone):
 *   int16  version               1
 *   int32  groupEpoch
 *   int32  assignmentEpoch
 *
 * value of a consumer member key (type 4: string group, string member; absent for a ConsumerMemberTombstone):
 *   int16  version               1
 *   nullable string instanceId, rackId, clientId, clientHost
 *   int32  topicNameCount        -1 for null, then that many strings
 *   nullable string subscribedTopicRegex, serverAssignor
 *   int32  rebalanceTimeoutMs, memberEpoch, previousMemberEpoch
 *   int8   state
 *   three partition sets (assigned, pendingRevocation, target), each:
 *     int32 topicCount, then per topic: int64 uuid high, int64 uuid low, int32 count, count times int32
 *
 * value of a group metadata key (absent for a GroupTombstone):
 *   int16  version               1
 *   nullable string protocolType
 *   int32  generation
 *   nullable string protocol     null for an empty group
 *   nullable string leader       null for an empty group
 *   int64  stateTimestampMs
 *   int32  memberCount           then memberCount times:
 *     nullable string memberId, nullable string groupInstanceId, nullable string clientId,
 *     nullable string clientHost, int32 rebalanceTimeoutMs, int32 sessionTimeoutMs,
 *     nullable bytes subscription, nullable bytes assignment
 * </pre>
 * Key strings are never null; every string and byte array of a value may be. Decoding is strict: an unknown key
 * type or value version, a length that runs past the end, a negative length other than -1, invalid UTF-8 or
 * bytes left over after the last field throw {@link CorruptRecordException} saying which. A new field means a new
 * value version; a reader never guesses.
 *
 * <p>Stateless and thread-safe.
 */
public final class GroupRecordSerde {
    /** Key type of {@link GroupRecord.OffsetCommit} and {@link GroupRecord.OffsetTombstone}. */
    public static final short OFFSET_COMMIT_KEY = 1;
    /** Key type of {@link GroupRecord.GroupMetadata} and {@link GroupRecord.GroupTombstone}. */
    public static final short GROUP_METADATA_KEY = 2;
    /** Key type of {@link GroupRecord.ConsumerGroupMetadata} and {@link GroupRecord.ConsumerGroupTombstone}. */
    public static final short CONSUMER_GROUP_KEY = 3;
    /** Key type of {@link GroupRecord.ConsumerMember} and {@link GroupRecord.ConsumerMemberTombstone}. */
    public static final short CONSUMER_MEMBER_KEY = 4;
    /** The only value version of every key type so far. */
    public static final short VALUE_VERSION = 1;

    /** The fewest bytes a member takes: four null strings, two int32s, two null byte arrays. */
    private static final int MIN_MEMBER_BYTES = 4 * 2 + 2 * 4 + 2 * 4;

    private GroupRecordSerde() {}

    /** The record's key. */
    public static byte[] key(final GroupRecord record) {
        return switch (record) {
            case GroupRecord.OffsetCommit r -> offsetKey(r.groupId(), r.topic(), r.partition());
            case GroupRecord.OffsetTombstone r -> offsetKey(r.groupId(), r.topic(), r.partition());
            case GroupRecord.GroupMetadata r -> groupKey(r.groupId());
            case GroupRecord.GroupTombstone r -> groupKey(r.groupId());
            case GroupRecord.ConsumerGroupMetadata r -> ConsumerRecordCodec.groupKey(r.groupId());
            case GroupRecord.ConsumerGroupTombstone r -> ConsumerRecordCodec.groupKey(r.groupId());
            case GroupRecord.ConsumerMember r -> ConsumerRecordCodec.memberKey(r.groupId(), r.memberId());
            case GroupRecord.ConsumerMemberTombstone r -> ConsumerRecordCodec.memberKey(r.groupId(), r.memberId());
        };
    }

    /** The record's value, or null for a tombstone. */
    public static byte @Nullable [] value(final GroupRecord record) {
        return switch (record) {
            case GroupRecord.OffsetCommit r -> offsetValue(r);
            case GroupRecord.GroupMetadata r -> groupValue(r);
            case GroupRecord.OffsetTombstone r -> null;
            case GroupRecord.GroupTombstone r -> null;
            case GroupRecord.ConsumerGroupMetadata r -> ConsumerRecordCodec.groupValue(r);
            case GroupRecord.ConsumerMember r -> ConsumerRecordCodec.memberValue(r);
            case GroupRecord.ConsumerGroupTombstone r -> null;
            case GroupRecord.ConsumerMemberTombstone r -> null;
        };
    }

    /**
     * The record a key and value decode to; {@code value} null means a tombstone. Reads from the buffers'
     * positions to their limits without moving them.
     *
     * @throws CorruptRecordException if the bytes are not exactly one key (and value) of this format
     */
    public static GroupRecord decode(final @Nullable ByteBuffer key, final @Nullable ByteBuffer value) {
        if (key == null) {
            throw new CorruptRecordException("Group record has no key");
        }
        final Reader k = new Reader(key, "key");
        final short type = k.int16("key type");
        switch (type) {
            case OFFSET_COMMIT_KEY -> {
                final String group = k.string("group");
                final String topic = k.string("topic");
                final int partition = k.int32("partition");
                k.expectEnd();
                return value == null
                        ? new GroupRecord.OffsetTombstone(group, topic, partition)
                        : decodeOffsetValue(group, topic, partition, new Reader(value, "offset commit value"));
            }
            case GROUP_METADATA_KEY -> {
                final String group = k.string("group");
                k.expectEnd();
                return value == null
                        ? new GroupRecord.GroupTombstone(group)
                        : decodeGroupValue(group, new Reader(value, "group metadata value"));
            }
            case CONSUMER_GROUP_KEY -> {
                final String group = k.string("group");
                k.expectEnd();
                return value == null
                        ? new GroupRecord.ConsumerGroupTombstone(group)
                        : ConsumerRecordCodec.decodeGroupValue(group, new Reader(value, "consumer group value"));
            }
            case CONSUMER_MEMBER_KEY -> {
                final String group = k.string("group");
                final String member = k.string("member");
                k.expectEnd();
                return value == null
                        ? new GroupRecord.ConsumerMemberTombstone(group, member)
                        : ConsumerRecordCodec.decodeMemberValue(
                                group, member, new Reader(value, "consumer member value"));
            }
            default -> throw new CorruptRecordException("Unknown group record key type " + type);
        }
    }

    // ------------------------------------------------------------------------------------------ encoding

    private static byte[] offsetKey(final String group, final String topic, final int partition) {
        final byte[] groupBytes = keyString(group, "groupId");
        final byte[] topicBytes = keyString(topic, "topic");
        final ByteBuffer out = ByteBuffer.allocate(2 + stringSize(groupBytes) + stringSize(topicBytes) + 4);
        out.putShort(OFFSET_COMMIT_KEY);
        putString(out, groupBytes);
        putString(out, topicBytes);
        out.putInt(partition);
        return finish(out);
    }

    private static byte[] groupKey(final String group) {
        final byte[] groupBytes = keyString(group, "groupId");
        final ByteBuffer out = ByteBuffer.allocate(2 + stringSize(groupBytes));
        out.putShort(GROUP_METADATA_KEY);
        putString(out, groupBytes);
        return finish(out);
    }

    private static byte[] offsetValue(final GroupRecord.OffsetCommit r) {
        final byte[] metadata = utf8(r.metadata(), "metadata");
        final ByteBuffer out = ByteBuffer.allocate(2 + 8 + 4 + stringSize(metadata) + 8 + 8);
        out.putShort(VALUE_VERSION);
        out.putLong(r.offset());
        out.putInt(r.leaderEpoch());
        putString(out, metadata);
        out.putLong(r.commitTimestampMs());
        out.putLong(r.expireTimestampMs());
        return finish(out);
    }

    private static byte[] groupValue(final GroupRecord.GroupMetadata r) {
        final byte[] protocolType = utf8(r.protocolType(), "protocolType");
        final byte[] protocol = utf8(r.protocol(), "protocol");
        final byte[] leader = utf8(r.leader(), "leader");
        final List<byte[][]> members = new ArrayList<>(r.members().size());
        long size = 2 + stringSize(protocolType) + 4 + stringSize(protocol) + stringSize(leader) + 8 + 4;
        for (final GroupRecord.Member m : r.members()) {
            final byte[][] strings = {
                utf8(m.memberId(), "memberId"),
                utf8(m.groupInstanceId(), "groupInstanceId"),
                utf8(m.clientId(), "clientId"),
                utf8(m.clientHost(), "clientHost")
            };
            members.add(strings);
            for (final byte[] s : strings) {
                size += stringSize(s);
            }
            size += 4 + 4 + bytesSize(m.subscription()) + bytesSize(m.assignment());
        }
        if (size > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException(
                    "Group metadata of " + r.groupId() + " is too large: " + size + " bytes");
        }
        final ByteBuffer out = ByteBuffer.allocate((int) size);
        out.putShort(VALUE_VERSION);
        putString(out, protocolType);
        out.putInt(r.generation());
        putString(out, protocol);
        putString(out, leader);
        out.putLong(r.stateTimestampMs());
        out.putInt(r.members().size());
        for (int i = 0; i < members.size(); i++) {
            final GroupRecord.Member m = r.members().get(i);
            for (final byte[] s : members.get(i)) {
                putString(out, s);
            }
            out.putInt(m.rebalanceTimeoutMs());
            out.putInt(m.sessionTimeoutMs());
            putBytes(out, m.subscription());
            putBytes(out, m.assignment());
        }
        return finish(out);
    }

    static byte[] keyString(final String value, final String field) {
        return Objects.requireNonNull(utf8(Objects.requireNonNull(value, field), field));
    }

    static byte @Nullable [] utf8(final @Nullable String value, final String field) {
        if (value == null) {
            return null;
        }
        final byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > Short.MAX_VALUE) {
            throw new IllegalArgumentException(
                    field + " is " + bytes.length + " bytes of UTF-8; at most " + Short.MAX_VALUE + " fit");
        }
        return bytes;
    }

    private static int stringSize(final byte @Nullable [] utf8) {
        return 2 + (utf8 == null ? 0 : utf8.length);
    }

    private static int bytesSize(final byte @Nullable [] bytes) {
        return 4 + (bytes == null ? 0 : bytes.length);
    }

    private static void putString(final ByteBuffer out, final byte @Nullable [] utf8) {
        if (utf8 == null) {
            out.putShort((short) -1);
        } else {
            out.putShort((short) utf8.length);
            out.put(utf8);
        }
    }

    private static void putBytes(final ByteBuffer out, final byte @Nullable [] bytes) {
        if (bytes == null) {
            out.putInt(-1);
        } else {
            out.putInt(bytes.length);
            out.put(bytes);
        }
    }

    private static byte[] finish(final ByteBuffer out) {
        if (out.hasRemaining()) {
            throw new IllegalStateException("Group record size miscounted by " + out.remaining() + " bytes");
        }
        return out.array();
    }

    // ------------------------------------------------------------------------------------------ decoding

    private static GroupRecord.OffsetCommit decodeOffsetValue(
            final String group, final String topic, final int partition, final Reader v) {
        final short version = v.int16("version");
        if (version != VALUE_VERSION) {
            throw new CorruptRecordException("Unknown offset commit value version " + version);
        }
        final long offset = v.int64("offset");
        final int leaderEpoch = v.int32("leaderEpoch");
        final String metadata = v.nullableString("metadata");
        final long commitTimestampMs = v.int64("commitTimestampMs");
        final long expireTimestampMs = v.int64("expireTimestampMs");
        v.expectEnd();
        return new GroupRecord.OffsetCommit(
                group, topic, partition, offset, leaderEpoch, metadata, commitTimestampMs, expireTimestampMs);
    }

    private static GroupRecord.GroupMetadata decodeGroupValue(final String group, final Reader v) {
        final short version = v.int16("version");
        if (version != VALUE_VERSION) {
            throw new CorruptRecordException("Unknown group metadata value version " + version);
        }
        final String protocolType = v.nullableString("protocolType");
        final int generation = v.int32("generation");
        final String protocol = v.nullableString("protocol");
        final String leader = v.nullableString("leader");
        final long stateTimestampMs = v.int64("stateTimestampMs");
        final int count = v.int32("memberCount");
        if (count < 0 || count > v.remaining() / MIN_MEMBER_BYTES) {
            throw new CorruptRecordException("Group metadata value declares " + count + " members but has only "
                    + v.remaining() + " bytes left");
        }
        final List<GroupRecord.Member> members = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            members.add(new GroupRecord.Member(
                    v.nullableString("memberId"),
                    v.nullableString("groupInstanceId"),
                    v.nullableString("clientId"),
                    v.nullableString("clientHost"),
                    v.int32("rebalanceTimeoutMs"),
                    v.int32("sessionTimeoutMs"),
                    v.nullableBytes("subscription"),
                    v.nullableBytes("assignment")));
        }
        v.expectEnd();
        return new GroupRecord.GroupMetadata(
                group, protocolType, generation, protocol, leader, stateTimestampMs, members);
    }

    /** Bounds-checked big-endian reads over a duplicate of the input; every failure names the field. */
    static final class Reader {
        private final ByteBuffer buffer;
        private final String what;
        private final CharsetDecoder utf8 = StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);

        Reader(final ByteBuffer input, final String what) {
            this.buffer = input.duplicate().order(ByteOrder.BIG_ENDIAN);
            this.what = what;
        }

        int remaining() {
            return buffer.remaining();
        }

        byte int8(final String field) {
            need(1, field);
            return buffer.get();
        }

        short int16(final String field) {
            need(2, field);
            return buffer.getShort();
        }

        int int32(final String field) {
            need(4, field);
            return buffer.getInt();
        }

        long int64(final String field) {
            need(8, field);
            return buffer.getLong();
        }

        String string(final String field) {
            final String value = nullableString(field);
            if (value == null) {
                throw new CorruptRecordException("Group record " + what + " has a null " + field);
            }
            return value;
        }

        @Nullable
        String nullableString(final String field) {
            final short length = int16(field + " length");
            if (length == -1) {
                return null;
            }
            if (length < 0) {
                throw new CorruptRecordException(
                        "Group record " + what + " has invalid " + field + " length " + length);
            }
            need(length, field);
            final ByteBuffer slice = buffer.slice(buffer.position(), length);
            buffer.position(buffer.position() + length);
            try {
                final CharBuffer chars = utf8.reset().decode(slice);
                return chars.toString();
            } catch (final CharacterCodingException e) {
                throw new CorruptRecordException("Group record " + what + " has a " + field + " that is not UTF-8", e);
            }
        }

        byte @Nullable [] nullableBytes(final String field) {
            final int length = int32(field + " length");
            if (length == -1) {
                return null;
            }
            if (length < 0) {
                throw new CorruptRecordException(
                        "Group record " + what + " has invalid " + field + " length " + length);
            }
            need(length, field);
            final byte[] bytes = new byte[length];
            buffer.get(bytes);
            return bytes;
        }

        void expectEnd() {
            if (buffer.hasRemaining()) {
                throw new CorruptRecordException(
                        "Group record " + what + " has " + buffer.remaining() + " unexpected trailing bytes");
            }
        }

        private void need(final int bytes, final String field) {
            if (buffer.remaining() < bytes) {
                throw new CorruptRecordException("Group record " + what + " is truncated: " + field + " needs " + bytes
                        + " bytes, " + buffer.remaining() + " left");
            }
        }
    }
}
