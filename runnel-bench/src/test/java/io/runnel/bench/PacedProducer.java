package io.runnel.bench;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * A producer at a fixed rate, acks=all, 1 KiB records, that times every record from its {@code send} to its
 * acknowledgement (what ProducerPerformance reports, but in nanoseconds instead of whole milliseconds). Records
 * leave on a schedule (record i at start + i / rate), so a slow broker does not slow the offered load; a send
 * that falls behind the schedule goes at once. {@code linger.ms} is 0 (kafka-clients 4 defaults to 5), so a
 * record's time is the broker's answer and not mostly the client's wait for more records to batch; otherwise
 * kafka-clients' defaults.
 */
public final class PacedProducer implements AutoCloseable {
    private final String topic;
    private final int recordsPerS;
    private final KafkaProducer<byte[], byte[]> producer;
    private final byte[] value = new byte[TopicFiller.RECORD_BYTES];

    public PacedProducer(final String bootstrap, final String topic, final int recordsPerS) {
        this.topic = topic;
        this.recordsPerS = recordsPerS;
        this.producer = new KafkaProducer<>(ClientProps.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                ProducerConfig.ACKS_CONFIG,
                "all",
                ProducerConfig.LINGER_MS_CONFIG,
                0,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
                ByteArraySerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
                ByteArraySerializer.class.getName()));
    }

    /** Sends {@code recordsPerS * seconds} records on schedule, waits for every acknowledgement. */
    public Percentiles run(final int seconds) {
        final int total = recordsPerS * seconds;
        final long[] latencies = new long[total];
        final AtomicInteger acked = new AtomicInteger();
        final AtomicReference<Exception> failure = new AtomicReference<>();
        final long startNs = System.nanoTime();
        final long intervalNs = TimeUnit.SECONDS.toNanos(1) / recordsPerS;
        int sent = 0;
        while (sent < total) {
            final long due = Math.min(total, (System.nanoTime() - startNs) / intervalNs + 1);
            while (sent < due) {
                final long sentNs = System.nanoTime();
                producer.send(new ProducerRecord<>(topic, 0, null, value), (metadata, e) -> {
                    if (e != null) {
                        failure.compareAndSet(null, e);
                    }
                    // callbacks of one partition run in send order on the producer's I/O thread
                    latencies[acked.getAndIncrement()] = System.nanoTime() - sentNs;
                });
                sent++;
            }
            LockSupport.parkNanos(Math.max(0, startNs + sent * intervalNs - System.nanoTime()));
        }
        producer.flush();
        if (failure.get() != null) {
            throw new IllegalStateException("producing to " + topic + " failed", failure.get());
        }
        return Percentiles.of(latencies, acked.get());
    }

    @Override
    public void close() {
        producer.close();
    }
}
