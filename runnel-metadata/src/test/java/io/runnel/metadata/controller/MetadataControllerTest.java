package io.runnel.metadata.controller;

import static org.assertj.core.api.Assertions.assertThat;

import io.runnel.metadata.image.BrokerRegistration;
import io.runnel.metadata.image.MetadataImage;
import io.runnel.metadata.log.AsyncMetadataLog;
import io.runnel.metadata.log.LocalMetadataLog;
import io.runnel.metadata.log.MetadataLog;
import io.runnel.metadata.record.ClusterIdRecord;
import io.runnel.metadata.record.ConfigResourceType;
import io.runnel.metadata.record.PartitionRecord;
import io.runnel.metadata.record.RegisterBrokerRecord;
import io.runnel.metadata.record.TopicRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The controller itself: startup, listeners, producer ids, and the order it proposes and applies in. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class MetadataControllerTest extends ControllerTestBase {
    // ------------------------------------------------------------ startup

    @Test
    void shouldCreateClusterIdAndRegisterBrokerWhenLogIsNew() {
        final MetadataImage image = controller.image();

        assertThat(image.clusterId()).isNotBlank();
        assertThat(Uuid.fromString(image.clusterId())).isNotNull();
        assertThat(image.brokers()).containsOnlyKeys(1);
        assertThat(image.brokers().get(1).sameEndpoint(SELF)).isTrue();
        assertThat(image.brokers().get(1).epoch())
                .as("the offset of its registration")
                .isEqualTo(1);
        assertThat(image.brokers().get(1).isActive()).isTrue();
        assertThat(image.lastOffset()).isEqualTo(1);
    }

    @Test
    void shouldKeepClusterIdAndWriteNothingWhenRestartedWithSameRegistration() {
        final String clusterId = controller.image().clusterId();
        final long lastOffset = controller.image().lastOffset();

        final MetadataController restarted = restart();

        assertThat(restarted.image().clusterId()).isEqualTo(clusterId);
        assertThat(restarted.image().lastOffset()).isEqualTo(lastOffset);
    }

    @Test
    void shouldReRegisterWhenEndpointChanges() {
        final BrokerRegistration moved = new BrokerRegistration(1, "example.com", 19092, "PLAINTEXT", "rack-1");
        final MetadataController restarted = restartAs(moved, Map.of());

        assertThat(restarted.image().brokers()).containsOnlyKeys(1);
        assertThat(restarted.image().brokers().get(1).sameEndpoint(moved)).isTrue();
        final List<Object> records = new ArrayList<>();
        closeAll();
        try (MetadataLog reopened = LocalMetadataLog.open(dir)) {
            reopened.replay((batch, lastOffset) -> records.addAll(batch));
        }
        assertThat(records).last().isEqualTo(new RegisterBrokerRecord(1, "example.com", 19092, "PLAINTEXT", "rack-1"));
    }

    @Test
    void shouldFailCommandsWhenNotStarted() {
        final MetadataLog log = LocalMetadataLog.open(dir.resolve("other"));
        toClose.add(log);
        final MetadataController notStarted = new MetadataController(log, SELF, 1, (short) 1, Map.of());
        toClose.add(notStarted);

        assertThat(notStarted.allocateProducerIds(1)).failsWithin(5, TimeUnit.SECONDS);
    }

    @Test
    void shouldPublishEveryNewImageToListeners() {
        final List<MetadataImage[]> seen = new CopyOnWriteArrayList<>();
        controller
                .registerListener((previous, next) -> seen.add(new MetadataImage[] {previous, next}))
                .join();
        final MetadataImage before = controller.image();

        create(CreateTopicSpec.of("orders", 1, (short) 1));

        assertThat(seen).hasSize(2);
        assertThat(seen.get(0)[0]).isSameAs(MetadataImage.EMPTY);
        assertThat(seen.get(0)[1]).isSameAs(before);
        assertThat(seen.get(1)[0]).isSameAs(before);
        assertThat(seen.get(1)[1]).isSameAs(controller.image());
        assertThat(seen.get(1)[1].topic("orders")).isNotNull();
    }

    @Test
    void shouldRunCommandsOnTheControllerThread() {
        final List<String> threads = new CopyOnWriteArrayList<>();
        controller
                .registerListener(
                        (previous, next) -> threads.add(Thread.currentThread().getName()))
                .join();

        assertThat(threads).containsExactly(MetadataController.THREAD_NAME);
    }

    // ------------------------------------------------------------ producer ids

    @Test
    void shouldNeverRepeatProducerIdBlocksAcrossRestarts() {
        final long first = controller.allocateProducerIds(1000).join();
        final long second = controller.allocateProducerIds(1000).join();
        assertThat(second).isEqualTo(first + 1000);

        final MetadataController restarted = restart();
        final long third = restarted.allocateProducerIds(10).join();

        assertThat(third).isGreaterThanOrEqualTo(second + 1000);
        assertThat(restarted.image().nextProducerId()).isEqualTo(third + 10);
    }

    @Test
    void shouldRejectNonPositiveProducerIdCount() {
        assertThat(controller.allocateProducerIds(0)).isCompletedExceptionally();
    }

    // ------------------------------------------------------------ errors

    @Test
    void shouldMapApiExceptionsAndHideInternalOnes() {
        assertThat(ApiError.fromThrowable(new java.util.concurrent.CompletionException(
                        new org.apache.kafka.common.errors.KafkaStorageException("disk"))))
                .isEqualTo(new ApiError(Errors.KAFKA_STORAGE_ERROR, "disk"));
        assertThat(ApiError.fromThrowable(new IllegalStateException("secret")))
                .isEqualTo(new ApiError(Errors.UNKNOWN_SERVER_ERROR, null));
    }

    @Test
    void shouldKeepConfigResourceTypeIdsStable() {
        assertThat(ConfigResourceType.TOPIC.id()).isEqualTo((byte) 2);
        assertThat(ConfigResourceType.BROKER.id()).isEqualTo((byte) 4);
    }

    // ------------------------------------------------------------ propose and apply

    /** A controller on a log that commits later, on its own thread, as a replicated log does. */
    private MetadataController startOn(final AsyncMetadataLog log) {
        toClose.add(log);
        final MetadataController started = new MetadataController(log, SELF, 3, (short) 1, Map.of());
        toClose.add(started);
        started.start().join();
        return started;
    }

    @Test
    void shouldReplaceItsImageAndTellListenersWhenTheLogLoadsASnapshot() {
        final AsyncMetadataLog log = new AsyncMetadataLog(new ArrayList<>());
        final MetadataController async = startOn(log);
        final List<MetadataImage> seen = new CopyOnWriteArrayList<>();
        async.registerListener((previous, next) -> seen.add(next)).join();
        final Uuid topicId = Uuid.randomUuid();
        final MetadataImage leaders = MetadataImage.EMPTY
                .apply(new ClusterIdRecord("leaders-cluster"))
                .apply(new TopicRecord("orders", topicId))
                .apply(new PartitionRecord(topicId, 0, List.of(1), List.of(1), 1, 3, 4));

        log.installSnapshot(leaders.toRecords(), 41).join();

        final MetadataImage loaded = MetadataImage.fromSnapshot(leaders.toRecords(), 41);
        assertThat(async.image()).isEqualTo(loaded);
        assertThat(seen).last().isEqualTo(loaded);
        assertThat(log.takeSnapshot().join()).isEqualTo(loaded.toRecords());
    }

    @Test
    void shouldLetOneOfConcurrentCreatesOfOneNamePassWhenTheLogCommitsLater() throws InterruptedException {
        final AsyncMetadataLog log = new AsyncMetadataLog(new ArrayList<>());
        final MetadataController async = startOn(log);
        log.holdCommits();
        final List<CompletableFuture<List<CreateTopicResult>>> creates = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            creates.add(async.createTopics(List.of(CreateTopicSpec.of("orders", 1, (short) 1)), false));
        }
        // A controller that did not wait for its proposal to apply would propose all eight by now.
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(300);
        while (log.pendingProposals() < creates.size() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(log.pendingProposals()).isEqualTo(1);
        log.releaseCommits();

        final List<Errors> errors =
                creates.stream().map(f -> f.join().get(0).error().error()).toList();

        assertThat(errors.get(0)).isEqualTo(Errors.NONE);
        assertThat(errors.subList(1, errors.size())).containsOnly(Errors.TOPIC_ALREADY_EXISTS);
        assertThat(async.image().topicsByName()).containsOnlyKeys("orders");
    }

    @Test
    void shouldApplyAndPublishEveryBatchInLogOrderOnTheLogsCommitThread() {
        final MetadataController async = startOn(new AsyncMetadataLog(new ArrayList<>()));
        final List<String> threads = new CopyOnWriteArrayList<>();
        final List<MetadataImage[]> seen = new CopyOnWriteArrayList<>();
        async.registerListener((previous, next) -> {
                    threads.add(Thread.currentThread().getName());
                    seen.add(new MetadataImage[] {previous, next});
                })
                .join();

        final CompletableFuture<List<CreateTopicResult>> created =
                async.createTopics(List.of(CreateTopicSpec.of("a", 1, (short) 1)), false);
        final CompletableFuture<Long> producerIds = async.allocateProducerIds(10);
        final CompletableFuture<DeleteTopicsResult> deleted = async.deleteTopics(List.of("a"), List.of());
        CompletableFuture.allOf(created, producerIds, deleted).join();

        assertThat(threads)
                .containsExactly(
                        MetadataController.THREAD_NAME,
                        AsyncMetadataLog.THREAD_NAME,
                        AsyncMetadataLog.THREAD_NAME,
                        AsyncMetadataLog.THREAD_NAME);
        for (int i = 1; i < seen.size(); i++) {
            assertThat(seen.get(i)[0]).isSameAs(seen.get(i - 1)[1]);
        }
        assertThat(seen.get(1)[1].topic("a")).isNotNull();
        assertThat(seen.get(2)[1].nextProducerId()).isEqualTo(producerIds.join() + 10);
        assertThat(seen.get(3)[1]).isSameAs(async.image());
        assertThat(async.image().topicsByName()).isEmpty();
    }
}
