package io.runnel.metadata.record;

import io.runnel.metadata.Nullable;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.Uuid;

/**
 * Binary form of a {@link MetadataRecord}. All integers are big-endian.
 *
 * <pre>
 * record  := type:int8 version:int8 fields
 * string  := length:int16 utf8-bytes        (length -1 = null, only where the field is nullable)
 * uuid    := mostSignificantBits:int64 leastSignificantBits:int64
 * ints    := count:int32 int32*
 *
 * type 1 ClusterIdRecord       v0: clusterId:string
 * type 2 RegisterBrokerRecord  v0: brokerId:int32 host:string port:int32 listenerName:string rack:string?
 * type 3 TopicRecord           v0: name:string topicId:uuid
 * type 4 PartitionRecord       v0: topicId:uuid partition:int32 replicas:ints isr:ints leader:int32
 *                                  leaderEpoch:int32 partitionEpoch:int32
 * type 5 ConfigRecord          v0: resourceType:int8 resourceName:string name:string value:string?
 * type 6 RemoveTopicRecord     v0: topicId:uuid
 * type 7 ProducerIdsRecord     v0: brokerId:int32 nextProducerId:int64
 * </pre>
 *
 * <p>Decoding is strict: an unknown type or version, a negative length, invalid UTF-8, too few
 * bytes, or bytes left over after the record all throw {@link MetadataCorruptionException}. The
 * type ids and versions are the on-disk format; never reuse or renumber them.
 */
public final class MetadataRecordSerde {
    public static final byte CLUSTER_ID_TYPE = 1;
    public static final byte REGISTER_BROKER_TYPE = 2;
    public static final byte TOPIC_TYPE = 3;
    public static final byte PARTITION_TYPE = 4;
    public static final byte CONFIG_TYPE = 5;
    public static final byte REMOVE_TOPIC_TYPE = 6;
    public static final byte PRODUCER_IDS_TYPE = 7;
    public static final byte BROKER_REGISTRATION_CHANGE_TYPE = 8;
    public static final byte UNREGISTER_BROKER_TYPE = 9;
    public static final byte VOTERS_TYPE = 10;

    /** Every type is at version 0 but RegisterBroker, which is at 1 (0 is still read). */
    public static final byte VERSION_0 = 0;
    /** RegisterBroker with its epoch, incarnation id and fencing. */
    public static final byte VERSION_1 = 1;

    private MetadataRecordSerde() {}

    /** The encoded size of {@code record} in bytes. */
    public static int sizeOf(final MetadataRecord record) {
        final int header = 2;
        return header
                + switch (record) {
                    case ClusterIdRecord r -> sizeOf(r.clusterId());
                    case RegisterBrokerRecord r ->
                        4 + 8 + 16 + sizeOf(r.host()) + 4 + sizeOf(r.listenerName()) + sizeOf(r.rack()) + 1;
                    case TopicRecord r -> sizeOf(r.name()) + 16;
                    case PartitionRecord r -> 16 + 4 + sizeOf(r.replicas()) + sizeOf(r.isr()) + 12;
                    case ConfigRecord r -> 1 + sizeOf(r.resourceName()) + sizeOf(r.name()) + sizeOf(r.value());
                    case RemoveTopicRecord r -> 16;
                    case ProducerIdsRecord r -> 12;
                    case BrokerRegistrationChangeRecord r -> 4 + 8 + 1 + 1;
                    case UnregisterBrokerRecord r -> 4 + 8;
                    case VotersRecord r -> sizeOf(r.voters());
                };
    }

    /** Encodes {@code record} into a new array of exactly {@link #sizeOf} bytes. */
    public static byte[] serialize(final MetadataRecord record) {
        final ByteBuffer buffer = ByteBuffer.allocate(sizeOf(record));
        write(record, buffer);
        return buffer.array();
    }

