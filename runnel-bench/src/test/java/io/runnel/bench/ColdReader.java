package io.runnel.bench;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * A default KafkaConsumer on its own thread reading one partition from {@code fromOffset}, as fast as it can or at
 * most {@code maxMibPerS} (0: no limit; the limit makes two brokers carry the same load, since the reader's own CPU
 * grows with its speed), without a group (assign + seek), counting the value bytes it gets, until closed.
 */
public final class ColdReader implements AutoCloseable {
    private final AtomicBoolean stop = new AtomicBoolean();
    private final AtomicLong bytes = new AtomicLong();
    private final AtomicLong nextOffset = new AtomicLong();
    private final AtomicReference<RuntimeException> failure = new AtomicReference<>();
    private final Thread thread;
    private final long startNs = System.nanoTime();
    private volatile long endNs;

    private final double maxBytesPerNs;

    public ColdReader(final String bootstrap, final String topic, final long fromOffset, final double maxMibPerS) {
        this.maxBytesPerNs = maxMibPerS * 1024 * 1024 / 1e9;
        nextOffset.set(fromOffset);
        thread = new Thread(() -> read(bootstrap, new TopicPartition(topic, 0), fromOffset), "cold-reader");
        thread.start();
    }

    private void read(final String bootstrap, final TopicPartition partition, final long fromOffset) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(ClientProps.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName()))) {
            consumer.assign(List.of(partition));
            consumer.seek(partition, fromOffset);
            while (!stop.get()) {
                final ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(100));
                long read = 0;
                for (final ConsumerRecord<byte[], byte[]> record : records) {
                    read += record.value().length;
                    nextOffset.set(record.offset() + 1);
                }
                final long total = bytes.addAndGet(read);
                if (maxBytesPerNs > 0) {
                    final long aheadNs = (long) (total / maxBytesPerNs) - (System.nanoTime() - startNs);
                    if (aheadNs > 0) {
                        Thread.sleep(aheadNs / 1_000_000, (int) (aheadNs % 1_000_000));
                    }
                }
            }
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (final RuntimeException e) {
            failure.set(e);
        }
    }

    /** MiB of values read per second from this reader's start to its close (or to now, while it reads). */
    public double mibPerS() {
        final long untilNs = endNs != 0 ? endNs : System.nanoTime();
        return bytes.get() / 1024.0 / 1024.0 / ((untilNs - startNs) / 1e9);
    }

    /** The offset after the last record read: where a next reader finds data this one has not touched. */
    public long nextOffset() {
        return nextOffset.get();
    }

    public long mibRead() {
        return bytes.get() / 1024 / 1024;
    }

    @Override
    public void close() throws InterruptedException {
        stop.set(true);
        thread.join();
        endNs = System.nanoTime();
        if (failure.get() != null) {
            throw new IllegalStateException("the cold reader failed", failure.get());
        }
    }
}
