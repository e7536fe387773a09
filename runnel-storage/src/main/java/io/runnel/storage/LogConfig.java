package io.runnel.storage;

import org.apache.kafka.common.record.TimestampType;

/**
 * Per-partition log settings, named after the Kafka topic configs they mirror.
 *
 * @param segmentBytes          {@code segment.bytes}: roll the active segment before it would exceed this size
 * @param segmentMs             {@code segment.ms}: roll the active segment once its first batch is this old
 * @param maxMessageBytes       {@code max.message.bytes}: largest accepted record batch (header included)
 * @param indexIntervalBytes    {@code index.interval.bytes}: bytes of log between two sparse index entries
 * @param segmentIndexBytes     {@code segment.index.bytes}: preallocated size of each index file
 * @param timestampType         {@code message.timestamp.type}: CREATE_TIME or LOG_APPEND_TIME
 * @param flushIntervalMessages {@code flush.messages}: fsync after this many records ({@link Long#MAX_VALUE} = never)
 * @param flushIntervalMs       {@code flush.ms}: fsync when this long has passed since the last one ({@link Long#MAX_VALUE} = never)
 * @param retentionMs           {@code retention.ms}: delete a segment once its newest record is older than this
 *                              (negative = unlimited)
 * @param retentionBytes        {@code retention.bytes}: delete the oldest segments while the rest still hold this
 *                              much (negative = unlimited)
 * @param fileDeleteDelayMs     {@code file.delete.delay.ms}: how long a deleted segment's files stay open for readers
 *                              that already hold them
 * @param cleanupPolicyDelete   whether {@code cleanup.policy} contains {@code delete}: without it (a pure
 *                              {@code compact} topic) retention by time and size does not apply
 * @param compaction            whether {@code cleanup.policy} contains {@code compact}, and the cleaner's settings
 * @param maxDecompressedMessageBytes {@code max.decompressed.message.bytes} (Kafka 4.4): largest record a compressed
 *                              batch may hold, checked wherever a batch is decompressed ({@link
 *                              io.runnel.storage.record.BoundedRecords})
 */
