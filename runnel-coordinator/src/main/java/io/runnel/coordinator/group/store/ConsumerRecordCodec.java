package io.runnel.coordinator.group.store;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.CorruptRecordException;

/**
 * The consumer group records of {@link GroupRecordSerde}'s format (key types 3 and 4; the layout is written
 * there). These are control-plane records written on membership changes, so they are built in a growing buffer
 * rather than pre-sized.
 */
final class ConsumerRecordCodec {
    /** The most topics or partitions one partition set may declare: more than any real group holds. */
    private static final int MAX_ENTRIES = 1 << 20;

    private ConsumerRecordCodec() {}

    static byte[] groupKey(final String group) {
        final Out out = new Out();
        out.int16(GroupRecordSerde.CONSUMER_GROUP_KEY);
        out.string(GroupRecordSerde.keyString(group, "groupId"));
        return out.bytes();
    }

    static byte[] memberKey(final String group, final String member) {
        final Out out = new Out();
        out.int16(GroupRecordSerde.CONSUMER_MEMBER_KEY);
        out.string(GroupRecordSerde.keyString(group, "groupId"));
        out.string(GroupRecordSerde.keyString(member, "memberId"));
        return out.bytes();
    }

    static byte[] groupValue(final GroupRecord.ConsumerGroupMetadata r) {
        final Out out = new Out();
        out.int16(GroupRecordSerde.VALUE_VERSION);
        out.int32(r.groupEpoch());
        out.int32(r.assignmentEpoch());
        return out.bytes();
    }

    static byte[] memberValue(final GroupRecord.ConsumerMember r) {
        final Out out = new Out();
        out.int16(GroupRecordSerde.VALUE_VERSION);
        out.string(GroupRecordSerde.utf8(r.instanceId(), "instanceId"));
        out.string(GroupRecordSerde.utf8(r.rackId(), "rackId"));
        out.string(GroupRecordSerde.utf8(r.clientId(), "clientId"));
        out.string(GroupRecordSerde.utf8(r.clientHost(), "clientHost"));
        if (r.subscribedTopicNames() == null) {
            out.int32(-1);
        } else {
            out.int32(r.subscribedTopicNames().size());
            r.subscribedTopicNames().forEach(t -> out.string(GroupRecordSerde.utf8(t, "topic")));
        }
        out.string(GroupRecordSerde.utf8(r.subscribedTopicRegex(), "subscribedTopicRegex"));
        out.string(GroupRecordSerde.utf8(r.serverAssignor(), "serverAssignor"));
        out.int32(r.rebalanceTimeoutMs());
        out.int32(r.memberEpoch());
        out.int32(r.previousMemberEpoch());
        out.int8(r.state());
        out.partitions(r.assigned());
        out.partitions(r.pendingRevocation());
        out.partitions(r.target());
        if (r.classic() != null) {
            // optional tail: values written before classic members existed end at the target
            out.int32(r.classic().sessionTimeoutMs());
            out.int32(r.classic().protocols().size());
            for (final GroupRecord.ClassicProtocol p : r.classic().protocols()) {
                out.string(GroupRecordSerde.utf8(p.name(), "protocol"));
                out.bytes(p.metadata());
            }
        }
        return out.bytes();
    }

    static GroupRecord.ConsumerGroupMetadata decodeGroupValue(final String group, final GroupRecordSerde.Reader v) {
        version(v);
        final int groupEpoch = v.int32("groupEpoch");
        final int assignmentEpoch = v.int32("assignmentEpoch");
        v.expectEnd();
        return new GroupRecord.ConsumerGroupMetadata(group, groupEpoch, assignmentEpoch);
    }

    static GroupRecord.ConsumerMember decodeMemberValue(
            final String group, final String member, final GroupRecordSerde.Reader v) {
        version(v);
        final String instanceId = v.nullableString("instanceId");
        final String rackId = v.nullableString("rackId");
        final String clientId = v.nullableString("clientId");
        final String clientHost = v.nullableString("clientHost");
        final int topicCount = v.int32("topicNameCount");
        List<String> topics = null;
        if (topicCount != -1) {
            if (topicCount < 0 || topicCount > v.remaining() / 2) {
                throw new CorruptRecordException("Consumer member value declares " + topicCount + " topic names");
            }
            topics = new ArrayList<>(topicCount);
            for (int i = 0; i < topicCount; i++) {
                topics.add(v.string("topic"));
            }
        }
        final String regex = v.nullableString("subscribedTopicRegex");
        final String assignor = v.nullableString("serverAssignor");
        final int rebalanceTimeoutMs = v.int32("rebalanceTimeoutMs");
        final int memberEpoch = v.int32("memberEpoch");
        final int previousMemberEpoch = v.int32("previousMemberEpoch");
        final byte state = v.int8("state");
        final Map<Uuid, Set<Integer>> assigned = partitions(v, "assigned");
        final Map<Uuid, Set<Integer>> pending = partitions(v, "pendingRevocation");
        final Map<Uuid, Set<Integer>> target = partitions(v, "target");
        final GroupRecord.ClassicMemberMetadata classic = v.remaining() == 0 ? null : classic(v);
        v.expectEnd();
        return new GroupRecord.ConsumerMember(
                group,
                member,
                instanceId,
                rackId,
                clientId,
                clientHost,
                topics == null ? null : List.copyOf(topics),
                regex,
                assignor,
                rebalanceTimeoutMs,
                memberEpoch,
                previousMemberEpoch,
                state,
                assigned,
                pending,
                target,
                classic);
    }

