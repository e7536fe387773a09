package io.runnel.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Time from N members starting to join one group until every one of them has consumed a record, over a topic
 * with one partition per member holding one record each. Members commit nothing: a partition that moves is read
 * again from the start by its new owner, so a member whose partition an early member read and handed over still
 * gets a record to count (with commits it would wait for ever). Any Kafka-protocol broker:
 * {@code GroupJoinBenchmark BOOTSTRAP MEMBERS [ROUNDS] [PROTOCOL]}; prints one JSON line per round.
 */
public final class GroupJoinBenchmark {
    /** Polls that kafka-clients failed with its revocation race, over the whole run (see measure). */
    private static final AtomicInteger CLIENT_RACES = new AtomicInteger();

    private GroupJoinBenchmark() {}

    public static void main(final String[] args) throws Exception {
        final String bootstrap = args[0];
        final int members = Integer.parseInt(args[1]);
        final int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        final String protocol = args.length > 3 ? args[3] : "classic";
        for (int round = 1; round <= rounds; round++) {
            final String name = "join-bench-" + members + "-" + System.nanoTime();
            try (Admin admin = Admin.create(props(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
                admin.createTopics(List.of(new NewTopic(name, members, (short) 1)))
                        .all()
                        .get();
            }
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                    ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName(),
                    ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName()))) {
                for (int p = 0; p < members; p++) {
                    producer.send(new ProducerRecord<>(name, p, null, new byte[100]));
                }
            }
            final long[] consumedAtMs = measure(bootstrap, name, members, protocol);
            Arrays.sort(consumedAtMs);
            System.out.printf(
                    "{\"members\":%d,\"protocol\":\"%s\",\"round\":%d,\"all_consuming_ms\":%d,"
                            + "\"median_member_ms\":%d,\"first_member_ms\":%d,\"client_races\":%d}%n",
                    members,
                    protocol,
                    round,
                    consumedAtMs[members - 1],
                    consumedAtMs[members / 2],
                    consumedAtMs[0],
                    CLIENT_RACES.getAndSet(0));
        }
    }

    private static long[] measure(final String bootstrap, final String topic, final int members, final String protocol)
            throws InterruptedException {
        final long[] consumedAtMs = new long[members];
        final CountDownLatch allConsumed = new CountDownLatch(members);
        final AtomicBoolean stop = new AtomicBoolean();
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final List<Thread> threads = new ArrayList<>();
        final long startNs = System.nanoTime();
        for (int i = 0; i < members; i++) {
            final int index = i;
            final Thread thread = new Thread(
                    () -> {
                        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props(
                                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                                bootstrap,
                                ConsumerConfig.GROUP_ID_CONFIG,
                                topic + "-group",
                                ConsumerConfig.GROUP_PROTOCOL_CONFIG,
                                protocol,
                                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                                "earliest",
                                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                                "false",
                                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                                ByteArrayDeserializer.class.getName(),
                                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                                ByteArrayDeserializer.class.getName()))) {
                            consumer.subscribe(List.of(topic));
                            boolean counted = false;
                            while (!stop.get()) {
                                final boolean read;
                                try {
                                    read = !consumer.poll(Duration.ofMillis(50)).isEmpty();
                                } catch (final IllegalStateException e) {
                                    // kafka-clients 4.1's AsyncKafkaConsumer can fail a poll with "No current
                                    // assignment
                                    // for partition" when a fetch answer meets a revocation; the consumer stays usable
                                    CLIENT_RACES.incrementAndGet();
                                    continue;
                                }
                                if (read && !counted) {
                                    consumedAtMs[index] = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs);
                                    counted = true;
                                    allConsumed.countDown();
                                }
                            }
                        } catch (final RuntimeException e) {
                            // a member that fails ends the round at once, with its cause, instead of a silent wait
                            failure.compareAndSet(null, e);
                            while (allConsumed.getCount() > 0) {
                                allConsumed.countDown();
                            }
                        }
                    },
                    "join-bench-member-" + i);
            threads.add(thread);
            thread.start();
        }
        final boolean finished = allConsumed.await(5, TimeUnit.MINUTES);
        stop.set(true);
        for (final Thread thread : threads) {
            thread.join();
        }
        if (!finished) {
            throw new IllegalStateException("not every member consumed within 5 minutes");
        }
        if (failure.get() != null) {
            throw new IllegalStateException("a member failed", failure.get());
        }
        return consumedAtMs;
    }

    private static Properties props(final Object... pairs) {
        final Properties props = new Properties();
        for (int i = 0; i < pairs.length; i += 2) {
            props.put(pairs[i], pairs[i + 1]);
        }
        return props;
    }
}