    /** Writes {@code record} at the buffer's position, advancing it by {@link #sizeOf} bytes. */
    public static void write(final MetadataRecord record, final ByteBuffer out) {
        switch (record) {
            case ClusterIdRecord r -> {
                header(out, CLUSTER_ID_TYPE);
                writeString(out, r.clusterId());
            }
            case RegisterBrokerRecord r -> {
                out.put(REGISTER_BROKER_TYPE);
                out.put(VERSION_1);
                out.putInt(r.brokerId());
                out.putLong(r.brokerEpoch());
                writeUuid(out, r.incarnationId());
                writeString(out, r.host());
                out.putInt(r.port());
                writeString(out, r.listenerName());
                writeString(out, r.rack());
                out.put((byte) (r.fenced() ? 1 : 0));
            }
            case TopicRecord r -> {
                header(out, TOPIC_TYPE);
                writeString(out, r.name());
                writeUuid(out, r.topicId());
            }
            case PartitionRecord r -> {
                header(out, PARTITION_TYPE);
                writeUuid(out, r.topicId());
                out.putInt(r.partition());
                writeInts(out, r.replicas());
                writeInts(out, r.isr());
                out.putInt(r.leader());
                out.putInt(r.leaderEpoch());
                out.putInt(r.partitionEpoch());
            }
            case ConfigRecord r -> {
                header(out, CONFIG_TYPE);
                out.put(r.type().id());
                writeString(out, r.resourceName());
                writeString(out, r.name());
                writeString(out, r.value());
            }
            case RemoveTopicRecord r -> {
                header(out, REMOVE_TOPIC_TYPE);
                writeUuid(out, r.topicId());
            }
            case ProducerIdsRecord r -> {
                header(out, PRODUCER_IDS_TYPE);
                out.putInt(r.brokerId());
                out.putLong(r.nextProducerId());
            }
            case BrokerRegistrationChangeRecord r -> {
                header(out, BROKER_REGISTRATION_CHANGE_TYPE);
                out.putInt(r.brokerId());
                out.putLong(r.brokerEpoch());
                out.put(r.fencing().id());
                out.put((byte) (r.inControlledShutdown() ? 1 : 0));
            }
            case UnregisterBrokerRecord r -> {
                header(out, UNREGISTER_BROKER_TYPE);
                out.putInt(r.brokerId());
                out.putLong(r.brokerEpoch());
            }
            case VotersRecord r -> {
                header(out, VOTERS_TYPE);
                writeString(out, r.voters());
            }
        }
    }

    /** Decodes exactly one record that fills the whole array. */
    public static MetadataRecord deserialize(final byte[] bytes) {
        return deserialize(ByteBuffer.wrap(bytes));
    }

    /**
     * Decodes exactly one record from the buffer's remaining bytes.
     *
     * @throws MetadataCorruptionException if the bytes are not exactly one valid record
     */
    public static MetadataRecord deserialize(final ByteBuffer buffer) {
        final MetadataRecord record = read(buffer);
        if (buffer.hasRemaining()) {
            throw new MetadataCorruptionException(buffer.remaining() + " byte(s) left over after "
                    + record.getClass().getSimpleName());
        }
        return record;
    }

    /**
     * Reads one record at the buffer's position, advancing past it; bytes after it are left alone.
     *
     * @throws MetadataCorruptionException if no valid record starts at the position
     */
    public static MetadataRecord read(final ByteBuffer in) {
        try {
            final byte type = in.get();
            final byte version = in.get();
            if (type < CLUSTER_ID_TYPE || type > VOTERS_TYPE) {
                throw new MetadataCorruptionException("Unknown metadata record type " + type);
            }
            if (version != VERSION_0 && !(type == REGISTER_BROKER_TYPE && version == VERSION_1)) {
                throw new MetadataCorruptionException(
                        "Unknown version " + version + " of metadata record type " + type);
            }
            return switch (type) {
                case CLUSTER_ID_TYPE -> new ClusterIdRecord(readString(in));
                case REGISTER_BROKER_TYPE ->
                    version == VERSION_0
                            ? new RegisterBrokerRecord(
                                    in.getInt(), readString(in), in.getInt(), readString(in), readNullableString(in))
                            : new RegisterBrokerRecord(
                                    in.getInt(),
                                    in.getLong(),
                                    readUuid(in),
                                    readString(in),
                                    in.getInt(),
                                    readString(in),
                                    readNullableString(in),
                                    readBoolean(in));
                case TOPIC_TYPE -> new TopicRecord(readString(in), readUuid(in));
                case PARTITION_TYPE ->
                    new PartitionRecord(
                            readUuid(in),
                            in.getInt(),
                            readInts(in),
                            readInts(in),
                            in.getInt(),
                            in.getInt(),
                            in.getInt());
                case CONFIG_TYPE ->
                    new ConfigRecord(readResourceType(in), readString(in), readString(in), readNullableString(in));
                case REMOVE_TOPIC_TYPE -> new RemoveTopicRecord(readUuid(in));
                case PRODUCER_IDS_TYPE -> new ProducerIdsRecord(in.getInt(), in.getLong());
                case BROKER_REGISTRATION_CHANGE_TYPE ->
                    new BrokerRegistrationChangeRecord(
                            in.getInt(),
                            in.getLong(),
                            BrokerRegistrationChangeRecord.Fencing.forId(in.get()),
                            readBoolean(in));
                case UNREGISTER_BROKER_TYPE -> new UnregisterBrokerRecord(in.getInt(), in.getLong());
                case VOTERS_TYPE -> new VotersRecord(readString(in));
                default -> throw new MetadataCorruptionException("Unknown metadata record type " + type);
            };
        } catch (final BufferUnderflowException e) {
            throw new MetadataCorruptionException("Truncated metadata record", e);
        }
    }

