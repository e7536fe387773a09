package io.runnel.it.groups;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.runnel.it.TestBrokerExtension;
import io.runnel.testsupport.Await;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.GroupNotEmptyException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * kafka-clients 4.4.0's Admin deletes groups with DeleteGroups v3; for these two errors Kafka 4.4.0 and Runnel send
 * no ErrorMessage, and the Admin's exception says what the error code says.
 */
@Timeout(60)
class DeleteGroupsTest {
    @RegisterExtension
    static final TestBrokerExtension BROKER =
            new TestBrokerExtension("group.initial.rebalance.delay.ms", "0", "offsets.topic.num.partitions", "3");

    @Test
    void shouldRefuseToDeleteAGroupWithAMemberAndSayWhy() throws Exception {
        try (Admin admin = BROKER.broker().admin();
                KafkaConsumer<byte[], byte[]> member = BROKER.broker()
                        .consumer(
                                ConsumerConfig.GROUP_ID_CONFIG,
                                "busy",
                                ConsumerConfig.GROUP_PROTOCOL_CONFIG,
                                "consumer")) {
            admin.createTopics(List.of(new NewTopic("busy-topic", 2, (short) 1)))
                    .all()
                    .get();
            member.subscribe(List.of("busy-topic"));
            Await.until(
                    Duration.ofSeconds(30),
                    () -> {
                        member.poll(Duration.ofMillis(50));
                        return !member.assignment().isEmpty();
                    },
                    "the member owns partitions");

            final Throwable refused = catchThrowable(
                    () -> admin.deleteConsumerGroups(List.of("busy")).all().get());

            assertThat(refused).isInstanceOf(ExecutionException.class);
            assertThat(refused.getCause())
                    .isInstanceOf(GroupNotEmptyException.class)
                    .hasMessage("The group is not empty.");
            assertThat(admin.listGroups().all().get())
                    .anySatisfy(group -> assertThat(group.groupId()).isEqualTo("busy"));
        }
    }

    @Test
    void shouldSayWhyAnUnknownGroupCannotBeDeleted() throws Exception {
        try (Admin admin = BROKER.broker().admin()) {
            final Throwable refused = catchThrowable(
                    () -> admin.deleteConsumerGroups(List.of("never-was")).all().get());
            assertThat(refused.getCause())
                    .isInstanceOf(GroupIdNotFoundException.class)
                    .hasMessage("The group id does not exist.");
        }
    }
}
