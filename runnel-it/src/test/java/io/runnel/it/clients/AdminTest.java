package io.runnel.it.clients;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.runnel.it.TestBroker;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.CreateTopicsOptions;
import org.apache.kafka.clients.admin.CreateTopicsResult;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicCollection;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidPartitionsException;
import org.apache.kafka.common.errors.InvalidReplicaAssignmentException;
import org.apache.kafka.common.errors.InvalidReplicationFactorException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The topic and cluster administration a Kafka user does through kafka-clients' Admin. */
@Timeout(60)
class AdminTest {
    @TempDir
    static Path dir;

    static TestBroker broker;
    static Admin admin;

    @BeforeAll
    static void start() throws Exception {
        broker = TestBroker.start(dir, "num.partitions", "3", "node.id", "7");
        admin = broker.admin();
    }

    @AfterAll
    static void stop() {
        admin.close();
        broker.close();
    }

    @Test
    void shouldDescribeTheClusterAsOneBrokerThatIsAlsoTheController() throws Exception {
        final DescribeClusterResult cluster = admin.describeCluster();
        assertThat(cluster.clusterId().get())
                .isEqualTo(broker.broker().clusterId())
                .isNotBlank();
        assertThat(cluster.nodes().get()).singleElement().satisfies(node -> {
            assertThat(node.id()).isEqualTo(7);
            assertThat(node.port()).isEqualTo(broker.port());
        });
        assertThat(cluster.controller().get().id()).isEqualTo(7);
    }

    @Test
    void shouldReportTheEffectiveConfigsAndWriteNothingWhenValidateOnly() throws Exception {
        final CreateTopicsResult result = admin.createTopics(
                List.of(new NewTopic("validate-only", 5, (short) 1).configs(Map.of("segment.ms", "60000"))),
                new CreateTopicsOptions().validateOnly(true));
        result.all().get();
        assertThat(result.numPartitions("validate-only").get()).isEqualTo(5);
        assertThat(result.config("validate-only").get().get("segment.ms").value())
                .isEqualTo("60000");
        assertThat(admin.listTopics().names().get()).doesNotContain("validate-only");
    }

    @Test
    void shouldRejectBadTopicDefinitionsWithKafkasErrors() throws Exception {
        admin.createTopics(List.of(new NewTopic("exists", 1, (short) 1))).all().get();
        assertThatThrownBy(() -> admin.createTopics(List.of(new NewTopic("exists", 1, (short) 1)))
                        .all()
                        .get())
                .hasCauseInstanceOf(TopicExistsException.class);
        assertThatThrownBy(() -> admin.createTopics(List.of(new NewTopic("rf-too-big", 1, (short) 3)))
                        .all()
                        .get())
                .hasCauseInstanceOf(InvalidReplicationFactorException.class);
        assertThatThrownBy(() -> admin.createTopics(List.of(new NewTopic("no-partitions", 0, (short) 1)))
                        .all()
                        .get())
                .hasCauseInstanceOf(InvalidPartitionsException.class);
        assertThatThrownBy(() -> admin.createTopics(
                                List.of(new NewTopic("unknown-broker", Map.of(0, List.of(7), 1, List.of(8)))))
                        .all()
                        .get())
                .hasCauseInstanceOf(InvalidReplicaAssignmentException.class);
        assertThatThrownBy(() -> admin.createTopics(
                                List.of(new NewTopic("gap-in-partitions", Map.of(0, List.of(7), 2, List.of(7)))))
                        .all()
                        .get())
                .hasCauseInstanceOf(InvalidReplicaAssignmentException.class);
        assertThatThrownBy(() -> admin.createTopics(List.of(
                                new NewTopic("bad-config", 1, (short) 1).configs(Map.of("cleanup.policy", "shred"))))
                        .all()
                        .get())
                .hasCauseInstanceOf(InvalidConfigurationException.class);
        assertThatThrownBy(() -> admin.createTopics(List.of(
                                new NewTopic("unknown-config", 1, (short) 1).configs(Map.of("no.such.config", "1"))))
                        .all()
                        .get())
                .hasCauseInstanceOf(InvalidConfigurationException.class);
        assertThat(admin.listTopics().names().get())
                .contains("exists")
                .doesNotContain("rf-too-big", "no-partitions", "unknown-broker", "gap-in-partitions", "bad-config");
    }

    @Test
    void shouldCreateATopicWithAnExplicitAssignment() throws Exception {
        admin.createTopics(List.of(new NewTopic("assigned", Map.of(0, List.of(7), 1, List.of(7)))))
                .all()
                .get();
        final TopicDescription description =
                admin.describeTopics(List.of("assigned")).allTopicNames().get().get("assigned");
        assertThat(description.partitions())
                .hasSize(2)
                .allSatisfy(p -> assertThat(p.leader().id()).isEqualTo(7));
    }

    @Test
    void shouldDeleteTopicsByNameAndById() throws Exception {
        admin.createTopics(List.of(
                        new NewTopic("delete-by-name", 2, (short) 1), new NewTopic("delete-by-id", 2, (short) 1)))
                .all()
                .get();
        final Uuid id = admin.describeTopics(List.of("delete-by-id"))
                .allTopicNames()
                .get()
                .get("delete-by-id")
                .topicId();
        produceOne("delete-by-name");
        admin.deleteTopics(List.of("delete-by-name")).all().get();
        admin.deleteTopics(TopicCollection.ofTopicIds(List.of(id))).all().get();
        assertThat(admin.listTopics().names().get()).doesNotContain("delete-by-name", "delete-by-id");
        assertThatThrownBy(() ->
                        admin.deleteTopics(List.of("delete-by-name")).all().get())
                .hasCauseInstanceOf(UnknownTopicOrPartitionException.class);

        // the name can be used again: a new topic with a new id and an empty log
        admin.createTopics(List.of(new NewTopic("delete-by-name", 1, (short) 1)))
                .all()
                .get();
        assertThat(produceOne("delete-by-name").offset()).isZero();
    }

    @Test
    void shouldAddPartitionsThatTakeRecords() throws Exception {
        admin.createTopics(List.of(new NewTopic("growing", 1, (short) 1))).all().get();
        admin.createPartitions(Map.of("growing", NewPartitions.increaseTo(4)))
                .all()
                .get();
        assertThat(admin.describeTopics(List.of("growing"))
                        .allTopicNames()
                        .get()
                        .get("growing")
                        .partitions())
                .hasSize(4);
        try (KafkaProducer<byte[], byte[]> producer = broker.producer()) {
            assertThat(producer.send(new ProducerRecord<>("growing", 3, null, new byte[] {1}))
                            .get()
                            .partition())
                    .isEqualTo(3);
        }
        assertThatThrownBy(() -> admin.createPartitions(Map.of("growing", NewPartitions.increaseTo(2)))
                        .all()
                        .get())
                .hasCauseInstanceOf(InvalidPartitionsException.class);
    }

    @Test
    void shouldAutoCreateATopicWithTheDefaultPartitionCountOnFirstProduce() throws Exception {
        assertThat(produceOne("auto-created").offset()).isZero();
        final TopicDescription description = admin.describeTopics(Set.of("auto-created"))
                .allTopicNames()
                .get()
                .get("auto-created");
        assertThat(description.partitions()).hasSize(3);
    }

    private static RecordMetadata produceOne(final String topic) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = broker.producer()) {
            return producer.send(new ProducerRecord<>(topic, 0, null, new byte[] {42}))
                    .get();
        }
    }
}
