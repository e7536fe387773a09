package io.runnel.broker.api.describelogdirs;

import io.runnel.protocol.ApiHandler;
import io.runnel.protocol.RequestContext;
import io.runnel.replication.Partition;
import io.runnel.replication.Partitions;
import io.runnel.storage.LogDirDescription;
import io.runnel.storage.LogManager;
import io.runnel.storage.PartitionLog;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.DescribeLogDirsRequestData;
import org.apache.kafka.common.message.DescribeLogDirsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;

/**
 * DescribeLogDirs (KIP-113; space from v4, KIP-827; IsCordoned from v5, KIP-1066, always false), what {@code kafka-log-dirs.sh --describe} and
 * {@code Admin.describeLogDirs} show: every configured log directory with its error (KAFKA_STORAGE_ERROR once it
 * failed), its file system's total and usable bytes, and the size and offset lag of each requested partition in it.
 *
 * <p>As in Kafka, a null topic list asks for every partition and an empty one for none (the directories are
 * listed either way); requested partitions that have no log here are left out without an error, and an offline
 * directory lists no partitions. The lag is the high watermark minus the log end offset, never below 0, so 0 for
 * a leader with no followers; -1 for a log this broker does not lead.
 */
public final class DescribeLogDirsHandler implements ApiHandler<DescribeLogDirsRequestData> {
    /** Kafka's {@code DescribeLogDirsResponse.INVALID_OFFSET_LAG}. */
    private static final long UNKNOWN_LAG = -1L;

    private final LogManager logs;
    private final Partitions partitions;

    public DescribeLogDirsHandler(final LogManager logs, final Partitions partitions) {
        this.logs = logs;
        this.partitions = partitions;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.DESCRIBE_LOG_DIRS;
    }

    @Override
    public CompletableFuture<DescribeLogDirsResponseData> handle(
            final RequestContext context, final DescribeLogDirsRequestData request) {
        final Set<TopicPartition> wanted = request.topics() == null ? null : requested(request);
        final DescribeLogDirsResponseData response = new DescribeLogDirsResponseData().setErrorCode(Errors.NONE.code());
        for (final LogDirDescription dir : logs.describeLogDirs()) {
            final DescribeLogDirsResponseData.DescribeLogDirsResult result =
                    new DescribeLogDirsResponseData.DescribeLogDirsResult()
                            .setLogDir(dir.path().toString())
                            .setErrorCode(dir.online() ? Errors.NONE.code() : Errors.KAFKA_STORAGE_ERROR.code())
                            .setTotalBytes(dir.totalBytes())
                            .setUsableBytes(dir.usableBytes())
                            // v5 (KIP-1066): a cordoned directory takes no new replicas; Runnel cordons none
                            .setIsCordoned(false);
            final Map<String, DescribeLogDirsResponseData.DescribeLogDirsTopic> topics = new TreeMap<>();
            for (final PartitionLog log : dir.logs()) {
                final TopicPartition tp = log.topicPartition();
                if (wanted != null && !wanted.contains(tp)) {
                    continue;
                }
                topics.computeIfAbsent(
                                tp.topic(),
                                name -> new DescribeLogDirsResponseData.DescribeLogDirsTopic().setName(name))
                        .partitions()
                        .add(new DescribeLogDirsResponseData.DescribeLogDirsPartition()
                                .setPartitionIndex(tp.partition())
                                .setPartitionSize(log.sizeInBytes())
                                .setOffsetLag(lag(tp, log))
                                .setIsFutureKey(false));
            }
            result.topics().addAll(topics.values());
            response.results().add(result);
        }
        return CompletableFuture.completedFuture(response);
    }

    private static Set<TopicPartition> requested(final DescribeLogDirsRequestData request) {
        final Set<TopicPartition> wanted = new HashSet<>();
        for (final DescribeLogDirsRequestData.DescribableLogDirTopic topic : request.topics()) {
            for (final int index : topic.partitions()) {
                wanted.add(new TopicPartition(topic.topic(), index));
            }
        }
        return wanted;
    }

    private long lag(final TopicPartition tp, final PartitionLog log) {
        final Partition partition = partitions.get(tp);
        return partition == null || !partition.isBackedBy(log)
                ? UNKNOWN_LAG
                : Math.max(partition.highWatermark() - log.logEndOffset(), 0);
    }
}