    private static boolean readBoolean(final ByteBuffer in) {
        final byte b = in.get();
        if (b != 0 && b != 1) {
            throw new MetadataCorruptionException("Invalid boolean " + b);
        }
        return b == 1;
    }

    private static void header(final ByteBuffer out, final byte type) {
        out.put(type);
        out.put(VERSION_0);
    }

    private static int sizeOf(final @Nullable String s) {
        return 2 + (s == null ? 0 : utf8Length(s));
    }

    private static int sizeOf(final List<Integer> ints) {
        return 4 + 4 * ints.size();
    }

    private static int utf8Length(final String s) {
        final int length = s.getBytes(StandardCharsets.UTF_8).length;
        if (length > Short.MAX_VALUE) {
            throw new IllegalArgumentException(
                    "String of " + length + " UTF-8 bytes is too long for a metadata record");
        }
        return length;
    }

    private static void writeString(final ByteBuffer out, final @Nullable String s) {
        if (s == null) {
            out.putShort((short) -1);
            return;
        }
        final byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > Short.MAX_VALUE) {
            throw new IllegalArgumentException(
                    "String of " + bytes.length + " UTF-8 bytes is too long for a metadata record");
        }
        out.putShort((short) bytes.length);
        out.put(bytes);
    }

    private static String readString(final ByteBuffer in) {
        final String s = readNullableString(in);
        if (s == null) {
            throw new MetadataCorruptionException("Null string in a non-nullable field");
        }
        return s;
    }

    private static @Nullable String readNullableString(final ByteBuffer in) {
        final short length = in.getShort();
        if (length == -1) {
            return null;
        }
        if (length < 0) {
            throw new MetadataCorruptionException("Negative string length " + length);
        }
        if (length > in.remaining()) {
            throw new MetadataCorruptionException(
                    "String length " + length + " exceeds the " + in.remaining() + " byte(s) left");
        }
        final ByteBuffer slice = in.slice(in.position(), length);
        in.position(in.position() + length);
        try {
            final CharBuffer chars = StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(slice);
            return chars.toString();
        } catch (final CharacterCodingException e) {
            throw new MetadataCorruptionException("Invalid UTF-8 in a metadata record string", e);
        }
    }

    private static void writeUuid(final ByteBuffer out, final Uuid uuid) {
        out.putLong(uuid.getMostSignificantBits());
        out.putLong(uuid.getLeastSignificantBits());
    }

    private static Uuid readUuid(final ByteBuffer in) {
        return new Uuid(in.getLong(), in.getLong());
    }

    private static void writeInts(final ByteBuffer out, final List<Integer> ints) {
        out.putInt(ints.size());
        for (final int i : ints) {
            out.putInt(i);
        }
    }

    private static List<Integer> readInts(final ByteBuffer in) {
        final int count = in.getInt();
        if (count < 0 || count > in.remaining() / 4) {
            throw new MetadataCorruptionException(
                    "Invalid int list length " + count + " with " + in.remaining() + " byte(s) left");
        }
        final List<Integer> ints = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            ints.add(in.getInt());
        }
        return ints;
    }

    private static ConfigResourceType readResourceType(final ByteBuffer in) {
        final byte id = in.get();
        try {
            return ConfigResourceType.forId(id);
        } catch (final IllegalArgumentException e) {
            throw new MetadataCorruptionException(e.getMessage(), e);
        }
    }
}
