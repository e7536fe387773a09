package io.runnel.it.groups;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.errors.WakeupException;

/**
 * A group member on its own thread: polls, records what it read, commits synchronously after every poll and
 * before it lets partitions go, and tracks its assignment and revocations.
 */
final class GroupMember implements AutoCloseable {
    /** One record read: its partition and when (System.nanoTime). */
    record Read(TopicPartition partition, long atNanos) {}

    final String name;
    final List<String> consumed = new CopyOnWriteArrayList<>();
    final List<Read> reads = new CopyOnWriteArrayList<>();
    final Set<TopicPartition> assignment = ConcurrentHashMap.newKeySet();
    final List<TopicPartition> revoked = new CopyOnWriteArrayList<>();
    /** Every onPartitionsAssigned call's partitions, in order (cooperative rebalances call it with only the new ones). */
    final List<Set<TopicPartition>> assignedCalls = new CopyOnWriteArrayList<>();

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread thread;
    private volatile boolean leaveOnClose = true;
    /** How long the member takes to let partitions go, as an application finishing its work on them would. */
    volatile long revocationDelayMs;

    private volatile Throwable failure;

    GroupMember(final String name, final KafkaConsumer<byte[], byte[]> consumer, final String topic) {
        this.name = name;
        this.consumer = consumer;
        this.thread = new Thread(() -> run(topic), "member-" + name);
        thread.start();
    }

    private void run(final String topic) {
        try {
            consumer.subscribe(List.of(topic), new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(final Collection<TopicPartition> partitions) {
                    if (!partitions.isEmpty()) {
                        commit();
                        pause(revocationDelayMs);
                    }
                    revoked.addAll(partitions);
                    assignment.removeAll(partitions);
                }

                @Override
                public void onPartitionsAssigned(final Collection<TopicPartition> partitions) {
                    assignedCalls.add(Set.copyOf(partitions));
                    assignment.addAll(partitions);
                }

                @Override
                public void onPartitionsLost(final Collection<TopicPartition> partitions) {
                    assignment.removeAll(partitions);
                }
            });
            while (running.get()) {
                boolean any = false;
                for (final ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                    consumed.add(new String(r.value(), StandardCharsets.UTF_8));
                    reads.add(new Read(new TopicPartition(r.topic(), r.partition()), System.nanoTime()));
                    any = true;
                }
                if (any) {
                    commit();
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (Throwable t) {
            failure = t;
        } finally {
            consumer.close(
                    leaveOnClose
                            ? CloseOptions.timeout(Duration.ofSeconds(5))
                            : CloseOptions.groupMembershipOperation(
                                            CloseOptions.GroupMembershipOperation.REMAIN_IN_GROUP)
                                    .withTimeout(Duration.ofSeconds(5)));
        }
    }

    private void commit() {
        try {
            consumer.commitSync();
        } catch (RebalanceInProgressException e) {
            // a classic group is rebalancing: the next poll completes it, and the commit after that covers these
        }
    }

    /** Deliberate: a member slow to give up its partitions, as a revocation callback doing work would be. */
    private static void pause(final long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops without telling the coordinator, as a crashed process would. */
    void vanish() throws InterruptedException {
        leaveOnClose = false;
        close();
    }

    Throwable failure() {
        return failure;
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        consumer.wakeup();
        thread.join(15_000);
    }
}