    private static GroupRecord.ClassicMemberMetadata classic(final GroupRecordSerde.Reader v) {
        final int sessionTimeoutMs = v.int32("sessionTimeoutMs");
        final int count = v.int32("protocol count");
        if (count < 0 || count > v.remaining() / 6) {
            throw new CorruptRecordException("Consumer member value declares " + count + " classic protocols");
        }
        final List<GroupRecord.ClassicProtocol> protocols = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            final String name = v.string("protocol");
            final byte[] metadata = v.nullableBytes("protocol metadata");
            if (metadata == null) {
                throw new CorruptRecordException("Consumer member value has a null metadata for protocol " + name);
            }
            protocols.add(new GroupRecord.ClassicProtocol(name, metadata));
        }
        return new GroupRecord.ClassicMemberMetadata(sessionTimeoutMs, protocols);
    }

    private static void version(final GroupRecordSerde.Reader v) {
        final short version = v.int16("version");
        if (version != GroupRecordSerde.VALUE_VERSION) {
            throw new CorruptRecordException("Unknown consumer group record value version " + version);
        }
    }

    private static Map<Uuid, Set<Integer>> partitions(final GroupRecordSerde.Reader v, final String field) {
        final int topics = v.int32(field + " topic count");
        if (topics < 0 || topics > Math.min(MAX_ENTRIES, v.remaining() / 20)) {
            throw new CorruptRecordException("Consumer member value declares " + topics + " " + field + " topics");
        }
        final Map<Uuid, Set<Integer>> result = new HashMap<>();
        for (int t = 0; t < topics; t++) {
            final Uuid id = new Uuid(v.int64(field + " topic id"), v.int64(field + " topic id"));
            final int count = v.int32(field + " partition count");
            if (count < 0 || count > Math.min(MAX_ENTRIES, v.remaining() / 4)) {
                throw new CorruptRecordException(
                        "Consumer member value declares " + count + " " + field + " partitions");
            }
            final Set<Integer> partitions = new TreeSet<>();
            for (int i = 0; i < count; i++) {
                partitions.add(v.int32(field + " partition"));
            }
            result.put(id, partitions);
        }
        return result;
    }

    /** Big-endian writes into a growing buffer. */
    private static final class Out {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream(128);
        private final DataOutputStream out = new DataOutputStream(bytes);

        void int8(final byte v) {
            run(() -> out.writeByte(v));
        }

        void int16(final short v) {
            run(() -> out.writeShort(v));
        }

        void int32(final int v) {
            run(() -> out.writeInt(v));
        }

        void string(final byte[] utf8) {
            run(() -> {
                if (utf8 == null) {
                    out.writeShort(-1);
                } else {
                    out.writeShort(utf8.length);
                    out.write(utf8);
                }
            });
        }

        void bytes(final byte[] value) {
            run(() -> {
                out.writeInt(value.length);
                out.write(value);
            });
        }

        void partitions(final Map<Uuid, Set<Integer>> partitions) {
            run(() -> {
                out.writeInt(partitions.size());
                for (final Map.Entry<Uuid, Set<Integer>> e : partitions.entrySet()) {
                    out.writeLong(e.getKey().getMostSignificantBits());
                    out.writeLong(e.getKey().getLeastSignificantBits());
                    out.writeInt(e.getValue().size());
                    for (final int p : e.getValue()) {
                        out.writeInt(p);
                    }
                }
            });
        }

        byte[] bytes() {
            return bytes.toByteArray();
        }

        private interface Write {
            void run() throws IOException;
        }

        private static void run(final Write write) {
            try {
                write.run();
            } catch (final IOException e) {
                throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
            }
        }
    }
}