public record LogConfig(
        int segmentBytes,
        long segmentMs,
        int maxMessageBytes,
        int indexIntervalBytes,
        int segmentIndexBytes,
        TimestampType timestampType,
        long flushIntervalMessages,
        long flushIntervalMs,
        long retentionMs,
        long retentionBytes,
        long fileDeleteDelayMs,
        boolean cleanupPolicyDelete,
        CompactionConfig compaction,
        int maxDecompressedMessageBytes) {

    public LogConfig {
        if (segmentBytes < 14) {
            throw new IllegalArgumentException("segmentBytes must be at least 14, was " + segmentBytes);
        }
        if (segmentMs <= 0) {
            throw new IllegalArgumentException("segmentMs must be positive, was " + segmentMs);
        }
        if (maxMessageBytes <= 0) {
            throw new IllegalArgumentException("maxMessageBytes must be positive, was " + maxMessageBytes);
        }
        if (indexIntervalBytes < 0) {
            throw new IllegalArgumentException("indexIntervalBytes must not be negative, was " + indexIntervalBytes);
        }
        if (segmentIndexBytes < 12) {
            throw new IllegalArgumentException("segmentIndexBytes must be at least 12, was " + segmentIndexBytes);
        }
        if (timestampType != TimestampType.CREATE_TIME && timestampType != TimestampType.LOG_APPEND_TIME) {
            throw new IllegalArgumentException(
                    "timestampType must be CREATE_TIME or LOG_APPEND_TIME, was " + timestampType);
        }
        if (flushIntervalMessages < 1 || flushIntervalMs < 0) {
            throw new IllegalArgumentException("flush intervals must be positive");
        }
        if (compaction == null) {
            throw new IllegalArgumentException("compaction must not be null");
        }
        if (maxDecompressedMessageBytes < 1) {
            throw new IllegalArgumentException(
                    "maxDecompressedMessageBytes must be positive, was " + maxDecompressedMessageBytes);
        }
        if (fileDeleteDelayMs < 0) {
            throw new IllegalArgumentException("fileDeleteDelayMs must not be negative, was " + fileDeleteDelayMs);
        }
    }

    /** Kafka 4.4's default {@code max.decompressed.message.bytes}: the largest array a JVM allocates. */
    public static final int DEFAULT_MAX_DECOMPRESSED_MESSAGE_BYTES = Integer.MAX_VALUE - 8;

    /** Kafka's broker defaults. */
    public static LogConfig defaults() {
        return new LogConfig(
                1024 * 1024 * 1024,
                7L * 24 * 60 * 60 * 1000,
                1048588,
                4096,
                10 * 1024 * 1024,
                TimestampType.CREATE_TIME,
                Long.MAX_VALUE,
                Long.MAX_VALUE,
                7L * 24 * 60 * 60 * 1000,
                -1,
                60_000,
                true,
                CompactionConfig.defaults(),
                DEFAULT_MAX_DECOMPRESSED_MESSAGE_BYTES);
    }

    public LogConfig withSegmentBytes(final int bytes) {
        return new LogConfig(
                bytes,
                segmentMs,
                maxMessageBytes,
                indexIntervalBytes,
                segmentIndexBytes,
                timestampType,
                flushIntervalMessages,
                flushIntervalMs,
                retentionMs,
                retentionBytes,
                fileDeleteDelayMs,
                cleanupPolicyDelete,
                compaction,
                maxDecompressedMessageBytes);
    }

    public LogConfig withSegmentMs(final long ms) {
        return new LogConfig(
                segmentBytes,
                ms,
                maxMessageBytes,
                indexIntervalBytes,
                segmentIndexBytes,
                timestampType,
                flushIntervalMessages,
                flushIntervalMs,
                retentionMs,
                retentionBytes,
                fileDeleteDelayMs,
                cleanupPolicyDelete,
                compaction,
                maxDecompressedMessageBytes);
    }

    public LogConfig withMaxMessageBytes(final int bytes) {
        return new LogConfig(
                segmentBytes,
                segmentMs,
                bytes,
                indexIntervalBytes,
                segmentIndexBytes,
                timestampType,
                flushIntervalMessages,
                flushIntervalMs,
                retentionMs,
                retentionBytes,
                fileDeleteDelayMs,
                cleanupPolicyDelete,
                compaction,
                maxDecompressedMessageBytes);
    }

    public LogConfig withIndexIntervalBytes(final int bytes) {
        return new LogConfig(
                segmentBytes,
                segmentMs,
                maxMessageBytes,
                bytes,
                segmentIndexBytes,
                timestampType,
                flushIntervalMessages,
                flushIntervalMs,
                retentionMs,
                retentionBytes,
                fileDeleteDelayMs,
                cleanupPolicyDelete,
                compaction,
                maxDecompressedMessageBytes);
    }

    public LogConfig withSegmentIndexBytes(final int bytes) {
        return new LogConfig(
                segmentBytes,
                segmentMs,
                maxMessageBytes,
                indexIntervalBytes,
                bytes,
                timestampType,
                flushIntervalMessages,
                flushIntervalMs,
                retentionMs,
                retentionBytes,
                fileDeleteDelayMs,
                cleanupPolicyDelete,
                compaction,
                maxDecompressedMessageBytes);
    }

    public LogConfig withTimestampType(final TimestampType type) {
        return new LogConfig(
                segmentBytes,
                segmentMs,
                maxMessageBytes,
                indexIntervalBytes,
                segmentIndexBytes,
                type,
                flushIntervalMessages,
                flushIntervalMs,
                retentionMs,
                retentionBytes,
                fileDeleteDelayMs,
                cleanupPolicyDelete,
                compaction,
                maxDecompressedMessageBytes);
    }

    public LogConfig withFlushInterval(final long messages, final long ms) {
        return new LogConfig(
                segmentBytes,
                segmentMs,
                maxMessageBytes,
                indexIntervalBytes,
                segmentIndexBytes,
                timestampType,
                messages,
                ms,
                retentionMs,
                retentionBytes,
                fileDeleteDelayMs,
                cleanupPolicyDelete,
                compaction,
                maxDecompressedMessageBytes);
    }

    /** {@code retention.ms} and {@code retention.bytes}; negative values mean unlimited. */
    public LogConfig withRetention(final long ms, final long bytes) {
        return new LogConfig(
                segmentBytes,
                segmentMs,
                maxMessageBytes,
                indexIntervalBytes,
                segmentIndexBytes,
                timestampType,
                flushIntervalMessages,
                flushIntervalMs,
                ms,
                bytes,
                fileDeleteDelayMs,
                cleanupPolicyDelete,
                compaction,
                maxDecompressedMessageBytes);
    }

    public LogConfig withFileDeleteDelayMs(final long ms) {
        return new LogConfig(
                segmentBytes,
                segmentMs,
                maxMessageBytes,
                indexIntervalBytes,
                segmentIndexBytes,
                timestampType,
                flushIntervalMessages,
                flushIntervalMs,
                retentionMs,
                retentionBytes,
                ms,
                cleanupPolicyDelete,
                compaction,
                maxDecompressedMessageBytes);
    }

    public LogConfig withCleanupPolicyDelete(final boolean delete) {
        return new LogConfig(
                segmentBytes,
                segmentMs,
                maxMessageBytes,
                indexIntervalBytes,
                segmentIndexBytes,
                timestampType,
                flushIntervalMessages,
                flushIntervalMs,
                retentionMs,
                retentionBytes,
                fileDeleteDelayMs,
                delete,
                compaction,
                maxDecompressedMessageBytes);
    }

    public LogConfig withCompaction(final CompactionConfig settings) {
        return new LogConfig(
                segmentBytes,
                segmentMs,
                maxMessageBytes,
                indexIntervalBytes,
                segmentIndexBytes,
                timestampType,
                flushIntervalMessages,
                flushIntervalMs,
                retentionMs,
                retentionBytes,
                fileDeleteDelayMs,
                cleanupPolicyDelete,
                settings,
                maxDecompressedMessageBytes);
    }

    public LogConfig withMaxDecompressedMessageBytes(final int bytes) {
        return new LogConfig(
                segmentBytes,
                segmentMs,
                maxMessageBytes,
                indexIntervalBytes,
                segmentIndexBytes,
                timestampType,
                flushIntervalMessages,
                flushIntervalMs,
                retentionMs,
                retentionBytes,
                fileDeleteDelayMs,
                cleanupPolicyDelete,
                compaction,
                bytes);
    }

    /** Whether {@code cleanup.policy} contains {@code compact}: keys are then required and the cleaner runs. */
    public boolean compacted() {
        return compaction.enabled();
    }
}
